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

/** Loads `lang` and writes the page's own words in it. */
export async function applyLanguage(lang) {
  await state.verifier.prepare(lang);
  state.lang = lang;
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll('[data-t]')) node.textContent = say(node.dataset.t);
  $('lang').value = lang;
  state.element.setAttribute('lang', lang);
}
