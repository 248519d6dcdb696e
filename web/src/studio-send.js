// What leaves the studio, only when the maker asks: the spec as a TOML download, the
// evidence checklist as a printed page, and the application sent to the registry named in
// trust/config.json (`POST {registry}/api/applications`, the spec TOML as the body).

/** Offers `toml` as a file download named after the product. */
export function download(toml, answers) {
  const name = `${answers['product.model'] || answers['product.name'] || 'product'}`.trim().replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'product';
  const url = URL.createObjectURL(new Blob([toml], { type: 'application/toml' }));
  const a = Object.assign(document.createElement('a'), { href: url, download: `iotmark-spec-${name}.toml` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Fills the printable checklist: each principle answered, its answer and its evidence. */
export function fillChecklist(parts, answers, t) {
  const items = document.getElementById('checklist-items');
  items.replaceChildren();
  const product = [answers['product.maker'], answers['product.name'], answers['product.model']].filter(Boolean).join(' · ');
  document.getElementById('checklist-product').textContent = product;
  for (const part of parts) {
    for (const q of part.questions.filter((q) => q.principle)) {
      const answer = q.choices.find((c) => c.value === answers[q.id]);
      if (!answer || answer.value === 'not-met' || answer.value === 'not-applicable') continue;
      const li = document.createElement('li');
      const box = Object.assign(document.createElement('span'), { className: 'box' });
      box.setAttribute('aria-hidden', 'true');
      const title = Object.assign(document.createElement('strong'), { textContent: `${q.principle}. ${q.prompt}` });
      li.append(box, title, ` (${answer.text}). ${t('studio.ui.evidence')}: ${q.evidence}.`);
      items.append(li);
    }
  }
}

/** The registry's address from trust/config.json, or null when none is configured. */
export async function registryAddress() {
  try {
    const config = await (await fetch('trust/config.json')).json();
    const u = new URL(config.registry);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href.replace(/\/+$/, '') : null;
  } catch {
    return null;
  }
}

/**
 * Sends the spec to the registry's applications queue. Resolves to
 * `{ kind: 'sent', reference }`, `{ kind: 'failed', message }` or `{ kind: 'offline' }`.
 */
export async function apply(registry, toml) {
  let response;
  try {
    response = await fetch(`${registry}/api/applications`, {
      method: 'POST', headers: { 'Content-Type': 'application/toml' }, body: toml,
      credentials: 'omit', referrerPolicy: 'no-referrer', cache: 'no-store',
    });
  } catch {
    return { kind: 'offline' };
  }
  const body = await response.json().catch(() => ({}));
  if (response.status === 201 && typeof body.reference === 'string') return { kind: 'sent', reference: body.reference };
  return { kind: 'failed', message: body?.error?.message || `HTTP ${response.status}` };
}
