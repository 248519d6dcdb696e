// Types of the high-level API. The value types (Checked, Verification, Explanation, …)
// are generated from the core's Rust types by tsify: see ./wasm/iotmark_verify.d.ts.
import type { Checked, FileOffer, ListOrigin, ListsState, VerdictCode, IotmarkError } from './wasm/iotmark_verify.js';
export type * from './wasm/iotmark_verify.js';

/** A list's signed bytes, or the address to fetch them from. */
export type ListSource = Uint8Array | ArrayBuffer | string | URL;

export interface VerifierOptions {
  /** The mark's root public key: 64 hex digits, the `iotmark-public-key-1:` text, or 32 bytes. */
  root: string | Uint8Array;
  /** The trust list shipped with the page: verification then works offline from the first run. */
  trustList?: ListSource;
  /** The revocation list shipped with the page. */
  revocationList?: ListSource;
  /** Where newer lists are published: `trust.cose` and `revocation.cose` under this address. */
  listsUrl?: string | URL;
  /** Keep newer lists on this device (Cache Storage). Default true. */
  keep?: boolean;
}

export interface CheckOptions {
  /** A language tag, or several in order of preference (`navigator.languages`). */
  lang?: string | readonly string[];
  /** The time in milliseconds since 1970; default `Date.now()`. */
  now?: number;
}

export type RefreshOutcome = 'new' | 'none' | 'rejected' | 'failed' | 'offline';

export declare class IotmarkVerifier extends EventTarget {
  /** The bytes of the lists in use (to keep or pass on). */
  readonly held: { trust: Uint8Array; revocation: Uint8Array | null; rotations: Uint8Array[] };
  /** Verifies label text or a label link; the language file is loaded when needed. */
  verify(text: string, options?: CheckOptions): Promise<Checked>;
  /** As `verify`, when the language is loaded already (see `prepare`). */
  verifySync(text: string, options?: CheckOptions): Checked;
  /** Loads the language `lang` negotiates to; resolves to its tag. */
  prepare(lang?: string | readonly string[]): Promise<string>;
  /** The lists in use and how old they are, in words. */
  lists(options?: CheckOptions): Promise<ListsState>;
  /** Offers a list file; true when taken (validly signed and newer). Throws an IotmarkError `bad-list`. */
  offerSync(kind: 'trust' | 'revocation', bytes: Uint8Array, origin?: ListOrigin, keep?: boolean): boolean;
  /** Offers a list file from any channel; taken (and kept) only when validly signed and newer. */
  offerFile(bytes: Uint8Array | ArrayBuffer, options?: { lang?: string | readonly string[]; now?: number }): Promise<FileOffer>;
  /** Several files at once, in any order (a root rotation before the lists its new key signed): one outcome each. */
  offerFiles(files: Iterable<Uint8Array | ArrayBuffer>, options?: { lang?: string | readonly string[]; now?: number }): Promise<FileOffer[]>;
  /** Fetches newer lists from `listsUrl` when online. Never needed for a verdict. */
  refresh(): Promise<RefreshOutcome>;
}

/** Loads the WebAssembly and the lists; rejects with an IotmarkError (`bad-root-key`, `bad-list`). */
export declare function createVerifier(options: VerifierOptions): Promise<IotmarkVerifier>;
/** Loads the verifier's WebAssembly (createVerifier does it for you). */
/** Loads the WebAssembly once per page; `progress` hears the share arrived, 0 to 1. */
export declare function ready(options?: { progress?: (fraction: number) => void }): Promise<unknown>;
/**
 * The message `key` in the shipped language best serving `lang` (a tag or tags), `{name}`
 * filled from `args`: words for a page whose verifier could not be made. Loads that
 * language's file (the verifier module carries no words).
 */
export declare function say(lang: string | readonly string[] | undefined, key: string, args?: Record<string, string | number>): Promise<string>;
/**
 * The shipped language that best serves a reader preferring `lang` (a tag, or tags most
 * preferred first, as `navigator.languages`); `"en"` when none fits.
 */
export declare function negotiate(lang: string | readonly string[]): string;
export { isLabel, languageName, languages, verdictCodes } from './wasm/iotmark_verify.js';
export type { IotmarkError, VerdictCode };
