// Where a verifier's signed lists come from and where newer ones are kept. Every list is
// checked by the core (signature, sequence) before it is used or kept; this module only
// moves bytes. Nothing about a scan is ever sent: a list request carries no label.

const FETCH = { cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' };
const KINDS = ['trust', 'revocation'];

/** Bytes from a Uint8Array, an ArrayBuffer or an address (fetched). */
export async function bytesOf(source, init = {}) {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  const r = await fetch(source, init);
  if (!r.ok) throw new Error(`${source}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

/** `base` with one trailing slash, so that `trust.cose` resolves inside it. */
export function folder(base) {
  const url = new URL(base, document.baseURI);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

/**
 * The published list of `kind` under `base`, fetched fresh; null when unreachable, and
 * then why is added to `failed` (when given), for an error that names the address.
 */
export async function fetchList(base, kind, failed = []) {
  let url = `${kind}.cose`;
  try {
    url = new URL(url, folder(base));
    return await bytesOf(url, FETCH);
  } catch (e) {
    failed.push(e instanceof TypeError ? `${url}: unreachable` : e.message);
    return null;
  }
}

/**
 * The root rotations published under `base` after the first `held` (`rotations/<n>.cose`,
 * counted from 1), in order, until one is missing; [] when unreachable.
 */
export async function fetchRotations(base, held = 0) {
  const out = [];
  for (let n = held + 1; n <= held + 16; n++) {
    try {
      out.push(await bytesOf(new URL(`rotations/${n}.cose`, folder(base)), FETCH));
    } catch {
      break;
    }
  }
  return out;
}

/** Lists kept on this device after earlier refreshes, per root key (Cache Storage). */
export class Shelf {
  constructor(name) { this.name = name; }

  async open() {
    if (!('caches' in globalThis)) return null;
    try { return await caches.open(this.name); } catch { return null; }
  }

  /**
   * { trust, revocation, rotations }: each list null or { bytes, origin } (a `ListOrigin`);
   * `rotations` the root rotations followed, oldest first.
   */
  async load() {
    const cache = await this.open();
    const out = { trust: null, revocation: null, rotations: [] };
    if (!cache) return out;
    for (let n = 1; ; n++) {
      const hit = await cache.match(`/iotmark-lists/root-${n}.cose`);
      if (!hit) break;
      out.rotations.push(new Uint8Array(await hit.arrayBuffer()));
    }
    for (const kind of KINDS) {
      const hit = await cache.match(`/iotmark-lists/${kind}.cose`);
      if (!hit) continue;
      const from = hit.headers.get('X-Iotmark-From') === 'file' ? 'file' : 'publisher';
      const on = Number(hit.headers.get('X-Iotmark-On')) || undefined;
      out[kind] = { bytes: new Uint8Array(await hit.arrayBuffer()), origin: { from, on } };
    }
    return out;
  }

  /**
   * Keeps a taken list with where it came from (`origin`), for the next visit. A root
   * rotation (`kind` "root") is kept after those already followed.
   */
  async keep(kind, bytes, origin) {
    const cache = await this.open();
    if (kind === 'root') {
      const n = cache ? (await cache.keys()).filter((r) => /\/root-\d+\.cose$/.test(r.url)).length + 1 : 0;
      if (cache) await cache.put(`/iotmark-lists/root-${n}.cose`, new Response(bytes, { headers: { 'Content-Type': 'application/cose' } }));
      return;
    }
    const headers = { 'Content-Type': 'application/cose', 'X-Iotmark-From': origin.from, 'X-Iotmark-On': String(origin.on) };
    if (cache) await cache.put(`/iotmark-lists/${kind}.cose`, new Response(bytes, { headers }));
  }
}

export { KINDS };
