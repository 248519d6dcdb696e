// Lists passed hand to hand: list files loaded with the picker, dropped on the page or
// shared to the installed app (its share target), and this phone's own lists shared on.
// Every file goes to the core, which takes it only when validly signed and newer, and
// says what became of it.
import { $, el, state } from './shell.js';

const SHARED = 'iotmark-shared';

/** Offers every file and shows one line per file, in the core's words. */
export async function offerFiles(files) {
  const outcomes = await state.verifier.offerFiles(await Promise.all(files.map((f) => f.arrayBuffer())), { lang: state.lang });
  const lines = outcomes.map((r) => {
    const line = el('p', r.message, `offer ${r.outcome}`);
    line.dataset.outcome = r.outcome;
    return line;
  });
  $('lists-help-box').open = true;
  $('lists-message').replaceChildren(...lines);
}

/**
 * Files the service worker kept: from a share to the app (`?shared`: offered and said), and
 * from periodic background sync (offered quietly). Each is offered once.
 */
export async function takeShared() {
  if (!('caches' in self)) return;
  const cache = await caches.open(SHARED);
  const shared = [];
  for (const request of await cache.keys()) {
    const bytes = await (await cache.match(request)).blob();
    await cache.delete(request);
    const synced = new URL(request.url).pathname.match(/\/synced\/(trust|revocation)\.cose$/);
    if (!synced) shared.push(bytes);
    else try { state.verifier.offerSync(synced[1], new Uint8Array(await bytes.arrayBuffer())); } catch { /* not validly signed: ignored */ }
  }
  if (new URLSearchParams(location.search).has('shared')) history.replaceState(null, '', location.pathname + location.hash);
  if (shared.length) await offerFiles(shared);
}

/** Asks for periodic background sync of the lists, where the browser offers it. */
export async function askForSync(registration) {
  try {
    if (!registration?.periodicSync) return;
    const { state: allowed } = await navigator.permissions.query({ name: 'periodic-background-sync' });
    if (allowed === 'granted') await registration.periodicSync.register('iotmark-lists', { minInterval: 12 * 60 * 60 * 1000 });
  } catch { /* not offered here: the app refreshes on start and when back online */ }
}

/** Shares the two lists in use as files, or downloads them where sharing files is not offered. */
export async function shareLists() {
  const held = state.verifier.held;
  const files = [new File([held.trust], 'trust.cose', { type: 'application/cose' })];
  if (held.revocation) files.push(new File([held.revocation], 'revocation.cose', { type: 'application/cose' }));
  // A phone that followed a change of the mark's key passes it on, or its lists would be refused.
  held.rotations.forEach((r, i) => files.push(new File([r], `root-${i + 1}.cose`, { type: 'application/cose' })));
  if (navigator.canShare?.({ files })) {
    try { await navigator.share({ files }); return; } catch { /* cancelled, or refused: download instead */ }
  }
  for (const f of files) {
    const a = el('a');
    a.href = URL.createObjectURL(f);
    a.download = f.name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }
  $('lists-message').replaceChildren(el('p', state.verifier.core.say('ui.lists-shared', { lang: [state.lang] }, {})));
}

export function wirePassing() {
  $('list-file').onchange = (e) => { const files = [...e.target.files]; e.target.value = ''; if (files.length) offerFiles(files); };
  $('share-lists').onclick = shareLists;
  // A list file dropped anywhere on the page (on a computer).
  document.addEventListener('dragover', (e) => { if (e.dataTransfer?.types.includes('Files')) e.preventDefault(); });
  document.addEventListener('drop', (e) => {
    const files = [...(e.dataTransfer?.files || [])];
    if (!files.length) return;
    e.preventDefault();
    offerFiles(files);
  });
}
