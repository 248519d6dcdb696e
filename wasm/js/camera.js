// The camera side of the element: a decoder worker that restarts after a trap, and a
// camera stream that runs only while it is needed and visible.

const WORKER = new URL('./scan-worker.js', import.meta.url);

/** The decoder worker, started again (fresh WebAssembly) after a trap. */
export class Decoder {
  constructor() {
    this.next = 1;
    this.restarts = 0;
    this.start();
  }

  start() {
    this.pending = new Map();
    this.worker = new Worker(WORKER, { type: 'module' });
    this.worker.onmessage = ({ data }) => this.settle(data);
    this.worker.onerror = (e) => { e.preventDefault(); this.restart(String(e.message)); };
  }

  restart(reason) {
    for (const { reject } of this.pending.values()) reject(Object.assign(new Error(`decoder restarted: ${reason}`), { code: 'internal' }));
    this.worker.terminate();
    this.restarts += 1;
    this.start();
  }

  settle(msg) {
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.result);
    else {
      p.reject(Object.assign(new Error(msg.error), { code: msg.code || 'internal' }));
      if (msg.trapped) this.restart(msg.error);
    }
  }

  /** Decodes an ImageBitmap (transferred): `type` is 'frame' (camera) or 'photo'. */
  decode(type, bitmap, now) {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, type, bitmap, now }, [bitmap]);
    });
  }

  stop() {
    this.worker.terminate();
  }
}

/** Opens the back camera on `video`. Throws the getUserMedia error (its `name` says why). */
export async function openCamera(video) {
  if (!navigator.mediaDevices?.getUserMedia) throw Object.assign(new Error('no camera'), { name: 'NotFoundError' });
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: false,
    video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
  });
  video.srcObject = stream;
  await video.play();
  return stream;
}

/** Stops every track of `stream`. */
export function closeCamera(stream) {
  stream?.getTracks().forEach((t) => t.stop());
}
