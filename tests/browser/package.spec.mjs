// The npm package as a consumer organisation meets it: packed with `npm pack`, installed
// from the tarball into an empty folder outside the repository, and used by the three
// pages in examples/ (the element, a strict-CSP page, the headless API) in Chromium.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { execSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pack } from '../../scripts/package.mjs';
import { serve } from '../../scripts/serve.mjs';
import { inBrowser, manifest, demo, revocationStriking } from './scanner.mjs';

const repo = new URL('../../', import.meta.url).pathname;
const PORT = Number(process.env.PACKAGE_PORT || 8183);
const site = `http://localhost:${PORT}/`;
const EXPECTED = { 'smart-speaker': 'valid', 'video-doorbell': 'valid', 'open-thermostat': 'valid', expired: 'expired', 'struck-off': 'revoked', tampered: 'bad-signature', 'not-a-label': 'not-a-label' };
const label = (name) => manifest.find((m) => m.name === name).text;
let folder;
let server;

test.describe.configure({ mode: 'serial' });

test.beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'iotmark-package-'));
  writeFileSync(join(folder, 'package.json'), '{ "name": "a-consumer-site", "private": true }\n');
  execSync(`npm install --no-audit --no-fund --no-package-lock ${pack()}`, { cwd: folder, stdio: 'inherit' });
  // The site: the examples, the installed package's files under iotmark/, the mark's
  // lists mirrored under lists/, and the product list filled with today's demo labels.
  const www = join(folder, 'www');
  cpSync(join(repo, 'examples'), www, { recursive: true });
  cpSync(join(folder, 'node_modules/@iotmark/verifier'), join(www, 'iotmark'), { recursive: true });
  for (const f of ['trust.cose', 'revocation.cose']) cpSync(join(demo, f), join(www, 'lists', f));
  // A mirror that lost its list of struck-off labels.
  cpSync(join(demo, 'trust.cose'), join(www, 'lists-without-revocation', 'trust.cose'));
  const items = Object.keys(EXPECTED).map((name) => `<li><a data-label href="${label(name)}">${name}</a></li>`).join('\n    ');
  const headless = join(www, 'headless.html');
  writeFileSync(headless, readFileSync(headless, 'utf8').replace('<!-- products -->', items));
  return serve(www, PORT, '127.0.0.1', { csp: false }).then((s) => { server = s; });
});

test.afterAll(() => {
  server?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

test('the tarball holds an ES module package with types, both modules and six languages', () => {
  const pkg = join(folder, 'node_modules/@iotmark/verifier');
  const json = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
  expect(json.type).toBe('module');
  expect(Object.keys(json.exports)).toEqual(['.', './element', './core', './scan', './lang/*', './package.json']);
  for (const entry of ['.', './element', './core', './scan']) {
    for (const file of Object.values(json.exports[entry])) expect(existsSync(join(pkg, file)), `${entry} → ${file}`).toBe(true);
  }
  expect(readdirSync(join(pkg, 'lang')).sort()).toEqual(['de.json', 'en.json', 'es.json', 'fr.json', 'pt.json', 'sw.json']);
  const types = readFileSync(join(pkg, 'wasm/iotmark_verify.d.ts'), 'utf8');
  for (const t of ['export interface Checked', 'export interface Verification', 'export interface Explanation', 'export type VerdictCode', 'export interface IotmarkError']) expect(types).toContain(t);
  // The root key in the examples is the demo's.
  const root = JSON.parse(readFileSync(join(repo, 'web/dist/trust/config.json'), 'utf8')).root;
  for (const f of ['element.html', 'strict-csp.html', 'headless.js']) expect(readFileSync(join(repo, 'examples', f), 'utf8')).toContain(root);
});

/** Sets `text` on the page's element and resolves to the `iotmark-verdict` event's detail. */
function verdictFor(page, text) {
  return page.evaluate((t) => new Promise((resolve) => {
    const el = document.getElementById('checker');
    el.addEventListener('iotmark-verdict', (e) => resolve({ verdict: e.detail.verdict, tone: e.detail.tone, headline: e.detail.explanation.headline, composed: e.composed, bubbles: e.bubbles, lists: e.detail.explanation.lists }), { once: true });
    el.setAttribute('text', t);
  }), text);
}

test('the types compile in a strict TypeScript project that uses the package as the docs show', () => {
  const ts = join(folder, 'ts');
  mkdirSync(ts, { recursive: true });
  writeFileSync(join(ts, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, target: 'es2022', module: 'esnext', moduleResolution: 'bundler', lib: ['es2022', 'dom', 'dom.iterable', 'esnext.disposable'] },
    files: ['use.ts'],
  }));
  writeFileSync(join(ts, 'use.ts'), `
import { createVerifier, isLabel, negotiate, type Checked, type IotmarkError, type VerdictCode } from '@iotmark/verifier';
import '@iotmark/verifier/element';
import type { VerdictDetail } from '@iotmark/verifier/element';

export async function run(text: string): Promise<string> {
  const v = await createVerifier({ root: '00', trustList: '/l/trust.cose', revocationList: '/l/revocation.cose', listsUrl: '/l/' });
  const { verification, explanation, lang }: Checked = await v.verify(text, { lang: navigator.languages });
  const code: VerdictCode = verification.verdict;
  const standing: string = explanation.standing;
  const lines: string[] = explanation.sections[0].lines;
  const offer = await v.offerFile(new Uint8Array(), { lang: 'en' });
  const ok = isLabel(text) && negotiate('de') === negotiate(['de']);
  return \`\${code} \${standing} \${lines.length} \${lang} \${offer.outcome} \${ok}\`;
}
export const reasonOf = (e: unknown) => (e as IotmarkError).code;
const el = document.querySelector('iotmark-verifier')!;
el.addEventListener('iotmark-verdict', (e) => { const d: VerdictDetail = e.detail; console.log(d.verdict, d.lang); });
el.addEventListener('iotmark-error', (e) => console.log(e.detail.code, e.detail.reason));
el.verifier = null;
`);
  execSync(`node ${join(repo, 'node_modules/typescript/bin/tsc')} -p ${ts}`, { cwd: ts, stdio: 'inherit' });
});

test('the element: every demo label gets its verdict and event, drawn in the page\'s theme', async () => {
  await inBrowser(null, async (browser) => {
    const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await page.goto(`${site}element.html`);
    for (const [name, verdict] of Object.entries(EXPECTED)) {
      const d = await verdictFor(page, label(name));
      expect(d.verdict, name).toBe(verdict);
      expect(d.bubbles && d.composed).toBe(true);
      expect(d.headline.length).toBeGreaterThan(3);
      expect(d.lists[0]).toMatch(/^Trusted signers: list \d+, signed /);
      await expect(page.locator('#verdict')).toHaveAttribute('data-verdict', verdict);
      if (verdict !== 'valid') await expect(page.locator('#verdict')).not.toHaveAttribute('data-tone', 'valid');
    }
    // The site's own theme reaches inside: a custom property and a ::part() rule.
    const look = await page.locator('#verdict-headline').evaluate((h) => ({ spacing: getComputedStyle(h).letterSpacing, font: getComputedStyle(h).fontFamily }));
    expect(look.font).toContain('system-ui');
    expect(look.spacing).not.toBe('normal');
    await page.screenshot({ path: 'test-results/package-element.png', fullPage: true });
  });
});

test('the element refuses bad set-ups and bad text plainly, and never shows them as genuine', async () => {
  await inBrowser(null, async (browser) => {
    const page = await browser.newPage();
    await page.goto(`${site}element.html`);
    // Garbage and huge text.
    for (const text of ['hello', 'IM1:123', `HTTPS://X/#IM1:${'9'.repeat(100_000)}`, '\u202Ehttps://evil.example/']) {
      const d = await verdictFor(page, text);
      expect(d.tone, text.slice(0, 20)).not.toBe('valid');
    }
    await expect(page.locator('#said')).toContainText('evil.example');
    // A language nobody has: English, and a note saying so.
    await page.evaluate(() => document.getElementById('checker').setAttribute('lang', 'xx'));
    await expect(page.locator('#note')).toContainText('does not offer (xx)');
    // A root key of the wrong length, and lists not signed by the root.
    const errorOf = (root) => page.evaluate(({ root, text }) => new Promise((resolve) => {
      const el = document.createElement('iotmark-verifier');
      // The code is shown at once, then the words from the page's language file.
      const box = () => el.shadowRoot.getElementById('error');
      const worded = async (code) => { for (let i = 0; i < 100 && box().textContent === code; i++) await new Promise((r) => setTimeout(r, 50)); };
      el.addEventListener('iotmark-error', async (e) => { await worded(e.detail.code); resolve({ code: e.detail.code, shown: box().textContent, result: el.shadowRoot.getElementById('result').hidden }); }, { once: true });
      el.addEventListener('iotmark-verdict', () => resolve({ code: 'shown a verdict' }), { once: true });
      el.setAttribute('root', root);
      el.setAttribute('lists', 'lists/');
      el.setAttribute('text', text);
      document.body.append(el);
    }), { root, text: label('smart-speaker') });
    const short = await errorOf('1dffaface54e');
    expect(short.code).toBe('bad-root-key');
    expect(short.shown).toContain('not set up correctly');
    expect(short.result).toBe(true);
    // A real public key, in the key-file text form, that is not the root: the lists are not
    // signed by it.
    const notRoot = readFileSync(join(repo, 'target/demo-keys/lab.pub'), 'utf8').trim();
    const unsigned = await errorOf(notRoot);
    expect(unsigned.code).toBe('bad-list');
    // The headless API says the same with an Error whose code is stable.
    const code = await page.evaluate(async (root) => {
      const { createVerifier } = await import('./iotmark/index.js');
      try { await createVerifier({ root, trustList: 'lists/trust.cose' }); return 'accepted'; } catch (e) { return `${e instanceof Error}:${e.code}:${e.reason}`; }
    }, notRoot);
    expect(code).toBe('true:bad-list:bad-signature');
  });
});

test('with no list of struck-off labels, a struck-off label is never shown as valid', async () => {
  await inBrowser(null, async (browser) => {
    const page = await browser.newPage();
    await page.goto(`${site}element.html`);
    const root = await page.locator('#checker').getAttribute('root');
    // The element, its lists from a mirror without revocation.cose: the core's standing for
    // a label it cannot check for strike-off, in the tone of a caution, never valid.
    await page.evaluate(() => document.getElementById('checker').setAttribute('lists', 'lists-without-revocation/'));
    const d = await verdictFor(page, label('struck-off'));
    expect([d.verdict, d.tone, d.headline]).toEqual(['valid', 'caution', 'Genuine, but it may be struck off']);
    await expect(page.locator('#verdict')).toHaveAttribute('data-standing', 'unconfirmed');
    await expect(page.locator('#verdict-summary')).toContainText('this checker has no list of struck-off labels');
    await expect(page.locator('#grade')).toHaveAttribute('data-state', 'unconfirmed');
    expect(await page.locator('#checker').evaluate((el) => el.matches(':state(unconfirmed)'))).toBe(true);
    // The headless API, given a revocation list that cannot be fetched, says the same.
    const headless = await page.evaluate(async ({ root, text }) => {
      const { createVerifier } = await import('./iotmark/index.js');
      const v = await createVerifier({ root, trustList: 'lists/trust.cose', revocationList: 'lists/revocaton.cose', keep: false });
      const { explanation: x } = await v.verify(text, { lang: 'en' });
      return [x.standing, x.tone];
    }, { root, text: label('struck-off') });
    expect(headless).toEqual(['unconfirmed', 'caution']);
  });
});

test('text and lang set together give one verdict; the page can style by standing and read the language', async () => {
  await inBrowser(null, async (browser) => {
    const page = await browser.newPage();
    await page.goto(`${site}element.html`);
    await verdictFor(page, label('smart-speaker'));
    const events = await page.evaluate(async (texts) => {
      const el = document.getElementById('checker');
      const seen = [];
      el.addEventListener('iotmark-verdict', (e) => seen.push([e.detail.verdict, e.detail.lang]));
      for (const [i, t] of texts.entries()) { el.setAttribute('text', t); el.setAttribute('lang', i % 2 ? 'de' : 'sw'); }
      await new Promise((r) => setTimeout(r, 1500));
      return seen;
    }, [label('expired'), label('tampered'), label('struck-off')]);
    expect(events).toEqual([['revoked', 'sw']]);
    // The explanation's language is on its words, for a screen reader's voice; the standing
    // is a custom state of the element, for the page's own styles.
    await expect(page.locator('#container')).toHaveAttribute('lang', 'sw');
    expect(await page.locator('#checker').evaluate((el) => el.matches(':state(struck-off)') && !el.matches(':state(valid)'))).toBe(true);
    // A dark theme: the tinted verdict box sets its own text colour, so it stays readable.
    const colours = await page.locator('#checker').evaluate((el) => {
      el.style.setProperty('--iotmark-text', '#e8eef5');
      el.style.setProperty('--iotmark-background', '#10151c');
      const v = el.shadowRoot.getElementById('verdict');
      return [getComputedStyle(v).color, getComputedStyle(v).backgroundColor];
    });
    expect(colours).toEqual(['rgb(17, 17, 17)', 'rgb(253, 236, 234)']);
    // A page that clears the verifier it handed over gives the element back its attributes.
    expect(await page.locator('#checker').evaluate((el) => { el.verifier = null; return el.verifier === null || typeof el.verifier.verify === 'function'; })).toBe(true);
  });
});

test('the element takes a list file by its picker and by a drop, and says where its lists came from', async () => {
  await inBrowser(null, async (browser) => {
    const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await page.goto(`${site}element.html`);
    const d = await verdictFor(page, label('smart-speaker'));
    expect(d.verdict).toBe('valid');
    // The element fetched its lists from `lists`: the publisher's, today.
    expect(d.lists[0]).toMatch(/Fetched from the publisher on /);
    const labelId = await page.evaluate(() => document.getElementById('checker').current.checked.verification.label.id);
    const held = await page.evaluate(() => document.getElementById('checker').core.lists()).then((l) => l.revocation_list.sequence);
    const newer = revocationStriking(labelId, join(folder, 'newer.cose'), held);
    // Folded under "No internet? …" until opened, as a reader would open it.
    await page.locator('.list-file summary').click();
    await page.setInputFiles('#offer-file', newer);
    await expect(page.locator('#offer-message p')).toHaveAttribute('data-outcome', 'taken');
    await expect(page.locator('#verdict')).toHaveAttribute('data-verdict', 'revoked');
    await expect(page.locator('#lists p').nth(1)).toContainText('Taken from a file passed to this device on');
    // Dropped on the element: a list from another mark is refused, the verdict stands.
    const foreign = readFileSync(join(repo, 'web/dist/demo/labels/smart-speaker-sticker.png'));
    await page.evaluate((bytes) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], 'lists.cose'));
      document.getElementById('checker').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    }, [...foreign]);
    await expect(page.locator('#offer-message p')).toHaveAttribute('data-outcome', 'not-a-list');
    await expect(page.locator('#offer-message')).toHaveText('Not taken: this file is not an iotmark list.');
    await expect(page.locator('#verdict')).toHaveAttribute('data-verdict', 'revoked');
    await page.screenshot({ path: 'test-results/package-element-list-file.png', fullPage: true });
  });
});

test('the element is accessible: axe clean, announced, usable at 200 % text', async () => {
  await inBrowser(null, async (browser) => {
    const page = await (await browser.newContext({ viewport: { width: 360, height: 740 } })).newPage();
    await page.goto(`${site}element.html`);
    for (const name of ['smart-speaker', 'tampered', 'not-a-label', 'struck-off']) {
      await verdictFor(page, label(name));
      const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice']).analyze();
      expect(violations.map((v) => `${name}: ${v.id}: ${v.help}`)).toEqual([]);
    }
    await expect(page.locator('#verdict')).toHaveAttribute('role', 'alert');
    await page.evaluate(() => { document.documentElement.style.fontSize = '200%'; });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});

test('with no camera the element offers a photo, and a photo of a label is verified', async () => {
  await inBrowser(null, async (browser) => {
    const page = await browser.newPage();
    await page.goto(`${site}element.html`);
    await expect(page.locator('#camera-status')).toContainText('choose a photo', { timeout: 15_000 });
    const event = page.evaluate(() => new Promise((r) => document.getElementById('checker').addEventListener('iotmark-verdict', (e) => r(e.detail.verdict), { once: true })));
    await page.setInputFiles('#photo', `${demo}labels/open-thermostat-sticker.png`);
    expect(await event).toBe('valid');
  });
});

test('the camera: frames decoded in a worker, the camera stopped when the element is removed', async () => {
  await inBrowser('straight', async (browser) => {
    const page = await browser.newPage();
    await page.goto(`${site}element.html`);
    await expect(page.locator('#verdict')).toHaveAttribute('data-verdict', 'valid', { timeout: 20_000 });
    // Scan again, then take the element away: its camera stops at once.
    await page.click('#again');
    await expect(page.locator('#camera-status')).toHaveText(/Point the camera/, { timeout: 10_000 });
    const ended = await page.evaluate(() => {
      const el = document.getElementById('checker');
      const stream = el.shadowRoot.getElementById('video').srcObject;
      el.remove();
      return stream.getTracks().every((t) => t.readyState === 'ended');
    });
    expect(ended).toBe(true);
    // A wrong root key with the camera asked for: the error, and the camera off.
    const setup = await page.evaluate(() => new Promise((resolve) => {
      const el = document.createElement('iotmark-verifier');
      el.addEventListener('iotmark-error', (e) => setTimeout(() => {
        const video = el.shadowRoot.getElementById('video');
        resolve({ code: e.detail.code, scanHidden: el.shadowRoot.getElementById('scan').hidden, live: !!video.srcObject?.getTracks().some((t) => t.readyState === 'live') });
      }, 500), { once: true });
      el.setAttribute('root', 'abc');
      el.setAttribute('camera', '');
      document.body.append(el);
    }));
    expect(setup).toEqual({ code: 'bad-root-key', scanHidden: true, live: false });
  });
});

test('a strict Content-Security-Policy page checks a label link, in German, with no violation', async () => {
  await inBrowser(null, async (browser) => {
    const page = await browser.newPage();
    const violations = [];
    page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text()); });
    await page.goto(`${site}strict-csp.html#${label('smart-speaker').split('#')[1]}`);
    await expect(page.locator('#verdict')).toHaveAttribute('data-verdict', 'valid', { timeout: 20_000 });
    await expect(page.locator('#verdict-headline')).toHaveText('Echtes Label, geprüft');
    expect(violations).toEqual([]);
  });
});

test('the headless API checks every label link in a product list, and nothing leaves the page', async () => {
  await inBrowser(null, async (browser) => {
    const page = await browser.newPage();
    const requests = [];
    page.on('request', (r) => requests.push(new URL(r.url()).origin));
    await page.goto(`${site}headless.html`);
    await expect(page.locator('body')).toHaveAttribute('data-checked', 'true', { timeout: 20_000 });
    const shown = await page.locator('.verdict').evaluateAll((bs) => bs.map((b) => b.dataset.verdict));
    expect(shown).toEqual(Object.values(EXPECTED));
    expect([...new Set(requests)]).toEqual([new URL(site).origin]);
  });
});
