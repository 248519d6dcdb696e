// The iotmark scanner page: camera, rendering and storage. All WebAssembly work runs in
// scan-worker.js. Nothing about a scan ever leaves the device.

const $ = (id) => document.getElementById(id);
const LANGUAGES = ['en', 'de', 'fr', 'es', 'pt', 'sw'];
const HISTORY_KEY = 'iotmark.history';
const LANG_KEY = 'iotmark.language';
const LISTS_CACHE = 'iotmark-lists';

const state = {
  lang: 'en',
  messages: {},
  languageJson: '{}',
  scanning: false,
  busy: false,
  stream: null,
  current: null, // { text, result }
  offered: { trust: [], revocation: [] },
  base: null,
  timing: {},
};
window.iotmark = state; // read by the tests and the benchmark; holds nothing secret

const t = (key, fallback = key) => state.messages[key] ?? fallback;

function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The worker, restarted with its lists after a trap. */
class Engine {
  constructor() { this.next = 1; this.start(); }

  start() {
    this.pending = new Map();
    this.worker = new Worker('scan-worker.js', { type: 'module' });
    this.worker.onmessage = (e) => this.settle(e.data);
    this.worker.onerror = (e) => { e.preventDefault(); this.restart(String(e.message)); };
    this.ready = state.base ? this.call({ type: 'lists', ...state.base, extraTrust: state.offered.trust, extraRevocation: state.offered.revocation }) : Promise.resolve();
  }

  restart(reason) {
    for (const { reject } of this.pending.values()) reject(new Error(`decoder restarted: ${reason}`));
    this.worker.terminate();
    state.timing.restarts = (state.timing.restarts || 0) + 1;
    this.start();
  }

  settle(msg) {
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.result);
    else {
      p.reject(new Error(msg.error));
      if (msg.trapped) this.restart(msg.error);
    }
  }

  call(msg, transfer = []) {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...msg, id }, transfer);
    });
  }
}

let engine;

async function fetchBytes(url, init) {
  const r = await fetch(url, init);
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
  return r.arrayBuffer();
}

/** Lists saved after earlier online refreshes (newer than the bundled ones, or not). */
async function savedLists() {
  const out = { trust: [], revocation: [] };
  if (!('caches' in self)) return out;
  const cache = await caches.open(LISTS_CACHE);
  for (const kind of ['trust', 'revocation']) {
    const r = await cache.match(`saved/${kind}.cose`);
    if (r) out[kind].push(await r.arrayBuffer());
  }
  return out;
}

async function loadLists() {
  const config = await (await fetch('trust/config.json')).json();
  const [trust, revocation] = await Promise.all([fetchBytes('trust/trust.cose'), fetchBytes('trust/revocation.cose')]);
  state.base = { root: config.root, trust, revocation };
  const saved = await savedLists();
  await offerLists(saved.trust, saved.revocation, false);
}

/** Offers lists to the verifier; it keeps each only if validly signed and newer. */
async function offerLists(trust, revocation, save) {
  await engine.ready;
  const r = await engine.call({ type: 'lists', ...state.base, extraTrust: trust, extraRevocation: revocation });
  state.offered.trust.push(...trust);
  state.offered.revocation.push(...revocation);
  if (save && 'caches' in self) {
    const cache = await caches.open(LISTS_CACHE);
    if (r.trust[0] === true) await cache.put('saved/trust.cose', new Response(trust[0]));
    if (r.revocation[0] === true) await cache.put('saved/revocation.cose', new Response(revocation[0]));
  }
  return r;
}

/** When online, fetch the published lists; never blocks scanning, never sends scan data. */
async function refreshLists() {
  if (!navigator.onLine) return;
  try {
    const [trust, revocation] = await Promise.all([
      fetchBytes('trust/trust.cose?fresh', { cache: 'no-store' }),
      fetchBytes('trust/revocation.cose?fresh', { cache: 'no-store' }),
    ]);
    state.refreshed = await offerLists([trust], [revocation], true);
  } catch { /* offline or unreachable: keep verifying with what we have */ }
}

// ---------- language ----------

function pickLanguage() {
  const saved = localStorage.getItem(LANG_KEY);
  if (LANGUAGES.includes(saved)) return saved;
  for (const tag of navigator.languages || [navigator.language]) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (LANGUAGES.includes(base)) return base;
  }
  return 'en';
}

async function setLanguage(lang) {
  const [own, en] = await Promise.all([fetch(`lang/${lang}.json`).then((r) => r.text()), fetch('lang/en.json').then((r) => r.json())]);
  state.lang = lang;
  state.languageJson = own;
  state.messages = { ...en, ...JSON.parse(own) };
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll('[data-t]')) el.textContent = t(el.dataset.t, el.textContent);
  $('lang').value = lang;
  renderHistory();
  if (state.current) await show(state.current.text, false);
}

// ---------- camera ----------

function status(key, extra = '') {
  $('camera-status').textContent = t(key) + (extra ? ` ${extra}` : '');
}

async function startCamera() {
  if (!navigator.mediaDevices?.getUserMedia) { status('ui.no-camera'); return; }
  try {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
    });
    state.stream = stream;
    const video = $('video');
    video.srcObject = stream;
    await video.play();
    state.timing.cameraReadyMs = performance.now();
    $('start').hidden = true;
    status('ui.camera-ready');
    setUpTrackControls(stream.getVideoTracks()[0]);
    state.scanning = true;
    scheduleFrame();
  } catch (e) {
    status(e && e.name === 'NotAllowedError' ? 'ui.camera-denied' : 'ui.no-camera');
    $('start').hidden = false;
  }
}

function setUpTrackControls(track) {
  const caps = track.getCapabilities ? track.getCapabilities() : {};
  if (caps.torch) {
    let on = false;
    $('torch').hidden = false;
    $('torch').onclick = async () => { on = !on; await track.applyConstraints({ advanced: [{ torch: on }] }).catch(() => {}); $('torch').setAttribute('aria-pressed', String(on)); };
  }
  if (caps.focusMode && caps.focusMode.includes('single-shot')) {
    $('video').onclick = (e) => {
      const r = e.currentTarget.getBoundingClientRect();
      const point = { x: (e.clientX - r.left) / r.width, y: (e.clientY - r.top) / r.height };
      track.applyConstraints({ advanced: [{ focusMode: 'single-shot', pointsOfInterest: [point] }] }).catch(() => {});
    };
  }
}

function stopCamera() {
  state.scanning = false;
  state.stream?.getTracks().forEach((tr) => tr.stop());
  state.stream = null;
}

function scheduleFrame() {
  if (!state.scanning) return;
  const video = $('video');
  if (video.requestVideoFrameCallback) video.requestVideoFrameCallback(() => scanFrame());
  else setTimeout(scanFrame, 30);
}

async function scanFrame() {
  const video = $('video');
  if (!state.scanning) return;
  // Decoding pauses while the page is hidden; visibilitychange resumes it.
  if (document.hidden || state.busy || video.readyState < 2) { if (!document.hidden) scheduleFrame(); return; }
  state.busy = true;
  const captured = performance.now();
  try {
    const bitmap = await createImageBitmap(video);
    const seq = state.timing.frames || 0;
    const r = await engine.call({ type: 'frame', bitmap, seq }, [bitmap]);
    state.timing.frames = seq + 1;
    state.timing.lastFrameMs = r.ms;
    if (r.codes.length && state.scanning) {
      state.scanning = false;
      await show(r.codes[0].text, true, captured);
    }
  } catch { /* a restarted decoder: keep going */ }
  state.busy = false;
  scheduleFrame();
}

async function scanPhoto(file) {
  try {
    const bitmap = await createImageBitmap(file);
    const r = await engine.call({ type: 'frame', bitmap, all: true }, [bitmap]);
    if (!r.codes.length) { status('ui.photo-nothing'); return; }
    stopCamera();
    await show(r.codes[0].text, true);
  } catch {
    status('ui.photo-unreadable');
  }
}

// ---------- verdict ----------

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function verdictClass(code) {
  if (code === 'valid') return 'valid';
  if (code === 'expired' || code === 'revoked' || code === 'not-yet-valid') return 'caution';
  return 'invalid';
}

async function explain(text) {
  await engine.ready;
  return engine.call({ type: 'explain', text, today: today(), language: state.languageJson });
}

async function show(text, record, captured) {
  state.scanning = false;
  const result = await explain(text);
  state.current = { text, result };
  const { verification: v, explanation: x } = result;
  $('scan').hidden = true;
  const box = $('result');
  box.hidden = false;
  $('verdict').className = `verdict ${verdictClass(v.verdict)}`;
  $('verdict').dataset.verdict = v.verdict;
  $('verdict-headline').textContent = x.headline;
  $('verdict-summary').textContent = x.summary;
  const identity = $('identity');
  identity.hidden = !x.product;
  if (x.product) {
    const badge = $('grade-badge');
    badge.className = `badge ${x.grade}`;
    badge.textContent = `${'★'.repeat({ gold: 3, silver: 2, bronze: 1 }[x.grade] || 0)} ${x.grade_text}`;
    badge.setAttribute('aria-label', `${t('ui.grade')}: ${x.grade_text}`);
    $('product').textContent = x.product;
    $('check-box').textContent = x.check_box;
  }
  if (v.verdict === 'not-a-label') {
    // Name it, show its text as plain text, never open it.
    $('verdict-summary').textContent = `${x.summary} ${t('ui.not-a-label-text')} ${text.slice(0, 200)}`;
  }
  const warnings = $('warnings');
  warnings.replaceChildren(...x.warnings.map((w) => el('p', w, 'warning')));
  const sections = $('sections');
  sections.replaceChildren();
  for (const s of x.sections) {
    const ul = el('ul');
    for (const line of s.lines) ul.append(el('li', line));
    sections.append(el('h3', s.title), ul);
  }
  $('principles-box').hidden = !x.principles.length;
  const principles = $('principles');
  principles.replaceChildren();
  for (const g of x.principles) {
    if (!g.principles.length) continue;
    const ul = el('ul');
    for (const p of g.principles) {
      const li = el('li');
      li.append(el('span', `${p.status_text}: `, 'status'), document.createTextNode(`${p.id}. ${p.text}`));
      ul.append(li);
    }
    principles.append(el('h3', g.title), ul);
  }
  $('trust-age').textContent = `${t('ui.trust-list')} ${v.trust_list.sequence}, ${v.trust_list.issued} (${v.trust_list.age_days} ${t('ui.days-old')})${v.trust_list.expired ? ` — ${t('ui.trust-expired')}` : ''}`;
  if (captured !== undefined) state.timing.verdictMs = performance.now() - captured;
  box.focus();
  if (record && x.product) remember(text, x);
}

function speak() {
  if (!('speechSynthesis' in self) || !state.current) return;
  const x = state.current.result.explanation;
  const parts = [x.headline, x.summary, x.grade_text, x.product, x.check_box, ...x.sections.flatMap((s) => [s.title, ...s.lines])].filter(Boolean);
  speechSynthesis.cancel();
  const u = new SpeechSynthesisUtterance(parts.join('. '));
  u.lang = state.lang;
  speechSynthesis.speak(u);
}

// ---------- history and comparison ----------

function history() {
  try { return JSON.parse(localStorage.getItem(HISTORY_KEY)) || []; } catch { return []; }
}

function remember(text, x) {
  const items = history().filter((h) => h.text !== text);
  items.unshift({ text, product: x.product, grade: x.grade, verdict: x.verdict, at: Date.now() });
  localStorage.setItem(HISTORY_KEY, JSON.stringify(items.slice(0, 50)));
  renderHistory();
}

function renderHistory() {
  const list = $('history');
  list.replaceChildren();
  history().forEach((h, i) => {
    const li = el('li');
    const label = el('label');
    const box = el('input');
    box.type = 'checkbox';
    box.value = String(i);
    box.onchange = () => { $('compare').disabled = list.querySelectorAll('input:checked').length !== 2; };
    label.append(box, document.createTextNode(` ${h.product} — ${t(`grade.${h.grade}`, h.grade || '')} (${new Date(h.at).toLocaleDateString(state.lang)})`));
    li.append(label);
    list.append(li);
  });
  $('compare').disabled = true;
}

async function compare() {
  const picked = [...$('history').querySelectorAll('input:checked')].map((b) => history()[Number(b.value)]);
  if (picked.length !== 2) return;
  const results = await Promise.all(picked.map((h) => explain(h.text)));
  const table = el('table', undefined, 'compare-table');
  const head = el('tr');
  head.append(el('th', ''), ...results.map((r) => el('th', r.explanation.product || r.explanation.headline)));
  table.append(head);
  const row = (title, cells) => { const tr = el('tr'); tr.append(el('th', title), ...cells.map((c) => el('td', c))); table.append(tr); };
  row(t('ui.verdict'), results.map((r) => r.explanation.headline));
  row(t('ui.grade'), results.map((r) => r.explanation.grade_text || '—'));
  const keys = results[0].explanation.sections.map((s) => s.key);
  for (const key of keys) {
    const title = results[0].explanation.sections.find((s) => s.key === key).title;
    row(title, results.map((r) => (r.explanation.sections.find((s) => s.key === key)?.lines || []).join(' ')));
  }
  $('comparison').replaceChildren(table);
  $('comparison').hidden = false;
}

// ---------- start ----------

function scanAgain() {
  $('result').hidden = true;
  $('scan').hidden = false;
  state.current = null;
  if (state.stream) { state.scanning = true; scheduleFrame(); } else startCamera();
}

async function main() {
  engine = new Engine();
  const select = $('lang');
  for (const tag of LANGUAGES) select.append(new Option(tag, tag));
  const loading = loadLists();
  await setLanguage(pickLanguage());
  fetch('lang/names.json').then((r) => r.json()).then((names) => { for (const o of select.options) o.textContent = names[o.value] || o.value; }).catch(() => {});
  select.onchange = () => { localStorage.setItem(LANG_KEY, select.value); setLanguage(select.value); };
  $('start').onclick = startCamera;
  $('again').onclick = scanAgain;
  $('speak').onclick = speak;
  $('photo').onchange = (e) => e.target.files[0] && scanPhoto(e.target.files[0]);
  $('compare').onclick = compare;
  $('clear').onclick = () => { localStorage.removeItem(HISTORY_KEY); renderHistory(); $('comparison').hidden = true; };
  document.addEventListener('visibilitychange', () => { if (!document.hidden) scheduleFrame(); });
  await loading;
  if (location.hash.startsWith('#IM1:')) await show(location.href, true);
  else startCamera();
  window.addEventListener('hashchange', () => location.hash.startsWith('#IM1:') && show(location.href, true));
  // Loading ends when the lists are refreshed (online only) and the offline copy is in place;
  // from then on the app makes no network request at all.
  await refreshLists();
  if ('serviceWorker' in navigator) {
    await navigator.serviceWorker.register('sw.js').then(() => navigator.serviceWorker.ready).catch(() => {});
  }
  document.body.dataset.ready = 'true';
}

main();
