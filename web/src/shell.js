// What the scanner app's modules share: the page's state, the verifier, and the words of
// the page in the language in use (from the core's language files, through the verifier).

export const $ = (id) => document.getElementById(id);

export const state = {
  lang: 'en',
  verifier: null, // the library's verifier (createVerifier), shared with the element
  element: null, // the <iotmark-verifier> on the page
  current: null, // the verdict on screen: the `iotmark-verdict` event's detail
  registry: null, // the registry's origin, from trust/config.json
};

/**
 * The message `key` in the page's language, `{name}` placeholders filled from `args`;
 * nothing before the language's file is loaded (the page's words are then written anew).
 */
export function say(key, args = {}) {
  const core = state.verifier?.core;
  return core?.hasLanguage(state.lang) ? core.say(key, { lang: [state.lang] }, args) : '';
}

export function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

/** A date in the page's language, as the core writes dates. */
export function dateText(ms) {
  return state.verifier.core.dateText(ms, { lang: [state.lang] });
}
