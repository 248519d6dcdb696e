// The iotmark scanner page: camera, rendering and storage. All WebAssembly work runs in
// scan-worker.js. Nothing about a scan leaves the device unless the person taps Send on a
// report. With a registry named in trust/config.json, the signed lists are refreshed from it
// (they say nothing about what was scanned) and reports go to it.

const $ = (id) => document.getElementById(id);
const LANGUAGES = ['en', 'de', 'fr', 'es', 'pt', 'sw'];
const HISTORY_KEY = 'iotmark.history';
const LANG_KEY = 'iotmark.language';
const LISTS_CACHE = 'iotmark-lists';
const REPORTS_KEY = 'iotmark.reports'; // sent: [{reference, client_ref, what, at, state?, public_reason?}]
const QUEUE_KEY = 'iotmark.reports.queue'; // waiting: [{label, reason, text, contact, client_ref, what, at}]
const TEXT_MAX = 1000;
const CONTACT_MAX = 200;

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
  registry: null, // the registry's origin, from trust/config.json
  freshness: null, // { trust_list, revocation_list } of the lists in use
  report: null, // what the report area on the verdict screen shows
  timing: {},
};
window.iotmark = state; // read by the tests and the benchmark; holds nothing secret

const t = (key, fallback = key) => state.messages[key] ?? fallback;
/** The message for `key` with `{name}` placeholders filled from `args`. */
const say = (key, args = {}) => t(key).replace(/\{(\w+)\}/g, (m, name) => (name in args ? String(args[name]) : m));

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

/** The origin of the configured registry (http or https), or null. */
function registryOrigin(address) {
  try {
    const u = new URL(address);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.origin : null;
  } catch {
    return null;
  }
}

async function loadLists() {
  const config = await (await fetch('trust/config.json')).json();
  state.registry = registryOrigin(config.registry);
  if (state.registry) {
    const note = $('privacy-note');
    note.dataset.t = 'ui.privacy-note-registry';
    note.textContent = t(note.dataset.t, note.textContent);
  }
  const [trust, revocation] = await Promise.all([fetchBytes('trust/trust.cose'), fetchBytes('trust/revocation.cose')]);
  state.base = { root: config.root, trust, revocation };
  const saved = await savedLists();
  await offerLists(saved.trust, saved.revocation, false);
}

/**
 * Offers lists to the verifier; it keeps each only if validly signed and newer (a revocation
 * list may be signed by the trust list's status key). The newest accepted ones are replayed
 * to a restarted worker and, when `save`, kept for offline use.
 */
async function offerLists(trust, revocation, save) {
  await engine.ready;
  const r = await engine.call({ type: 'lists', ...state.base, extraTrust: trust, extraRevocation: revocation });
  const cache = save && 'caches' in self ? await caches.open(LISTS_CACHE) : null;
  for (const [kind, offered] of [['trust', trust], ['revocation', revocation]]) {
    const last = r[kind].lastIndexOf(true);
    if (last < 0) continue;
    state.offered[kind] = [offered[last]];
    if (cache) await cache.put(`saved/${kind}.cose`, new Response(offered[last]));
  }
  await updateFreshness();
  return r;
}

/**
 * One list: from the registry when there is one, else from the app's own host. When neither
 * answers, the verifier keeps what it has (the bundled lists, or newer ones saved earlier).
 */
function fetchList(kind) {
  const init = { cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' };
  return fetchBytes(state.registry ? `${state.registry}/lists/${kind}.cose` : `trust/${kind}.cose?fresh`, init);
}

/**
 * When online, fetch the published lists and offer them; never blocks a verdict, never sends
 * anything about a scan. Returns 'new', 'none', 'rejected', 'failed' or 'offline'. A label on
 * screen is verified again and redrawn when a list changed.
 */
function refreshLists() {
  if (!state.refreshing) state.refreshing = doRefresh().finally(() => { state.refreshing = null; });
  return state.refreshing;
}

async function doRefresh() {
  if (!navigator.onLine) return 'offline';
  const got = await Promise.allSettled([fetchList('trust'), fetchList('revocation')]);
  const [trust, revocation] = got.map((g) => (g.status === 'fulfilled' ? [g.value] : []));
  if (!trust.length && !revocation.length) return 'failed';
  let r;
  try {
    r = await offerLists(trust, revocation, true);
  } catch {
    return 'failed';
  }
  state.refreshed = r;
  const answers = [...r.trust, ...r.revocation];
  const outcome = answers.includes(true) ? 'new' : answers.some((a) => typeof a === 'string') ? 'rejected' : trust.length && revocation.length ? 'none' : 'failed';
  if (outcome === 'new' && state.current) await show(state.current.text, false);
  return outcome;
}

async function checkForUpdates() {
  const put = (key) => { state.updateStatus = key; $('update-status').textContent = t(key); };
  put('ui.updates-checking');
  put(`ui.updates-${await refreshLists()}`);
}

/** The freshness of the lists in use (a verification of nothing carries it). */
async function updateFreshness() {
  try {
    const v = await engine.call({ type: 'verify', text: '', today: today() });
    state.freshness = { trust_list: v.trust_list, revocation_list: v.revocation_list };
  } catch { /* keep the last known */ }
  renderFreshness();
}

function renderFreshness() {
  const f = state.freshness;
  if (!f) return;
  const line = (name, l) => `${t(name)} ${l.sequence}, ${l.issued} (${l.age_days} ${t('ui.days-old')})${l.expired ? ` — ${t('ui.trust-expired')}` : ''}`;
  $('trust-age').textContent = line('ui.trust-list', f.trust_list);
  $('revocation-age').hidden = !f.revocation_list;
  if (f.revocation_list) $('revocation-age').textContent = line('ui.revocation-list', f.revocation_list);
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
  renderReports();
  renderFreshness();
  renderReportStatus();
  updateCount();
  if (state.updateStatus) $('update-status').textContent = t(state.updateStatus);
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
  const fresh = state.current?.text !== text;
  if (fresh) resetReport();
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
  // When and why it was struck off, in the verdict box itself.
  const struck = $('struck-off');
  struck.replaceChildren(...(x.struck_off || []).map((line) => el('p', line)));
  struck.hidden = !struck.childElementCount;
  // A genuine label's public register page: a link the person may follow, never fetched here.
  $('register').hidden = !(state.registry && v.label);
  if (state.registry && v.label) $('register-link').href = `${state.registry}/labels/${encodeURIComponent(v.label.id)}`;
  $('report-box').hidden = !state.registry || v.verdict === 'not-a-label';
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
  state.freshness = { trust_list: v.trust_list, revocation_list: v.revocation_list };
  renderFreshness();
  if (captured !== undefined) state.timing.verdictMs = performance.now() - captured;
  if (fresh) box.focus();
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

// ---------- reporting a problem ----------
// Nothing is sent until Send is tapped. A report that cannot be sent waits in localStorage
// with its client_ref, so that sending it again later can never make two reports.

function stored(key) {
  try { return JSON.parse(localStorage.getItem(key)) || []; } catch { return []; }
}

function store(key, items) {
  if (items.length) localStorage.setItem(key, JSON.stringify(items));
  else localStorage.removeItem(key);
}

function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function resetReport() {
  state.report = null;
  $('report-form').reset();
  $('report-form').hidden = true;
  $('report-open').hidden = false;
  $('report-open').setAttribute('aria-expanded', 'false');
  $('report-error').hidden = true;
  updateCount();
  renderReportStatus();
}

function openReport() {
  state.report = null;
  renderReportStatus();
  $('report-form').hidden = false;
  $('report-open').hidden = true;
  $('report-open').setAttribute('aria-expanded', 'true');
  $('report-title').tabIndex = -1;
  $('report-title').focus();
}

function closeReport() {
  $('report-form').hidden = true;
  $('report-open').hidden = false;
  $('report-open').setAttribute('aria-expanded', 'false');
  $('report-open').focus();
}

function updateCount() {
  $('report-count').textContent = say('report.text-count', { n: $('report-text').value.length, max: TEXT_MAX });
}

/** Sends one report. {sent: {reference, state}} | {rejected: message} | {retry: true}. */
async function sendReport(q) {
  const body = { label: q.label, reason: q.reason, text: q.text, contact: q.contact, client_ref: q.client_ref };
  let r;
  try {
    r = await fetch(`${state.registry}/api/reports`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    });
  } catch {
    return { retry: true };
  }
  const answer = await r.json().catch(() => ({}));
  if ((r.status === 200 || r.status === 201) && answer.reference) return { sent: answer };
  // Too many reports from this address just now: the report is fine, so it waits and is sent later.
  if (r.status === 429) return { retry: true, message: answer.message || 'HTTP 429' };
  if (r.status >= 400 && r.status < 500) return { rejected: answer.message || `HTTP ${r.status}` };
  return { retry: true };
}

function rememberReport(q, sent) {
  const items = stored(REPORTS_KEY).filter((s) => s.reference !== sent.reference);
  items.unshift({ reference: sent.reference, client_ref: q.client_ref, what: q.what, at: Date.now(), state: sent.state });
  store(REPORTS_KEY, items.slice(0, 100));
}

function dequeue(clientRef) {
  store(QUEUE_KEY, stored(QUEUE_KEY).filter((q) => q.client_ref !== clientRef));
}

/** What happened to a send, on the verdict screen (when it is this screen's report) and in the list. */
function settle(q, out) {
  if (out.retry) return false;
  dequeue(q.client_ref);
  if (out.sent) rememberReport(q, out.sent);
  const mine = state.report && state.report.client_ref === q.client_ref;
  if (mine) state.report = out.sent ? { kind: 'sent', client_ref: q.client_ref, reference: out.sent.reference } : { kind: 'failed', client_ref: q.client_ref, message: out.rejected };
  else if (out.rejected) $('reports-status').textContent = say('report.failed', { message: out.rejected });
  return true;
}

async function submitReport(e) {
  e.preventDefault();
  const form = $('report-form');
  const reason = form.querySelector('input[name=reason]:checked')?.value;
  const error = $('report-error');
  if (!reason) {
    error.textContent = t('report.pick-reason');
    error.hidden = false;
    form.querySelector('input[name=reason]').focus();
    return;
  }
  error.hidden = true;
  if (!state.current || state.sending) return;
  const x = state.current.result.explanation;
  const q = {
    label: state.current.text,
    reason,
    text: $('report-text').value.slice(0, TEXT_MAX),
    contact: $('report-contact').value.trim().slice(0, CONTACT_MAX),
    client_ref: uuid(),
    what: x.product || x.headline,
    at: Date.now(),
  };
  // Queued first: a report the person sent is never lost, even if the page closes now.
  store(QUEUE_KEY, [...stored(QUEUE_KEY), q]);
  form.hidden = true;
  state.report = { kind: 'sending', client_ref: q.client_ref };
  renderReportStatus();
  state.sending = true;
  try {
    const out = navigator.onLine ? await sendReport(q) : { retry: true, offline: true };
    if (!settle(q, out)) state.report = { kind: out.message ? 'queued-busy' : navigator.onLine ? 'queued-unreachable' : 'queued', client_ref: q.client_ref, message: out.message };
  } finally {
    state.sending = false;
  }
  // A rejected report stays in the form to be changed and sent again; a sent or waiting one
  // is shown with its state, and the form is not offered again for this scan.
  if (state.report?.kind === 'failed') form.hidden = false;
  else $('report-open').setAttribute('aria-expanded', 'false');
  renderReportStatus();
  renderReports();
  $('report-status').focus();
}

/** Sends the waiting reports once; each keeps its client_ref, so a retry never makes two. */
async function sendQueued() {
  if (!state.registry || state.flushing || !navigator.onLine) return;
  state.flushing = true;
  try {
    for (const q of stored(QUEUE_KEY)) {
      if (state.report?.kind === 'sending' && state.report.client_ref === q.client_ref) continue;
      const out = await sendReport(q);
      if (!settle(q, out)) break; // still unreachable: keep it and the rest for later
    }
  } finally {
    state.flushing = false;
  }
  renderReportStatus();
  renderReports();
}

function stateText(s) {
  const words = t(`report.state.${s.state}`, s.state);
  return s.public_reason ? `${words} ${say('report.public-reason', { reason: s.public_reason })}` : words;
}

/** Asks the registry for a report's state and shows it in `out`. */
async function checkReport(reference, out) {
  out.textContent = t('report.checking');
  try {
    const r = await fetch(`${state.registry}/api/reports/${encodeURIComponent(reference)}`, { cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' });
    if (r.status === 404) { out.textContent = t('report.unknown'); return; }
    if (!r.ok) throw new Error(String(r.status));
    const s = await r.json();
    store(REPORTS_KEY, stored(REPORTS_KEY).map((i) => (i.reference === reference ? { ...i, state: s.state, public_reason: s.public_reason } : i)));
    out.dataset.state = s.state;
    out.textContent = stateText(s);
  } catch {
    out.textContent = t('report.check-failed');
  }
}

/** A report number, a "Check its state" button and where its state is shown. */
function referenceLine(reference, known) {
  const wrap = el('div', undefined, 'reference');
  const out = el('p', known ? stateText(known) : '', 'report-state');
  if (known?.state) out.dataset.state = known.state;
  const button = el('button', t('report.check'));
  button.type = 'button';
  button.onclick = () => checkReport(reference, out);
  wrap.append(button, out);
  return wrap;
}

function renderReportStatus() {
  const box = $('report-status');
  const r = state.report;
  box.tabIndex = -1;
  box.dataset.kind = r?.kind || '';
  if (!r) { box.replaceChildren(); return; }
  if (r.kind === 'sending') box.replaceChildren(el('p', t('report.sending')));
  else if (r.kind === 'queued' || r.kind === 'queued-unreachable') box.replaceChildren(el('p', t(`report.${r.kind}`), 'queued'));
  else if (r.kind === 'queued-busy') box.replaceChildren(el('p', `${say('report.failed', { message: r.message })} ${t('report.waiting')}.`, 'queued'));
  else if (r.kind === 'failed') box.replaceChildren(el('p', say('report.failed', { message: r.message }), 'error'));
  else if (r.kind === 'sent') {
    const [before, after = ''] = t('report.sent').split('{ref}');
    const p = el('p', undefined, 'sent');
    p.append(before, el('strong', r.reference, 'ref'), after);
    box.replaceChildren(p, el('p', t('report.sent-note')), referenceLine(r.reference));
  }
}

/** "Your reports": the numbers kept on this device, and those still waiting to be sent. */
function renderReports() {
  const list = $('reports');
  const waiting = stored(QUEUE_KEY);
  const sent = stored(REPORTS_KEY);
  list.replaceChildren();
  for (const q of waiting) {
    const li = el('li', undefined, 'waiting');
    li.append(el('span', `${q.what} — ${t('report.waiting')} (${new Date(q.at).toLocaleDateString(state.lang)})`));
    list.append(li);
  }
  for (const s of sent) {
    const li = el('li');
    li.dataset.reference = s.reference;
    const head = el('p');
    head.append(el('strong', s.reference, 'ref'), ` ${s.what || ''}, ${say('report.sent-on', { date: new Date(s.at).toLocaleDateString(state.lang) })}`);
    li.append(head, referenceLine(s.reference, s.state ? s : null));
    list.append(li);
  }
  $('reports-box').hidden = !state.registry || (!waiting.length && !sent.length);
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
  $('check-updates').onclick = checkForUpdates;
  $('report-open').onclick = openReport;
  $('report-cancel').onclick = closeReport;
  $('report-form').onsubmit = submitReport;
  $('report-text').oninput = updateCount;
  document.addEventListener('visibilitychange', () => { if (!document.hidden) scheduleFrame(); });
  await loading;
  if (location.hash.startsWith('#IM1:')) await show(location.href, true);
  else startCamera();
  window.addEventListener('hashchange', () => location.hash.startsWith('#IM1:') && show(location.href, true));
  renderReports();
  window.addEventListener('online', () => { refreshLists(); sendQueued(); });
  // Loading ends when the lists are refreshed (online only), waiting reports are sent and the
  // offline copy is in place; from then on the app makes no network request unless the
  // person asks (Check for updates, Send, Check its state) or the browser comes back online.
  await refreshLists();
  await sendQueued();
  if ('serviceWorker' in navigator) {
    await navigator.serviceWorker.register('sw.js').then(() => navigator.serviceWorker.ready).catch(() => {});
  }
  document.body.dataset.ready = 'true';
}

main();
