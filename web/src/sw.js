// Service worker: precaches the whole app (page, code, WebAssembly, the trust and
// revocation lists) so that after one visit it opens and verifies offline. Languages are
// not precached: the page asks to keep those it loaded, and a language fetched later is
// kept as it passes, so a phone downloads only the languages it shows.
// The build replaces PRECACHE and VERSION.
const VERSION = '__VERSION__';
const PRECACHE = __PRECACHE__;
// The label studio (studio.html and its module and words): cached when a studio page asks
// (it posts 'cache-studio' on load), so that the scanner's install does not download it.
const STUDIO = __STUDIO__;
const CACHE = `iotmark-app-${VERSION}`;

/** The languages an older version kept, fetched anew into `cache` (an install is online). */
async function carryLanguages(cache) {
  for (const key of await caches.keys()) {
    if (!key.startsWith('iotmark-app-') || key === CACHE) continue;
    for (const r of await (await caches.open(key)).keys()) {
      // `reload`: from the network, never the browser's HTTP cache, which may still hold
      // the old version's file (the verifier refuses a file of another version).
      if (isLanguage(new URL(r.url))) await keepFetched(cache, new Request(r.url, { cache: 'reload' }), null);
    }
  }
}

/**
 * Keeps `request`'s response (a language file) in `cache` when it is one: a successful,
 * same-origin, unredirected answer that is not a web page: never a captive portal's page
 * or an error.
 * Returns the response (fetched when `response` is null).
 */
async function keepFetched(cache, request, response) {
  const r = response ?? await fetch(request).catch(() => null);
  const page = /^text\/html\b/i.test(r?.headers.get('content-type') ?? '');
  if (r?.ok && r.type === 'basic' && !r.redirected && !page) await cache.put(request, r.clone());
  return r;
}

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then(async (c) => { await c.addAll(PRECACHE); await carryLanguages(c); }).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('iotmark-app-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

/**
 * Periodic background sync, where the browser offers it: the signed lists are fetched
 * (they say nothing about any scan) and kept for the page, which takes them only if they
 * are validly signed and newer (the service worker cannot check signatures itself).
 */
self.addEventListener('periodicsync', (event) => {
  if (event.tag !== 'iotmark-lists') return;
  event.waitUntil((async () => {
    const config = await (await caches.match('trust/config.json', { ignoreSearch: true }) || await fetch('trust/config.json')).json();
    const base = config.registry ? `${new URL(config.registry).origin}/lists/` : 'trust/';
    const cache = await caches.open('iotmark-shared');
    for (const kind of ['trust', 'revocation']) {
      const r = await fetch(new URL(`${kind}.cose`, new URL(base, self.location.href)), { cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' }).catch(() => null);
      if (r?.ok) await cache.put(`synced/${kind}.cose`, new Response(await r.arrayBuffer()));
    }
  })());
});

/** A language's file, which is kept once fetched. */
const isLanguage = (url) => url.origin === self.location.origin && /\/verifier\/lang\/[a-z]{2}\.json$/.test(url.pathname);

self.addEventListener('message', (event) => {
  if (event.data === 'cache-studio') event.waitUntil(caches.open(CACHE).then((c) => c.addAll(STUDIO)));
  const keep = event.data?.keep;
  if (Array.isArray(keep)) {
    const files = keep.filter((f) => typeof f === 'string' && isLanguage(new URL(f, self.location.href)));
    event.waitUntil(caches.open(CACHE).then((c) => c.addAll(files)).then(() => event.source?.postMessage('languages-kept')));
  }
});

/** A share to the installed app ("share to iotmark"): its files are kept for the page. */
async function shared(request) {
  const form = await request.formData();
  const cache = await caches.open('iotmark-shared');
  const files = form.getAll('lists').filter((f) => typeof f !== 'string');
  await Promise.all(files.map((f, i) => cache.put(`shared/${Date.now()}-${i}`, new Response(f))));
  return Response.redirect('./?shared', 303);
}

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method === 'POST' && url.origin === self.location.origin && url.pathname.endsWith('/share-target')) {
    event.respondWith(shared(event.request));
    return;
  }
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  // Fresh lists go to the network (the verifier checks their signatures and sequence).
  if (url.search === '?fresh' || event.request.cache === 'no-store') return;
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const hit = await cache.match(event.request, { ignoreSearch: true });
      if (hit) return hit;
      // A page not kept (the studio before it asked to be, a link's own address) comes
      // from the network; offline, the scanner's page opens in its place.
      const offline = event.request.mode === 'navigate' ? await cache.match('./') : null;
      const response = await fetch(event.request).catch((e) => { if (offline) return offline; throw e; });
      return isLanguage(url) ? keepFetched(cache, event.request, response) : response;
    }),
  );
});
