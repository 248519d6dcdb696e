// @iotmark/verifier: check iotmark trust labels offline, in any web page.
//
//   const v = await createVerifier({ root, listsUrl: '/iotmark/lists/' });
//   const { verification, explanation } = await v.verify(text, { lang: navigator.languages });
//
// Every rule (the verdict, its tone and wording, the grade, the lists' age, the language
// chosen) comes from the iotmark core compiled to WebAssembly; this file loads it, feeds it
// lists and language files, and keeps newer lists on the device.
import init, { Verifier, checkRoot, isLabel, languageName, languages, negotiate as negotiateTags, sayFrom, verdictCodes } from './wasm/iotmark_verify.js';
import { KINDS, Shelf, bytesOf, fetchList, fetchRotations } from './lists.js';

export { isLabel, languageName, languages, verdictCodes };

const here = new URL('.', import.meta.url);
// The verifier module's size in bytes, written in by scripts/package.mjs: servers that
// compress it send no usable length, and progress is measured in uncompressed bytes.
const WASM_BYTES = 0;
let loading = null;

/**
 * Loads the verifier's WebAssembly once per page. `progress(fraction)` (optional) hears
 * how much of it has arrived, 0 to 1, for a page that shows its loading on a slow link.
 */
export function ready({ progress } = {}) {
  const url = new URL('wasm/iotmark_verify_bg.wasm', here);
  loading ??= init({ module_or_path: progress ? counted(url, progress) : url });
  return loading;
}

/** `url` fetched, its body passed on unchanged while `progress` hears the share arrived. */
async function counted(url, progress) {
  const r = await fetch(url);
  const encoded = r.headers.has('Content-Encoding');
  const total = WASM_BYTES || (encoded ? 0 : Number(r.headers.get('Content-Length')));
  if (!r.body || !total || !r.ok) return r;
  let got = 0;
  const counting = new TransformStream({
    transform(chunk, out) {
      got += chunk.byteLength;
      progress(Math.min(1, got / total));
      out.enqueue(chunk);
    },
  });
  return new Response(r.body.pipeThrough(counting), { status: r.status, headers: { 'Content-Type': 'application/wasm' } });
}

/** An Error with a stable `code`, like those the WebAssembly throws. */
function failure(code, message) {
  return Object.assign(new Error(message), { code });
}

/** `lang` as the core takes it: a list of tags, or nothing (the reader's default). */
const tags = (lang) => (lang === undefined ? undefined : [].concat(lang));

/**
 * The shipped language that best serves a reader preferring `lang` (a tag, or tags most
 * preferred first, as `navigator.languages`); English when none fits.
 */
export function negotiate(lang) {
  return negotiateTags(tags(lang) ?? []);
}

/** The text of a shipped language's file, from this package. */
async function languageFile(tag) {
  const r = await fetch(new URL(`lang/${tag}.json`, here));
  if (!r.ok) throw failure('unknown-language', `the language file for ${tag} could not be loaded (HTTP ${r.status})`);
  return r.text();
}

/**
 * The message `key` in the shipped language that best serves `lang` (a tag or a list of
 * tags), `{name}` placeholders filled from `args`: for words needed when no verifier could
 * be made. The verifier module carries no words, so this loads that language's file.
 */
export async function say(lang, key, args = {}) {
  await ready();
  return sayFrom(await languageFile(negotiate(lang)), key, args);
}

/** A short, stable name for a root key, so that two marks never share kept lists. */
function shelfName(root) {
  const text = typeof root === 'string' ? root.trim() : Array.from(root || [], (b) => b.toString(16).padStart(2, '0')).join('');
  let h = 0;
  for (const c of text) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0;
  return `iotmark-lists-${h.toString(16)}`;
}

/**
 * A verifier with its lists. `root`: the mark's root public key (hex, key-file text or 32
 * bytes); `trustList`/`revocationList`: the lists shipped with the page (bytes or an
 * address), so that verification works offline from the first run; `listsUrl`: where
 * newer lists are published (`trust.cose`, `revocation.cose`). Without `trustList`, the
 * first list comes from `listsUrl` (or from a copy kept on this device).
 */
export async function createVerifier({ root, trustList, revocationList, listsUrl, keep = true } = {}) {
  await ready();
  if (root === undefined || root === null || root === '') throw failure('bad-root-key', 'a root key is needed: the mark\'s root public key, in hex');
  checkRoot(root);
  const shelf = keep ? new Shelf(shelfName(root)) : null;
  const kept = shelf ? await shelf.load() : { trust: null, revocation: null, rotations: [] };
  // Why a list could not be had, for an error that names each address tried.
  const failed = [];
  const fetchOrNull = (src) => (src === undefined || src === null ? null : bytesOf(src).catch((e) => { failed.push(String(e.message || e)); return null; }));
  let [trust, revocation] = await Promise.all([fetchOrNull(trustList), fetchOrNull(revocationList)]);
  // Where each list given to the core came from, when not shipped with the page.
  const origins = {};
  const publisher = async (kind) => { const b = await fetchList(listsUrl, kind, failed); if (b) origins[kind] = { from: 'publisher', on: Date.now() }; return b; };
  if (!trust && kept.trust) [trust, origins.trust] = [kept.trust.bytes, kept.trust.origin];
  // A first visit with only an address: the publisher's lists may be signed by a root
  // that the pinned one has been rotated to, so its rotations come first.
  if (!trust && listsUrl) {
    const news = await fetchRotations(listsUrl, kept.rotations.length);
    kept.rotations.push(...news);
    await Promise.all(news.map((r) => shelf?.keep('root', r)));
    trust = await publisher('trust');
  }
  if (!trust) throw failure('bad-list', `no trust list: give trustList, or a listsUrl that can be reached${failed.length ? ` (${failed.join('; ')})` : ''}`);
  const askRevocation = !revocation && listsUrl && !kept.revocation;
  if (askRevocation) revocation = await publisher('revocation');
  const core = new Verifier(root, trust, revocation ?? undefined, kept.rotations);
  for (const [kind, origin] of Object.entries(origins)) core.setOrigin(kind, origin);
  const v = new IotmarkVerifier(core, { listsUrl, shelf, held: { trust, revocation: revocation ?? null, rotations: [...kept.rotations] } });
  // Copies kept from earlier refreshes or files: taken only if validly signed and newer.
  // A kept copy that no longer opens (its root since rotated away) is passed over.
  for (const kind of KINDS) {
    if (kept[kind]) try { v.offerSync(kind, kept[kind].bytes, kept[kind].origin, false); } catch { /* not taken */ }
  }
  // Both lists asked of the publisher a moment ago are not asked for again at once.
  if (listsUrl && !(origins.trust && askRevocation)) v.refresh();
  return v;
}

/** A verifier and its lists; fires `lists` (an Event) when newer lists are taken. */
export class IotmarkVerifier extends EventTarget {
  constructor(core, { listsUrl, shelf, held }) {
    super();
    this.core = core;
    this.listsUrl = listsUrl;
    this.shelf = shelf;
    /** The bytes of the lists in use and the root rotations followed, to pass on to another device. */
    this.held = held;
    this.refreshing = null;
  }

  /** Loads a shipped language's file from this package, once. */
  async language(tag) {
    if (!this.core.hasLanguage(tag)) this.core.addLanguage(tag, await languageFile(tag));
  }

  /** The language used for `lang` (a tag or a list of tags), loaded. */
  async prepare(lang) {
    const tag = negotiate(lang);
    await this.language(tag);
    return tag;
  }

  /**
   * Verifies label text (or a label link) and explains the verdict. `lang`: a tag or
   * `navigator.languages`; `now`: milliseconds since 1970 (default: the device's clock).
   * @returns {Promise<import('./wasm/iotmark_verify.js').Checked>}
   */
  async verify(text, { lang, now } = {}) {
    await this.prepare(lang);
    return this.verifySync(text, { lang, now });
  }

  /** `verify` without waiting: the language must already be loaded (`prepare`). */
  verifySync(text, { lang, now } = {}) {
    if (typeof text !== 'string') throw failure('bad-options', 'the label text must be a string');
    return this.core.verify(text, { lang: tags(lang), now });
  }

  /** The lists held and how old they are, in words. */
  async lists({ lang, now } = {}) {
    await this.prepare(lang);
    return this.core.lists({ lang: tags(lang), now });
  }

  /**
   * Offers a list of `kind` that came from `origin` (a `ListOrigin`; default: fetched from
   * the publisher now); true when taken (signed and newer). Throws a `bad-list` error.
   */
  offerSync(kind, bytes, origin = { from: 'publisher', on: Date.now() }, keep = true) {
    const taken = kind === 'trust' ? this.core.offerTrustList(bytes, origin) : this.core.offerRevocationList(bytes, origin);
    if (taken) this.took(kind, bytes, origin, keep);
    return taken;
  }

  /** A list the core took: held, kept on the device unless told not to, and announced. */
  took(kind, bytes, origin, keep = true) {
    if (kind === 'root') this.held.rotations.push(bytes);
    else this.held[kind] = bytes;
    const kept = keep ? this.shelf?.keep(kind, bytes, origin) : undefined;
    this.dispatchEvent(new Event('lists'));
    return kept;
  }

  /**
   * Offers a list file that came by any channel (a file picker, a share, a message): taken
   * only when validly signed and newer, and then kept and used. Resolves to the core's
   * `{ kind, outcome, message }`; never throws for a bad file.
   */
  async offerFile(bytes, { lang, now = Date.now() } = {}) {
    const tag = await this.prepare(lang);
    const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    const r = this.core.offerFile(data, { lang: [tag], now });
    if (r.outcome === 'taken') await this.took(r.kind, data, { from: 'file', on: now });
    return r;
  }

  /**
   * Offers several files that came together, in whatever order: a file refused as not
   * signed by the mark's key is offered again after another was taken, since a root
   * rotation among them makes the lists its new key signed acceptable. One outcome each,
   * in the order given.
   */
  async offerFiles(files, options = {}) {
    const datas = files.map((b) => (b instanceof Uint8Array ? b : new Uint8Array(b)));
    const outcomes = [];
    for (const data of datas) outcomes.push(await this.offerFile(data, options));
    for (let again = true; again;) {
      again = false;
      for (const [i, r] of outcomes.entries()) {
        if (r.outcome !== 'wrong-signer') continue;
        outcomes[i] = await this.offerFile(datas[i], options);
        again ||= outcomes[i].outcome === 'taken';
      }
    }
    return outcomes;
  }

  /**
   * Fetches the published lists when online and takes the newer ones; never blocks a
   * verdict. Resolves to 'new', 'none', 'rejected' (not validly signed), 'failed' or
   * 'offline'.
   */
  refresh() {
    this.refreshing ??= this.fetchAndOffer().finally(() => { this.refreshing = null; });
    return this.refreshing;
  }

  async fetchAndOffer() {
    if (!this.listsUrl) return 'none';
    if (globalThis.navigator && navigator.onLine === false) return 'offline';
    // Root rotations first: lists signed by a new root are taken only after it.
    let rotated = false;
    for (const r of await fetchRotations(this.listsUrl, this.held.rotations.length)) {
      const { kind, outcome } = this.core.offerFile(r, {});
      if (kind === 'root' && outcome === 'taken') { await this.took('root', r, { from: 'publisher', on: Date.now() }); rotated = true; }
    }
    const got = await Promise.all(KINDS.map((k) => fetchList(this.listsUrl, k)));
    if (got.every((b) => b === null)) return 'failed';
    const answers = KINDS.map((kind, i) => {
      if (!got[i]) return 'failed';
      try { return this.offerSync(kind, got[i]) ? 'new' : 'none'; } catch { return 'rejected'; }
    });
    if (rotated && !answers.includes('new')) answers.push('new');
    return ['new', 'rejected', 'failed'].find((a) => answers.includes(a)) ?? 'none';
  }
}
