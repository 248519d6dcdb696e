// What the app keeps on this device (its scan history, reports sent and waiting): in
// IndexedDB, values stored as they are (structured clone, no text encoding). Read from a
// copy loaded at start; every write is awaited by callers that must not lose it.

const DB = 'iotmark-app';
const STORE = 'kept';
const cache = new Map();
let db = null;

function request(r) {
  return new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
}

function store(mode) {
  return db.transaction(STORE, mode).objectStore(STORE);
}

/** Opens the store and loads everything kept (a few hundred small records at most). */
export async function openKept() {
  const open = indexedDB.open(DB, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE);
  db = await request(open);
  const [keys, values] = await Promise.all([request(store('readonly').getAllKeys()), request(store('readonly').getAll())]);
  keys.forEach((k, i) => cache.set(k, values[i]));
}

/** The list kept under `key` (empty when none). */
export function kept(key) {
  return cache.get(key) ?? [];
}

/** Keeps `items` under `key` (none: removes it); resolves once it is on disk. */
export function keep(key, items) {
  if (items.length) cache.set(key, items);
  else cache.delete(key);
  const tx = db.transaction(STORE, 'readwrite');
  if (items.length) tx.objectStore(STORE).put(items, key);
  else tx.objectStore(STORE).delete(key);
  return new Promise((resolve, reject) => { tx.oncomplete = () => resolve(); tx.onerror = () => reject(tx.error); });
}
