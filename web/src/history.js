// Scans kept on this phone (only here), and two of them compared side by side.
import { $, dateText, el, say, state } from './shell.js';
import { keep, kept } from './keep.js';

const KEY = 'iotmark.history';
const history = () => kept(KEY);

/** Keeps a scanned label (its text and what the core said of it) at the top of the list. */
export function remember({ text, explanation: x }) {
  const items = history().filter((h) => h.text !== text);
  // The grade only when the core words it: a struck-off label's grade no longer counts.
  items.unshift({ text, product: x.product, grade: x.grade_text ? x.grade : null, verdict: x.verdict, standing: x.standing, at: Date.now() });
  keep(KEY, items.slice(0, 50));
  renderHistory();
}

export function renderHistory() {
  const list = $('history');
  list.replaceChildren();
  history().forEach((h, i) => {
    const li = el('li');
    const label = el('label');
    const box = el('input');
    box.type = 'checkbox';
    box.value = String(i);
    box.onchange = () => { $('compare').disabled = list.querySelectorAll('input:checked').length !== 2; };
    // Each scan with its verdict, as the core words it now, and the grade it showed.
    const verdict = h.standing ? say(`standing.${h.standing}.headline`) : '';
    const words = [verdict, h.grade ? say(`grade.${h.grade}`) : ''].filter(Boolean).join(', ');
    label.append(box, ` ${h.product} — ${words} (${dateText(h.at)})`);
    li.dataset.standing = h.standing || '';
    li.append(label);
    list.append(li);
  });
  $('compare').disabled = true;
  $('history-box').hidden = !list.childElementCount;
}

/** Forgets every kept scan, once the person has said yes: it cannot be undone. */
export function clearHistory() {
  if (!window.confirm(say('ui.clear-history-confirm'))) return;
  keep(KEY, []);
  renderHistory();
  $('comparison').hidden = true;
}

export async function compare() {
  const picked = [...$('history').querySelectorAll('input:checked')].map((b) => history()[Number(b.value)]);
  if (picked.length !== 2) return;
  const results = await Promise.all(picked.map((h) => state.verifier.verify(h.text, { lang: state.lang })));
  const xs = results.map((r) => r.explanation);
  const table = el('table', undefined, 'compare-table');
  // Each fact is a title row across both products, then their two values side by side, so
  // that a phone gives each value half its width; a fact whose values differ is marked, in
  // words too.
  const head = el('tr');
  head.append(...xs.map((x) => { const th = el('th', x.product || x.headline); th.scope = 'col'; return th; }));
  table.append(head);
  const row = (title, cells, explained, kind = '') => {
    const differs = cells[0] !== cells[1];
    const titleRow = el('tr', undefined, differs ? 'title differs' : 'title');
    const th = el('th', title);
    th.colSpan = 2;
    th.scope = 'colgroup';
    if (differs) th.append(el('span', ` (${say('ui.compare-differs')})`, 'differs-word'));
    titleRow.append(th);
    const values = el('tr', undefined, [kind, differs && 'differs'].filter(Boolean).join(' '));
    values.append(...cells.map((c, i) => {
      const td = el('td', c);
      if (explained) [td.dataset.standing, td.dataset.tone] = [explained[i].standing, explained[i].tone];
      return td;
    }));
    table.append(titleRow, values);
  };
  // Each verdict and grade drawn by its standing (the core's), as the verdict screen draws
  // them: a struck-off or forged label stands out, the maker's own claim is not drawn as a
  // checked one, and an expired grade is greyed, even where every row differs.
  row(say('ui.verdict'), xs.map((x) => x.headline), xs, 'verdict-row');
  row(say('ui.grade'), xs.map((x) => (x.grade_text ? `${x.grade_stars} ${x.grade_text}` : '—')), xs, 'grade-row');
  row(say('section.vouch'), xs.map((x) => x.checked_by || '—'));
  // The facts' rows from whichever label has them: a struck-off label has none.
  const facts = xs.find((x) => x.facts?.length)?.facts || [];
  for (const f of facts) row(f.title, xs.map((x) => (x.facts || []).find((g) => g.key === f.key)?.text || '—'));
  $('comparison').replaceChildren(table);
  $('comparison').hidden = false;
  $('comparison').scrollIntoView({ block: 'start' });
}
