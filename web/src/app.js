// The iotmark scanner: a thin shell around <iotmark-verifier>, which scans, verifies and
// draws the verdict with the core's rules. The shell keeps history, compares, reads aloud,
// switches language, links to the public register and sends the reports a person chooses
// to send. Nothing about a scan leaves the device unless the person taps Send. With a
// registry named in trust/config.json, the signed lists are refreshed from it (they say
// nothing about what was scanned) and reports go to it.
import { createVerifier, isLabel, ready } from './verifier/index.js';
import './verifier/element.js';
import { $, state } from './shell.js';
import { applyLanguage, fillSwitch, languagesInUse, pickLanguage } from './words.js';
import { checkForUpdates, sayUpdateStatus, showFreshness } from './freshness.js';
import { clearHistory, compare, remember, renderHistory } from './history.js';
import { closeReport, openReport, renderReportStatus, renderReports, resetReport, sendQueued, submitReport, updateCount } from './reports.js';
import { speak } from './speech.js';
import { kept, openKept } from './keep.js';
import { askForSync, takeShared, wirePassing } from './passing.js';

// Read by the tests and the benchmark; holds nothing secret.
window.iotmark = state;
Object.defineProperty(state, 'timing', { get: () => state.element?.timing ?? {} });
state.kept = kept;

/** The origin of the configured registry (http or https), or null. */
function registryOrigin(address) {
  try {
    const u = new URL(address);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.origin : null;
  } catch {
    return null;
  }
}

async function loadVerifier() {
  const config = await (await fetch('trust/config.json')).json();
  state.registry = registryOrigin(config.registry);
  // The bundled lists verify from the first visit, offline; newer ones come from the
  // registry when there is one, else from this app's own host.
  state.verifier = await createVerifier({
    root: config.root,
    trustList: 'trust/trust.cose',
    revocationList: 'trust/revocation.cose',
    listsUrl: state.registry ? `${state.registry}/lists/` : 'trust/',
  });
  state.verifier.addEventListener('lists', () => showFreshness());
}

/** What the shell adds to a verdict the element shows. */
function onVerdict(e) {
  const d = e.detail;
  const fresh = state.current?.text !== d.text;
  state.current = d;
  if (fresh) resetReport();
  const label = d.verification.label;
  $('register').hidden = !(state.registry && label);
  if (state.registry && label) $('register-link').href = `${state.registry}/labels/${encodeURIComponent(label.id)}`;
  $('report-box').hidden = !state.registry || d.verdict === 'not-a-label';
  $('verdict-tools').hidden = false;
  $('intro').hidden = true;
  if (state.recordNext !== false && d.explanation.product) remember(d);
  state.recordNext = true;
  showFreshness(d.explanation.lists);
}

async function setLanguage(lang) {
  await applyLanguage(lang);
  renderHistory();
  renderReports();
  renderReportStatus();
  updateCount();
  sayUpdateStatus();
  await showFreshness();
}

function wire() {
  $('speak').onclick = speak;
  $('compare').onclick = compare;
  $('clear').onclick = clearHistory;
  $('check-updates').onclick = checkForUpdates;
  $('report-open').onclick = openReport;
  $('report-cancel').onclick = closeReport;
  $('report-form').onsubmit = submitReport;
  $('report-text').oninput = updateCount;
  wirePassing();
  state.element.addEventListener('iotmark-verdict', onVerdict);
  state.element.addEventListener('iotmark-scanning', () => { state.current = null; $('verdict-tools').hidden = true; $('intro').hidden = false; });
  window.addEventListener('hashchange', () => isLabel(location.href) && state.element.show(location.href));
  window.addEventListener('online', () => { state.verifier.refresh(); sendQueued(); });
}

/**
 * Loads the checker, showing how far it has got when that takes more than a moment (a
 * first visit on a slow link): the bar follows the WebAssembly, then waits for the verdict.
 */
async function loadChecker() {
  const [box, bar] = [$('loading'), $('loading-bar')];
  const slow = setTimeout(() => { box.hidden = false; }, 400);
  await ready({ progress: (f) => { bar.value = f; } });
  bar.removeAttribute('value');
  return () => { clearTimeout(slow); box.hidden = true; };
}

/**
 * Asks the service worker to keep the language files this page loaded before it was in
 * control (a first visit): it precaches no language, so that a phone downloads only the
 * languages it shows. Languages switched to later are kept as they are fetched.
 */
async function keepLanguages(registration) {
  const kept = new Promise((resolve) => {
    const heard = (e) => { if (e.data === 'languages-kept') { navigator.serviceWorker.removeEventListener('message', heard); resolve(); } };
    navigator.serviceWorker.addEventListener('message', heard);
  });
  registration.active.postMessage({ keep: languagesInUse() });
  await Promise.race([kept, new Promise((resolve) => setTimeout(resolve, 5000))]);
  return registration;
}

async function main() {
  state.element = $('verifier');
  const loaded = await loadChecker();
  // Not arriving by a label link: the camera starts at once, while the lists load.
  const link = isLabel(location.href);
  if (!link) state.element.setAttribute('camera', '');
  await Promise.all([loadVerifier(), openKept()]);
  if (state.registry) $('privacy-note').dataset.t = 'ui.privacy-note-registry';
  state.element.verifier = state.verifier;
  fillSwitch(setLanguage);
  await setLanguage(pickLanguage());
  wire();
  // A label link opened by the phone's camera app lands on its verdict; otherwise the
  // camera starts.
  await takeShared();
  if (link) await state.element.show(location.href, { focus: false });
  loaded();
  state.element.setAttribute('camera', '');
  renderReports();
  // Loading ends when the lists are refreshed (online only), waiting reports are sent and
  // the offline copy is in place; from then on the app makes no network request unless the
  // person asks (Check for updates, Send, Check its state) or the browser comes back online.
  await state.verifier.refresh();
  await sendQueued();
  if ('serviceWorker' in navigator) {
    await navigator.serviceWorker.register('sw.js').then(() => navigator.serviceWorker.ready).then(keepLanguages).then(askForSync).catch(() => {});
  }
  document.body.dataset.ready = 'true';
}

main();
