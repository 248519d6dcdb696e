// Saving the assessment on this device (localStorage), so that a reload or a later visit
// resumes where the maker stopped. Nothing leaves the device from here.
const KEY = 'iotmark.studio';

/** The saved assessment: `{ answers, step, reference? }`, or null when there is none. */
export function load() {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY));
    return saved && typeof saved.answers === 'object' && saved.answers !== null ? saved : null;
  } catch {
    return null;
  }
}

/** Keeps `saved` on this device; false when the browser refuses (private mode, full). */
export function save(saved) {
  try {
    localStorage.setItem(KEY, JSON.stringify(saved));
    return true;
  } catch {
    return false;
  }
}

export function forget() {
  localStorage.removeItem(KEY);
}
