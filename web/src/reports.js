// Reporting a problem with a label to the registry. Nothing is sent until Send is tapped.
// A report that cannot be sent waits on the device (keep.js) with its client_ref, so that sending
// it again later can never make two reports.
import { $, dateText, el, say, state } from './shell.js';
import { keep, kept } from './keep.js';

const REPORTS_KEY = 'iotmark.reports'; // sent: [{reference, client_ref, what, at, state?, public_reason?}]
const QUEUE_KEY = 'iotmark.reports.queue'; // waiting: [{label, reason, text, contact, client_ref, what, at}]
const TEXT_MAX = 1000;
const CONTACT_MAX = 200;
const t = (key) => say(key);


const stored = kept;
const store = keep;

function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function resetReport() {
  state.report = null;
  $('report-form').reset();
  $('report-form').hidden = true;
  $('report-open').hidden = false;
  $('report-open').setAttribute('aria-expanded', 'false');
  $('report-error').hidden = true;
  updateCount();
  renderReportStatus();
}

export function openReport() {
  state.report = null;
  renderReportStatus();
  $('report-form').hidden = false;
  $('report-open').hidden = true;
  $('report-open').setAttribute('aria-expanded', 'true');
  $('report-title').tabIndex = -1;
  $('report-title').focus();
}

export function closeReport() {
  $('report-form').hidden = true;
  $('report-open').hidden = false;
  $('report-open').setAttribute('aria-expanded', 'false');
  $('report-open').focus();
}

export function updateCount() {
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

export async function submitReport(e) {
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
  const x = state.current.explanation;
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
  await store(QUEUE_KEY, [...stored(QUEUE_KEY), q]);
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
export async function sendQueued() {
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

export function renderReportStatus() {
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
export function renderReports() {
  const list = $('reports');
  const waiting = stored(QUEUE_KEY);
  const sent = stored(REPORTS_KEY);
  list.replaceChildren();
  for (const q of waiting) {
    const li = el('li', undefined, 'waiting');
    li.append(el('span', `${q.what} — ${t('report.waiting')} (${dateText(q.at)})`));
    list.append(li);
  }
  for (const s of sent) {
    const li = el('li');
    li.dataset.reference = s.reference;
    const head = el('p');
    head.append(el('strong', s.reference, 'ref'), ` ${s.what || ''}, ${say('report.sent-on', { date: dateText(s.at) })}`);
    li.append(head, referenceLine(s.reference, s.state ? s : null));
    list.append(li);
  }
  $('reports-box').hidden = !state.registry || (!waiting.length && !sent.length);
}

