// The scanner app beyond the camera: links from a phone's camera app, offline use,
// privacy, accessibility, languages, the photo fallback, history, installability.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { inBrowser, openScanner, manifest, base, demo } from './scanner.mjs';

const label = (name) => manifest.find((m) => m.name === name);
/** The label's URL form, pointed at the server under test. */
const link = (name) => `${base}#${label(name).text.split('#')[1]}`;

async function verdictOf(page) {
  await expect(page.locator('#verdict')).toHaveAttribute('data-verdict', /.+/, { timeout: 20_000 });
  return page.locator('#verdict').getAttribute('data-verdict');
}

test('a label link from the phone camera app lands on the verdict', async () => {
  await inBrowser(null, async (browser) => {
  const { page } = await openScanner(browser, { path: link('open-thermostat') });
  expect(await verdictOf(page)).toBe('valid');
  await expect(page.locator('#product')).toContainText('OpenTherm One');
  await expect(page.locator('#grade-badge')).toContainText('Gold');
  await expect(page.locator('#sections')).toContainText('Security updates until January 2034');
  await expect(page.locator('#verdict')).toHaveAttribute('role', 'alert');
  // Which lists verified it is said once on the screen (the footer), not again in the verdict.
  await expect(page.locator('#lists-age p').first()).toContainText('Trusted signers: list');
  await expect(page.getByText(/^Trusted signers: list/).filter({ visible: true })).toHaveCount(1);
  });
});

test('offline after one visit: opens, verifies a link and scans with the camera', async () => {
  await inBrowser('straight', async (browser) => {
  const { context, page } = await openScanner(browser);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
  await context.setOffline(true);
  await page.goto('about:blank');
  await page.goto(link('video-doorbell'));
  expect(await verdictOf(page)).toBe('valid');
  await expect(page.locator('#product')).toContainText('Porchlight Doorbell 2');
  await page.goto('about:blank');
  await page.goto('./');
  expect(await verdictOf(page)).toBe('valid');
  await expect(page.locator('#product')).toContainText('Hearth Speaker Mini');
  });
});

test('after loading, scanning and verifying make no network request', async () => {
  await inBrowser('straight', async (browser) => {
  const context = await browser.newContext({ baseURL: base });
  await context.addInitScript(() => localStorage.setItem('iotmark.language', 'en'));
  const requests = [];
  let loaded = false;
  // The tab's icon is fetched by the browser itself when it gets round to it (late on a busy
  // machine), from the app's own host, and carries nothing about a scan.
  context.on('request', (r) => { if (loaded && !r.url().endsWith('/icons/icon.svg')) requests.push(r.url()); });
  const page = await context.newPage();
  await page.goto('./');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
  loaded = true;
  expect(await verdictOf(page)).toBe('valid');
  await page.click('#again');
  await expect(page.locator('#result')).toBeVisible();
  await page.waitForTimeout(1500);
  await page.evaluate(() => { location.hash = ''; });
  expect(requests).toEqual([]);
  });
});

test('no third-party requests, a strict CSP, and no CSP violations', async () => {
  await inBrowser('straight', async (browser) => {
  const context = await browser.newContext({ baseURL: base });
  const origins = new Set();
  const elsewhere = [];
  const registry = process.env.REGISTRY_URL ? new URL(process.env.REGISTRY_URL).origin : null;
  context.on('request', (r) => {
    const url = new URL(r.url());
    // The one other origin the app may ask is the registry, and only for its signed lists.
    if (url.origin === registry) elsewhere.push(`${r.method()} ${url.pathname}`);
    else origins.add(url.origin);
  });
  const page = await context.newPage();
  const violations = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
  const response = await page.goto('./');
  const csp = response.headers()['content-security-policy'];
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(csp).not.toContain('unsafe-inline');
  expect(csp).not.toContain("'unsafe-eval'");
  expect(await verdictOf(page)).toBe('valid');
  expect([...origins]).toEqual([new URL(base).origin]);
  // Only the signed lists (and any root rotation) are asked for: nothing about a scan.
  for (const r of elsewhere) expect(r).toMatch(/^GET \/lists\/((trust|revocation)\.cose|rotations\/\d+\.cose)$/);
  expect(violations).toEqual([]);
  });
});

test('axe finds no violations on any screen', async () => {
  await inBrowser('straight', async (browser) => {
  const { page } = await openScanner(browser, { path: link('smart-speaker') });
  const check = async (what) => {
    const { violations } = await new AxeBuilder({ page }).analyze();
    expect(violations.map((v) => `${what}: ${v.id}: ${v.help}`)).toEqual([]);
  };
  expect(await verdictOf(page)).toBe('valid');
  await check('verdict');
  await page.click('#principles-box summary');
  await check('principles');
  await page.goto(link('tampered'));
  expect(await verdictOf(page)).toBe('bad-signature');
  await check('not genuine');
  await page.click('#again');
  await expect(page.locator('#scan')).toBeVisible();
  await check('scanner');
  });
});

test('language follows the phone, and the switch changes every string', async () => {
  await inBrowser(null, async (browser) => {
  const { page } = await openScanner(browser, { lang: null, path: link('smart-speaker'), context: { locale: 'fr-FR' } });
  expect(await verdictOf(page)).toBe('valid');
  await expect(page.locator('#verdict-headline')).toHaveText('Étiquette authentique, vérifiée');
  await expect(page.locator('#grade-badge')).toContainText('Argent');
  await expect(page.locator('#sections')).toContainText('Mises à jour de sécurité jusqu\'en juin 2031');
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  for (const [tag, headline, heading] of [['de', 'Echtes Label, geprüft', 'Lebensdauer und Updates'], ['es', 'Etiqueta auténtica, verificada', 'Cuánto dura'], ['pt', 'Etiqueta autêntica, verificada', 'Quanto tempo dura'], ['sw', 'Lebo halisi, imekaguliwa', 'Inadumu kwa muda gani'], ['en', 'Genuine label, checked', 'How long it lasts']]) {
    await page.selectOption('#lang', tag);
    await expect(page.locator('#verdict-headline')).toHaveText(headline);
    await expect(page.locator('#sections h3').first()).toHaveText(heading);
    await expect(page.locator('html')).toHaveAttribute('lang', tag);
  }
  });
});

test('a phone keeps only the languages it has shown; offline, another one says it is not there yet', async () => {
  await inBrowser(null, async (browser) => {
  const { context, page } = await openScanner(browser, { lang: null, path: link('smart-speaker'), context: { locale: 'de-DE' } });
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
  const kept = () => page.evaluate(async () => {
    const names = [];
    for (const key of await caches.keys()) {
      if (!key.startsWith('iotmark-app-')) continue;
      for (const r of await (await caches.open(key)).keys()) { const m = new URL(r.url).pathname.match(/verifier\/lang\/([a-z]{2})\.json$/); if (m) names.push(m[1]); }
    }
    return names.sort();
  });
  // The first visit keeps German, the language shown, and English, the last resort; no other.
  await expect.poll(kept).toEqual(['de', 'en']);
  // A language switched to online is kept as it arrives.
  await page.selectOption('#lang', 'sw');
  await expect(page.locator('#verdict-headline')).toHaveText('Lebo halisi, imekaguliwa');
  await expect.poll(kept).toEqual(['de', 'en', 'sw']);
  await context.setOffline(true);
  await page.reload();
  expect(await verdictOf(page)).toBe('valid');
  await expect(page.locator('#verdict-headline')).toHaveText('Lebo halisi, imekaguliwa');
  await page.selectOption('#lang', 'de');
  await expect(page.locator('#verdict-headline')).toHaveText('Echtes Label, geprüft');
  await expect(page.locator('#lang-note')).toBeHidden();
  // French was never shown on this phone: offline, the page stays German and says why.
  await page.selectOption('#lang', 'fr');
  await expect(page.locator('#lang-note')).toHaveText('Français ist noch nicht auf diesem Telefon. Verbinden Sie sich einmal mit dem Internet, um es zu laden.');
  await expect(page.locator('#lang')).toHaveValue('de');
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await expect(page.locator('#verdict-headline')).toHaveText('Echtes Label, geprüft');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: 'test-results/app-language-not-here.png' });
  // Online, a Portuguese file of another version (a message missing: a copy outliving an
  // update) is refused, not shown with a key for words: the page stays German and says so.
  await context.setOffline(false);
  await context.route('**/verifier/lang/pt.json', async (route) => {
    const r = await route.fetch();
    await route.fulfill({ response: r, body: (await r.text()).replace(/\n\s*"ui\.scan-again": "[^"]*",/, '') });
  });
  await page.selectOption('#lang', 'pt');
  await expect(page.locator('#lang-note')).toHaveText('Português konnte gerade nicht geladen werden. Versuchen Sie es gleich noch einmal.');
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await expect(page.locator('#verdict-headline')).toHaveText('Echtes Label, geprüft');
  await context.unroute('**/verifier/lang/pt.json');
  // French comes and the note goes.
  await page.selectOption('#lang', 'fr');
  await expect(page.locator('#verdict-headline')).toHaveText('Étiquette authentique, vérifiée');
  await expect(page.locator('#lang-note')).toBeHidden();
  });
});

test('without a camera, a photo of the label works instead', async () => {
  await inBrowser(null, async (browser) => {
  const { page } = await openScanner(browser);
  await expect(page.locator('#camera-status')).toContainText('choose a photo', { timeout: 10_000 });
  await page.setInputFiles('#photo', `${demo}labels/open-thermostat-sticker.png`);
  expect(await verdictOf(page)).toBe('valid');
  await expect(page.locator('#product')).toContainText('OpenTherm One');
  });
});

test('scans are kept on the device, compared side by side, and cleared', async () => {
  await inBrowser(null, async (browser) => {
  const { page } = await openScanner(browser, { path: link('smart-speaker') });
  expect(await verdictOf(page)).toBe('valid');
  await page.goto(link('open-thermostat'));
  await expect(page.locator('#product')).toContainText('OpenTherm One');
  await expect(page.locator('#history li')).toHaveCount(2);
  for (const box of await page.locator('#history input').all()) await box.check();
  await page.click('#compare');
  const table = page.locator('#comparison table');
  await expect(table).toContainText('Hearth Speaker Mini');
  await expect(table).toContainText('OpenTherm One');
  await expect(table).toContainText('Gold');
  await expect(table).toContainText('Silver');
  // Differences are marked, in words; the table fits a 390 px phone, also at 200 % text.
  await expect(table.locator('tr.title.differs').first()).toContainText('(differs)');
  await page.setViewportSize({ width: 390, height: 844 });
  for (const size of ['100%', '200%']) {
    await page.evaluate((s) => { document.documentElement.style.fontSize = s; }, size);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), size).toBeLessThanOrEqual(0);
  }
  await page.evaluate(() => { document.documentElement.style.fontSize = ''; });
  // Clearing asks first: said no, nothing is lost; said yes, everything goes.
  page.once('dialog', (d) => d.dismiss());
  await page.click('#clear');
  await expect(page.locator('#history li')).toHaveCount(2);
  page.once('dialog', (d) => { expect(d.message()).toContain('cannot be undone'); d.accept(); });
  await page.click('#clear');
  await expect(page.locator('#history li')).toHaveCount(0);
  expect(await page.evaluate(() => window.iotmark.kept('iotmark.history'))).toEqual([]);
  await page.goto('./');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
  await expect(page.locator('#history li')).toHaveCount(0);
  });
});

test('compare draws the maker\'s own claim apart from a checked label, and an expired grade greyed, in view', async () => {
  await inBrowser(null, async (browser) => {
  const { page } = await openScanner(browser, { path: link('video-doorbell'), context: { viewport: { width: 390, height: 844 } } });
  expect(await verdictOf(page)).toBe('valid');
  for (const name of ['smart-speaker', 'expired']) {
    await page.goto(link(name));
    await expect(page.locator('#product')).toContainText('Hearth Speaker Mini');
  }
  // Newest first: expired, the speaker, the doorbell (the maker's own claim).
  await expect(page.locator('#history li')).toHaveCount(3);
  const compare = async (...picks) => {
    for (const box of await page.locator('#history input').all()) await box.uncheck();
    for (const i of picks) await page.locator('#history input').nth(i).check();
    await page.click('#compare');
    await expect(page.locator('#comparison tr.verdict-row td')).toHaveCount(2);
    return page.locator('#comparison tr.verdict-row td');
  };
  const look = (cell, property) => cell.evaluate((td, p) => getComputedStyle(td)[p], property);
  let cells = await compare(1, 2);
  expect(await Promise.all([0, 1].map((i) => cells.nth(i).getAttribute('data-standing')))).toEqual(['valid', 'self-declared']);
  expect(await look(cells.nth(0), 'color')).toBe('rgb(27, 94, 32)');
  expect(await look(cells.nth(1), 'color')).toBe('rgb(13, 71, 161)');
  // Each verdict cell takes half the phone's width, its words whole (not squeezed by the
  // verdict screen's own styles).
  for (const i of [0, 1]) expect(await cells.nth(i).evaluate((td) => td.getBoundingClientRect().width)).toBeGreaterThan(160);
  // The comparison is scrolled into view.
  expect(await page.locator('#comparison').evaluate((c) => c.getBoundingClientRect().top)).toBeLessThan(100);
  // An expired label's grade is greyed and dashed, as on its verdict screen.
  cells = await compare(0, 2);
  await expect(cells.nth(0)).toHaveAttribute('data-standing', 'expired');
  expect(await look(page.locator('#comparison tr.grade-row td').nth(0), 'borderTopStyle')).toBe('dashed');
  });
});

test('a struck-off label is kept and compared without its grade, its verdict in the tone of a warning', async () => {
  await inBrowser(null, async (browser) => {
  const { page } = await openScanner(browser, { path: link('open-thermostat') });
  expect(await verdictOf(page)).toBe('valid');
  await page.goto(link('struck-off'));
  await expect(page.locator('#verdict')).toHaveAttribute('data-verdict', 'revoked');
  // No "check that this matches the box" beside a withdrawn mark, not even an empty box.
  await expect(page.locator('#check-box')).toBeHidden();
  const struck = page.locator('#history li').first();
  await expect(struck).toContainText('Struck off: do not rely on it');
  await expect(struck).not.toContainText('Silver');
  for (const box of await page.locator('#history input').all()) await box.check();
  await page.click('#compare');
  const cells = page.locator('#comparison tr:has(td)');
  // Newest first: the struck-off label, then the genuine one.
  await expect(cells.nth(1).locator('td')).toHaveText(['—', '★★★ Gold']);
  // The genuine label's facts are still compared, against nothing for the struck-off one.
  await expect(page.locator('#comparison')).toContainText('Your data');
  await expect(cells.last().locator('td').first()).toHaveText('—');
  await expect(cells.nth(0).locator('td').first()).toHaveAttribute('data-tone', 'invalid');
  await expect(cells.nth(0).locator('td').last()).toHaveAttribute('data-tone', 'valid');
  });
});

test('read aloud speaks the verdict; usable at 200 % text size', async () => {
  await inBrowser(null, async (browser) => {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 360, height: 740 } });
  await context.addInitScript(() => {
    localStorage.setItem('iotmark.language', 'en');
    window.spoken = [];
    speechSynthesis.speak = (u) => window.spoken.push(u.text);
  });
  const page = await context.newPage();
  await page.goto(link('smart-speaker'));
  expect(await verdictOf(page)).toBe('valid');
  await page.click('#speak');
  const spoken = await page.evaluate(() => window.spoken.join(' '));
  expect(spoken).toContain('Genuine label');
  expect(spoken).toContain('Hearth Speaker Mini');
  await page.evaluate(() => { document.documentElement.style.fontSize = '200%'; });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expect(page.locator('#verdict-headline')).toBeVisible();
  });
});

test('installable: a valid manifest with icons, and a service worker in control', async () => {
  await inBrowser(null, async (browser) => {
  const { page } = await openScanner(browser);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
  const manifestUrl = await page.locator('link[rel=manifest]').getAttribute('href');
  const m = await (await page.request.get(manifestUrl)).json();
  expect(m.display).toBe('standalone');
  expect(m.start_url).toBeTruthy();
  expect(m.name).toBeTruthy();
  for (const size of ['192x192', '512x512']) {
    const icon = m.icons.find((i) => i.sizes === size && i.type === 'image/png');
    const r = await page.request.get(icon.src);
    expect(r.status()).toBe(200);
    expect(r.headers()['content-type']).toBe('image/png');
  }
  await page.reload();
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
  });
});
