import type { Checked, Explanation, FileOffer, Tone, VerdictCode, Verification } from './wasm/iotmark_verify.js';
import type { IotmarkVerifier } from './index.js';

/** `detail` of the `iotmark-verdict` event. */
export interface VerdictDetail {
  /** The verdict's code, as the wire format defines it. */
  verdict: VerdictCode;
  tone: Tone;
  /** The label text or link that was checked. */
  text: string;
  verification: Verification;
  explanation: Explanation;
  /** The language the explanation is in. */
  lang: string;
  /** The device's clock is before the lists' signing date. */
  clockBehind: boolean;
}

/** `<iotmark-verifier root lists text camera lang>` */
export declare class IotmarkVerifierElement extends HTMLElement {
  /** A verifier made by the page, used instead of the `root` and `lists` attributes. */
  verifier: IotmarkVerifier | null;
  /** Verifies `text` and shows the verdict (as setting the `text` attribute does). */
  show(text: string, options?: { focus?: boolean }): Promise<Checked>;
  /** Offers list files (from a picker, a drop, a message); each taken only when signed and newer. */
  offerFiles(files: Iterable<Blob>): Promise<FileOffer[]>;
  startCamera(): Promise<void>;
  stopCamera(): void;
}

declare global {
  interface HTMLElementTagNameMap { 'iotmark-verifier': IotmarkVerifierElement }
  interface HTMLElementEventMap { 'iotmark-verdict': CustomEvent<VerdictDetail>; 'iotmark-error': CustomEvent<{ code: string; message: string; reason?: string }> }
}
