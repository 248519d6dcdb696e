// The page's language: the reader's choice (kept on this device), else the phone's, as the
// core negotiates it; and every `data-t` string of the page in that language.
import { languageName, languages, negotiate } from './verifier/index.js';
import { $, say, state } from './shell.js';

const KEY = 'iotmark.language';

export function pickLanguage() {
  const saved = localStorage.getItem(KEY);
  return languages().includes(saved) ? saved : negotiate([...(navigator.languages || [navigator.language || 'en'])]);
}

/** Fills the language switch with each language's own name. */
export function fillSwitch(onChange) {
  const select = $('lang');
  for (const tag of languages()) select.append(new Option(languageName(tag) || tag, tag));
  select.onchange = () => { localStorage.setItem(KEY, select.value); onChange(select.value); };
}

/** Whether `lang`'s file could be loaded (offline, only those kept on this phone can). */
async function loads(lang) {
  try {
    await state.verifier.prepare(lang);
    return true;
  } catch {
    return false;
  }
}

/**
 * Loads `lang` and writes the page's own words in it. Offline, a language never used on
 * this phone is not there (the app keeps only the languages it has shown, and English):
 * the page stays in the language it has, or the first one kept, and says so.
 */
export async function applyLanguage(lang) {
  const missing = (await loads(lang)) ? null : lang;
  if (missing) {
    lang = state.verifier.core.hasLanguage(state.lang) ? state.lang : await firstKept();
  }
  state.lang = lang;
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll('[data-t]')) node.textContent = say(node.dataset.t);
  $('lang').value = lang;
  const note = $('lang-note');
  note.hidden = !missing;
  // Offline, the language is not on this phone yet; online, it failed to arrive this time.
  const why = navigator.onLine ? 'ui.language-not-loaded' : 'ui.language-not-here';
  note.textContent = missing ? say(why, { name: languageName(missing) || missing }) : '';
  state.element.setAttribute('lang', lang);
}

/** The first shipped language whose file this phone has. */
async function firstKept() {
  for (const tag of languages()) if (await loads(tag)) return tag;
  throw Object.assign(new Error('no language file could be loaded'), { code: 'unknown-language' });
}

/** The files of the languages this page has loaded, for the service worker to keep. */
export function languagesInUse() {
  return languages().filter((tag) => state.verifier.core.hasLanguage(tag)).map((tag) => `verifier/lang/${tag}.json`);
}
