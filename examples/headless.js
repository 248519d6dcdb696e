// The headless API: no element, only verdicts. Every product's label link is checked and
// the verdict's words, tone and standing (from the core) are shown beside it.
import { createVerifier } from './iotmark/index.js';

const ROOT = '1dffaface54e8861c4ba2de92b2cbbfaf5b4fd8bbcf3835bbfc059a504166cea'; // the demo's root key
const verifier = await createVerifier({ root: ROOT, listsUrl: 'lists/' });
const lang = document.documentElement.lang;
for (const item of document.querySelectorAll('#products li')) {
  const link = item.querySelector('a[data-label]');
  const { verification, explanation } = await verifier.verify(link.getAttribute('href'), { lang });
  const badge = document.createElement('span');
  badge.className = 'verdict';
  badge.dataset.tone = explanation.tone;
  // The standing tells a checked label from the maker's own claim, which share a tone.
  badge.dataset.standing = explanation.standing;
  badge.dataset.verdict = verification.verdict;
  badge.textContent = explanation.grade_text ? `${explanation.headline} · ${explanation.grade_stars} ${explanation.grade_text}` : explanation.headline;
  item.append(badge);
}
document.body.dataset.checked = 'true';
