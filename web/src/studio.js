// The label studio: a maker's self-assessment as a guided form, one part at a time. Every
// rule is the core's, through the studio WebAssembly module: the questions and their
// words, the grade so far and what the next grade needs, the warnings, the sticker
// preview and the spec. This page only draws what the module returns, keeps the answers
// on this device, and sends them only when the maker asks.
import init, { Studio, studioLanguages, studioLanguageName, studioNegotiate } from './studio/iotmark_studio.js';
import { fieldId, renderPart, showWarnings } from './studio-form.js';
import { forget, load, save } from './studio-save.js';
import { apply, download, fillChecklist, registryAddress } from './studio-send.js';

const $ = (id) => document.getElementById(id);
const LANG_KEY = 'iotmark.language';
const state = { studio: null, lang: 'en', parts: [], answers: {}, step: 0, assessment: null, registry: null, reference: null };
// Read by the tests; holds nothing secret.
window.iotmarkStudio = state;

const t = (key, args = {}) => state.studio.say(key, { lang: state.lang }, args);
/** The review step comes after every part of the form. */
const steps = () => state.parts.length + 1;
const onReview = () => state.step === state.parts.length;

async function loadLanguage(lang) {
  if (!state.studio.hasLanguage(lang)) {
    const [core, studio] = await Promise.all([`verifier/lang/${lang}.json`, `studio/lang/${lang}.json`].map((u) => fetch(u).then((r) => r.text())));
    state.studio.addLanguage(lang, core, studio);
  }
  state.lang = lang;
  document.documentElement.lang = lang;
  state.parts = state.studio.parts({ lang });
  for (const node of document.querySelectorAll('[data-t]')) node.textContent = t(node.dataset.t);
  $('lang').value = lang;
}

function persist() {
  const ok = save({ answers: state.answers, step: state.step, reference: state.reference });
  $('saved').textContent = ok ? t('studio.ui.saved') : '';
}

/** Asks the core where the answers stand, and draws it. */
function refresh() {
  const a = state.studio.assess(state.answers, { lang: state.lang });
  state.assessment = a;
  const p = a.progress;
  $('grade').textContent = p.grade_text;
  $('grade').className = `badge ${p.grade || 'none'}`;
  $('summary').textContent = p.summary;
  $('answered').textContent = t('studio.ui.answered', { n: p.answered, total: p.questions });
  $('meter-bar').style.width = `${Math.round((100 * p.answered) / p.questions)}%`;
  showWarnings(a.warnings, t);
  const url = URL.createObjectURL(new Blob([a.preview.svg], { type: 'image/svg+xml' }));
  const img = $('preview');
  const old = img.src;
  img.src = url;
  img.alt = `${t('studio.ui.preview')}: ${a.preview.alt}`;
  if (old.startsWith('blob:')) URL.revokeObjectURL(old);
  img.dataset.complete = a.preview.complete;
  drawSteps();
  if (onReview()) drawReview();
}

/** The step buttons: each part's title, flagged when it has a warning that blocks signing. */
function drawSteps() {
  const blocked = new Set((state.assessment?.warnings || []).filter((w) => w.blocks).map((w) => w.field));
  const list = $('steps');
  list.replaceChildren();
  [...state.parts.map((p) => ({ title: p.title, ids: p.questions.map((q) => q.id) })), { title: t('studio.ui.review'), ids: [] }].forEach((s, i) => {
    const b = Object.assign(document.createElement('button'), { type: 'button', textContent: `${i + 1}. ${s.title}` });
    if (s.ids.some((id) => blocked.has(id))) {
      const flag = Object.assign(document.createElement('span'), { className: 'flag', textContent: '!' });
      flag.setAttribute('aria-hidden', 'true');
      b.append(flag, Object.assign(document.createElement('span'), { className: 'visually-hidden', textContent: ` (${t('studio.ui.must-fix')})` }));
    }
    if (i === state.step) b.setAttribute('aria-current', 'step');
    b.addEventListener('click', () => go(i));
    const li = document.createElement('li');
    li.append(b);
    list.append(li);
  });
  // The current step in view in the row of steps (which scrolls sideways on a phone).
  const current = list.querySelector('[aria-current]');
  if (current) list.scrollLeft = current.offsetLeft - list.offsetLeft - (list.clientWidth - current.offsetWidth) / 2;
}

function questionTitle(id) {
  for (const [i, part] of state.parts.entries()) {
    const q = part.questions.find((q) => q.id === id);
    if (q) return { step: i, text: q.principle ? `${q.principle}. ${q.prompt}` : q.prompt };
  }
  return { step: 0, text: id };
}

/** A link to question `id`: opens the part holding it and focuses it. */
function goButton(id, label) {
  const a = Object.assign(document.createElement('a'), { href: `#${fieldId(id)}`, textContent: label });
  a.addEventListener('click', (event) => {
    event.preventDefault();
    go(questionTitle(id).step);
    const target = document.getElementById(`${fieldId(id)}-input`) || document.querySelector(`#${fieldId(id)} input`);
    target?.focus();
    document.getElementById(fieldId(id))?.scrollIntoView({ block: 'center' });
  });
  return a;
}

function drawReview() {
  const a = state.assessment;
  const next = $('next');
  next.replaceChildren();
  if (!a.progress.next) {
    next.append(Object.assign(document.createElement('p'), { textContent: t('studio.ui.top') }));
  } else {
    const n = a.progress.next;
    next.append(Object.assign(document.createElement('p'), { textContent: n.text }));
    const ul = document.createElement('ul');
    for (const need of [...n.must_meet, ...(n.more ? n.of : [])]) {
      const li = document.createElement('li');
      const status = need.status ? need.status : null;
      li.append(goButton(`principles.${need.id}`, `${need.id}. ${need.text}`), status ? '' : ` (${t('studio.ui.not-answered')})`);
      ul.append(li);
    }
    next.append(ul);
  }
  const fix = $('to-fix');
  fix.replaceChildren();
  const missing = a.unfinished ? [...a.unfinished.missing, ...a.unfinished.invalid] : [];
  const ul = document.createElement('ul');
  for (const w of a.warnings) {
    const li = document.createElement('li');
    li.append(goButton(w.field, questionTitle(w.field).text), `: ${w.text}`);
    ul.append(li);
  }
  for (const id of missing.filter((id) => !a.warnings.some((w) => w.field === id))) {
    const li = document.createElement('li');
    li.append(goButton(id, questionTitle(id).text), ` (${t('studio.ui.not-answered')})`);
    ul.append(li);
  }
  fix.append(ul.children.length ? ul : Object.assign(document.createElement('p'), { textContent: t('studio.ui.no-warnings') }));
  const ready = Boolean(a.toml);
  $('not-ready').hidden = ready;
  // The parts that still need answers, by name (each question is listed above).
  const parts = [...new Set(missing.map((id) => state.parts[questionTitle(id).step]?.title).filter(Boolean))];
  $('not-ready').textContent = ready ? '' : t('studio.ui.not-ready', { list: parts.join(', ') });
  $('export').disabled = !ready;
  $('apply').disabled = !ready;
  $('apply-none').hidden = Boolean(state.registry);
  $('apply-on').hidden = !state.registry;
  if (state.reference) showApplied({ kind: 'sent', reference: state.reference });
  fillChecklist(state.parts, state.answers, t);
}

function showApplied(r) {
  const s = $('apply-status');
  s.dataset.kind = r.kind;
  s.textContent = r.kind === 'sent' ? t('studio.ui.apply-sent', { reference: r.reference })
    : r.kind === 'offline' ? t('studio.ui.apply-offline') : t('studio.ui.apply-failed', { message: r.message });
}

/** Shows step `i`: a part of the form, or the review. */
function go(i) {
  const moved = state.shown !== undefined && state.shown !== i;
  state.step = Math.max(0, Math.min(steps() - 1, i));
  state.shown = state.step;
  // On a phone every line above the questions counts: the introduction on the first part
  // only, the welcome back until the maker moves on.
  $('intro').hidden = state.step !== 0;
  if (moved) $('resumed').hidden = true;
  const review = onReview();
  $('form').hidden = review;
  $('review').hidden = !review;
  // The preview beside the product's words and on the review; elsewhere it would push the
  // questions down on a phone.
  $('preview-box').hidden = !(review || state.step === 0);
  $('step-of').textContent = t('studio.ui.step', { n: state.step + 1, total: steps() });
  $('part-title').textContent = review ? t('studio.ui.review') : state.parts[state.step].title;
  if (!review) renderPart($('questions'), state.parts[state.step], state.answers, t, answer);
  $('back').disabled = state.step === 0;
  $('next-step').hidden = review;
  persist();
  refresh();
}

function answer(id, value) {
  state.answers[id] = value;
  persist();
  refresh();
}

async function main() {
  await init();
  state.studio = new Studio();
  const select = $('lang');
  for (const tag of studioLanguages()) select.append(new Option(studioLanguageName(tag) || tag, tag));
  const saved = localStorage.getItem(LANG_KEY);
  const lang = studioLanguages().includes(saved) ? saved : studioNegotiate([...(navigator.languages || [navigator.language || 'en'])]);
  await loadLanguage(lang);
  select.addEventListener('change', async () => {
    localStorage.setItem(LANG_KEY, select.value);
    await loadLanguage(select.value);
    go(state.step);
  });
  const resumed = load();
  if (resumed) {
    state.answers = resumed.answers;
    state.step = Number.isInteger(resumed.step) ? resumed.step : 0;
    state.reference = resumed.reference || null;
    $('resumed').hidden = Object.keys(state.answers).length === 0;
    // Answers this module cannot read at all (an edited or foreign save) start afresh.
    try { state.studio.assess(state.answers, { lang: state.lang }); } catch { state.answers = {}; $('resumed').hidden = true; }
  } else {
    // A new assessment starts from the core's defaults (self-declared, 24 months, …).
    for (const q of state.parts.flatMap((p) => p.questions)) {
      if (q.default !== undefined) state.answers[q.id] = q.kind === 'many' ? (q.default ? q.default.split(',') : []) : q.default;
    }
  }
  state.registry = await registryAddress();
  $('back').addEventListener('click', () => { go(state.step - 1); $('part-title').focus(); });
  $('next-step').addEventListener('click', () => { go(state.step + 1); $('part-title').focus(); window.scrollTo(0, 0); });
  $('export').addEventListener('click', () => { if (state.assessment?.toml) download(state.assessment.toml, state.answers); });
  $('print').addEventListener('click', () => { fillChecklist(state.parts, state.answers, t); window.print(); });
  $('apply').addEventListener('click', async () => {
    if (!state.assessment?.toml || !state.registry) return;
    $('apply').disabled = true;
    const r = await apply(state.registry, state.assessment.toml);
    if (r.kind === 'sent') state.reference = r.reference;
    showApplied(r);
    persist();
    $('apply').disabled = false;
  });
  $('start-over').addEventListener('click', () => {
    if (!window.confirm(t('studio.ui.start-over-confirm'))) return;
    forget();
    location.reload();
  });
  go(state.step);
  document.body.dataset.ready = 'true';
  // Offline next time: the service worker keeps the studio's files once it is open.
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('sw.js').then(() => navigator.serviceWorker.ready).then((r) => r.active?.postMessage('cache-studio')).catch(() => {});
  }
}

main().catch((e) => {
  document.body.dataset.ready = 'failed';
  $('summary').textContent = String(e?.message || e);
});
