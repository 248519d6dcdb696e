// The form of one part: each question the core gives, drawn as the control its kind
// takes, and each warning the core gives drawn beside the fields it names. Nothing here
// judges an answer.

/** The element id of a question (ids are spec field paths such as `product.maker`). */
export const fieldId = (id) => `q-${id.replace(/[^a-z0-9_-]/gi, '-')}`;
const warnsId = (id) => `${fieldId(id)}-warns`;

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k in e && k !== 'list') e[k] = v;
    else e.setAttribute(k, v);
  }
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}

function choiceList(q, answer, type, onChange) {
  const chosen = new Set(Array.isArray(answer) ? answer : [answer ?? '']);
  return q.choices.map((c) => {
    const input = el('input', { type, name: q.id, value: c.value, checked: chosen.has(c.value) });
    input.addEventListener('change', () => {
      if (type === 'radio') onChange(q.id, c.value);
      else onChange(q.id, [...document.querySelectorAll(`input[name="${CSS.escape(q.id)}"]:checked`)].map((i) => i.value));
    });
    return el('label', { className: 'choice' }, input, ' ', el('span', {}, c.text));
  });
}

/** Draws `part`'s questions into `box`, filled from `answers`; `onChange(id, value)` on every edit. */
export function renderPart(box, part, answers, t, onChange) {
  box.replaceChildren();
  for (const q of part.questions) {
    const id = fieldId(q.id);
    const help = el('p', { className: 'hint', id: `${id}-help` }, q.help);
    const warns = el('div', { className: 'warns', id: warnsId(q.id), 'aria-live': 'polite' });
    const described = `${id}-help ${warnsId(q.id)}`;
    if (q.kind === 'choice' || q.kind === 'many') {
      const legend = el('legend', { id: `${id}-legend` });
      if (q.principle) {
        legend.append(`${q.principle}. ${q.prompt} `, el('span', { className: `tier ${q.tier}` }, t(`tier.${q.tier}`)));
      } else {
        legend.append(q.prompt);
      }
      const fs = el('fieldset', { className: 'q', id, 'aria-describedby': described, dataset: { question: q.id } }, legend);
      if (q.principle) {
        fs.append(el('details', {}, el('summary', {}, t('studio.ui.what-it-means')), help,
          el('p', {}, el('strong', {}, `${t('studio.ui.evidence')}: `), q.evidence)));
      } else {
        fs.append(help);
      }
      fs.append(...choiceList(q, answers[q.id], q.kind === 'choice' ? 'radio' : 'checkbox', onChange), warns);
      box.append(fs);
    } else {
      const optional = q.required ? '' : ` (${t('studio.ui.optional')})`;
      const input = el('input', {
        id: `${id}-input`, type: q.kind === 'month' ? 'month' : 'text', value: answers[q.id] ?? '',
        autocomplete: 'off', 'aria-describedby': described,
      });
      if (q.kind === 'gtin' || q.kind === 'months') input.inputMode = 'numeric';
      if (q.kind === 'month') input.placeholder = '2031-06';
      input.addEventListener('input', () => onChange(q.id, input.value));
      box.append(el('div', { className: 'q', id, dataset: { question: q.id } },
        el('label', { className: 'field', htmlFor: `${id}-input` }, q.prompt + optional), help, input, warns));
    }
  }
}

/** Draws each warning beside its field and the fields it involves; marks refused inputs. */
export function showWarnings(warnings, t) {
  for (const box of document.querySelectorAll('.warns')) box.replaceChildren();
  for (const input of document.querySelectorAll('.q input[aria-invalid]')) input.removeAttribute('aria-invalid');
  for (const w of warnings) {
    for (const field of [w.field, ...w.related]) {
      const box = document.getElementById(warnsId(field));
      if (!box) continue;
      box.append(el('p', { className: `warn${w.blocks ? ' blocks' : ''}`, dataset: { code: w.code } },
        el('strong', {}, t(w.blocks ? 'studio.ui.must-fix' : 'studio.ui.check')), w.text));
      if (w.blocks && field === w.field) document.getElementById(`${fieldId(field)}-input`)?.setAttribute('aria-invalid', 'true');
    }
  }
}
