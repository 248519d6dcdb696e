// The footer's lists line: which lists the app verifies with and how old they are (in the
// core's words), and "Check for updates".
import { $, el, say, state } from './shell.js';

/** Draws the lists line: `lines` when a verdict just gave them, else asks the verifier. */
export async function showFreshness(lines) {
  lines ??= (await state.verifier.lists({ lang: state.lang })).lines;
  $('lists-age').replaceChildren(...lines.map((line) => el('p', line)));
}

export async function checkForUpdates() {
  const put = (key) => { state.updateStatus = key; $('update-status').textContent = say(key); };
  put('ui.updates-checking');
  put(`ui.updates-${await state.verifier.refresh()}`);
}

export function sayUpdateStatus() {
  if (state.updateStatus) $('update-status').textContent = say(state.updateStatus);
}
