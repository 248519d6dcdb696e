// Read aloud: the verdict on screen, in the page's language, by the phone's own voice.
import { state } from './shell.js';

export function speak() {
  if (!('speechSynthesis' in self) || !state.current) return;
  const x = state.current.explanation;
  const parts = [x.headline, x.summary, x.said, x.grade_text, x.product, x.check_box, ...x.struck_off || [], ...x.sections.flatMap((s) => [s.title, ...s.lines])].filter(Boolean);
  speechSynthesis.cancel();
  const u = new SpeechSynthesisUtterance(parts.join('. '));
  u.lang = state.lang;
  speechSynthesis.speak(u);
}
