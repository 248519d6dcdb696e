// The scanner with a real registry (REGISTRY_URL, started by `npm test` with the demo data):
// report a genuine label, strike it off in the reviewers' console, refresh and see it struck
// off, also offline; and a report made offline is queued and sent exactly once.
// With IOTMARK_REGISTRY_TOKEN (the demo lab's API token) the strike-off is made on a label
// signed and registered for this run; without it, on the demo smart speaker, which then shows
// as struck off to every later test that shares the registry.
// Phone-size screenshots go to target/screenshots/ (not committed).
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inBrowser, manifest, base } from './scanner.mjs';

const REGISTRY = (process.env.REGISTRY_URL || '').replace(/\/+$/, '');
const REVIEWER = { email: 'reviewer@demo.iotmark', password: 'demo-reviewer-password' };
/** The demo lab's API token; when given, the strike-off test signs and registers a label of its own. */
const TOKEN = process.env.IOTMARK_REGISTRY_TOKEN || '';
const root = new URL('../../', import.meta.url).pathname;
const shots = new URL('../../target/screenshots/', import.meta.url).pathname;
const phone = { width: 390, height: 844 };

test.skip(!REGISTRY, 'REGISTRY_URL is not set: these tests need a running registry with the demo data (npm test starts one)');
test.describe.configure({ mode: 'serial' });

const label = (name) => manifest.find((m) => m.name === name);
const link = (name) => `${base}#${label(name).text.split('#')[1]}`;
const REFERENCE = /R-[0-9A-Z]{4}-[0-9A-Z]{4}/;

/** A phone-size page in English whose scanner is pointed at REGISTRY, at `path`. */
async function phonePage(browser, path) {
  const context = await browser.newContext({ baseURL: base, viewport: phone, deviceScaleFactor: 1 });
  await context.addInitScript(() => localStorage.setItem('iotmark.language', 'en'));
  const page = await context.newPage();
  const config = await (await page.request.get('trust/config.json')).json();
  expect(config.registry && new URL(config.registry).origin, 'web/dist/trust/config.json (as served) must name the registry in REGISTRY_URL').toBe(new URL(REGISTRY).origin);
  await page.goto(path);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
  return { context, page };
}

async function shot(page, name, locator) {
  mkdirSync(shots, { recursive: true });
  if (locator) await locator.evaluate((e) => e.scrollIntoView({ block: 'center' }));
  await page.screenshot({ path: `${shots}${name}.png` });
}

async function axe(page, what) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.map((v) => `${what}: ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}

/** The report's state as the registry's public API gives it. */
async function reportState(request, reference) {
  const r = await request.get(`${REGISTRY}/api/reports/${reference}`);
  expect(r.status(), `GET /api/reports/${reference}`).toBe(200);
  return r.json();
}

/**
 * The genuine label to report and strike off. With the lab's token (IOTMARK_REGISTRY_TOKEN), a
 * fresh one signed with the demo lab key and registered now, so that no other browser test
 * sharing this registry finds a demo label struck off; without it, the demo smart speaker.
 */
function labelToStrikeOff() {
  if (!TOKEN) return link('smart-speaker');
  const dir = mkdtempSync(join(tmpdir(), 'iotmark-e2e-'));
  try {
    const iotmark = `${root}target/release/iotmark`;
    execFileSync(iotmark, ['demo', '--out', `${dir}/demo`], { stdio: 'ignore' });
    const signed = JSON.parse(execFileSync(iotmark, ['sign', `${root}labels/examples/smart-speaker.toml`, '--key', `${dir}/demo/lab.key`, '--out', `${dir}/out`,
      '--format', 'sticker', '--json', '--registry', REGISTRY, '--token', TOKEN], { encoding: 'utf8' }));
    return `${base}#${signed.text.split('#')[1]}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Signs in to the reviewers' console (registry/src/console.rs), finds the report in the
 * queue beside the label's record, and strikes the label off with a public reason.
 */
async function strikeOff(page, reference, product, publicReason) {
  await page.goto(`${REGISTRY}/console/`);
  await page.locator('input[name=email]').fill(REVIEWER.email);
  await page.locator('input[name=password]').fill(REVIEWER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Reports');
  const report = page.locator('section').filter({ has: page.locator('h3', { hasText: reference }) });
  await expect(report).toHaveCount(1);
  await expect(report).toContainText(product);
  await report.locator('select[name=action]').selectOption('strike-off');
  await report.locator('select[name=strike_reason]').selectOption('wrong-product');
  await report.locator('input[name=public_reason]').fill(publicReason);
  await report.getByRole('button', { name: 'Decide' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Reports');
  await expect(page.locator('section').filter({ has: page.locator('h3', { hasText: reference }) })).toHaveCount(0);
}

test('report a genuine label, strike it off in the console, refresh: struck off, also offline', async () => {
  await inBrowser(null, async (browser) => {
    const { context, page } = await phonePage(browser, labelToStrikeOff());
    const verdict = page.locator('#verdict');
    await expect(verdict).toHaveAttribute('data-verdict', 'valid');
    const id = await page.evaluate(() => window.iotmark.current.verification.label.id);
    await expect(page.locator('#register-link')).toHaveAttribute('href', `${REGISTRY}/labels/${id}`);

    // The report form: nothing is sent before Send.
    const posts = [];
    context.on('request', (r) => { if (r.method() === 'POST') posts.push(r.url()); });
    await page.click('#report-open');
    const form = page.locator('#report-form');
    await expect(form).toBeVisible();
    await page.click('#report-send');
    await expect(page.locator('#report-error')).toHaveText('Please choose what is wrong.');
    await page.check('#report-form input[value=wrong-product]');
    const note = `e2e-${Date.now().toString(36)}`;
    await page.fill('#report-text', `This label is stuck on a kettle, not a speaker (${note}).`);
    await expect(page.locator('#report-count')).toHaveText(/^\d+ of 1000 characters$/);
    await page.fill('#report-contact', 'shopper@example.org');
    expect(posts).toEqual([]);
    await shot(page, 'report-form', page.locator('#report-title'));
    await axe(page, 'report form');

    await page.click('#report-send');
    const status = page.locator('#report-status');
    await expect(status.locator('.sent')).toContainText(/Your report number is R-[0-9A-Z]{4}-[0-9A-Z]{4}/);
    expect(posts).toEqual([`${REGISTRY}/api/reports`]);
    const reference = await status.locator('.ref').textContent();
    expect(reference).toMatch(REFERENCE);
    await status.getByRole('button', { name: 'Check its state' }).click();
    await expect(status.locator('.report-state')).toHaveText('Received: it is waiting for a reviewer.');
    await shot(page, 'report-sent', status);
    expect((await reportState(page.request, reference)).state).toBe('received');
    const kept = await page.evaluate(() => window.iotmark.kept('iotmark.reports'));
    expect(kept.map((r) => r.reference)).toContain(reference);

    // A reviewer strikes the label off, in the same browser.
    const publicReason = `The label was found on a kettle (${note}).`;
    const consolePage = await context.newPage();
    await strikeOff(consolePage, reference, 'Hearth Speaker Mini', publicReason);
    await consolePage.close();
    await expect.poll(async () => (await reportState(page.request, reference)).state, { timeout: 5_000 }).toBe('upheld');

    // Back in the scanner: Check for newer lists, and the label on screen is struck off.
    await page.bringToFront();
    await page.click('#check-updates');
    await expect(page.locator('#update-status')).toHaveText('The lists were updated.');
    await expect(verdict).toHaveAttribute('data-verdict', 'revoked');
    await expect(page.locator('#verdict-headline')).toHaveText('Struck off: do not rely on it');
    const struck = page.locator('#struck-off');
    await expect(struck).toContainText(/Struck off on \d{1,2} \w+ \d{4}/);
    await expect(struck).toContainText(publicReason);
    await expect(page.locator('#register-link')).toBeVisible();
    await status.getByRole('button', { name: 'Check its state' }).click();
    await expect(status.locator('.report-state')).toHaveText(`Upheld: the label was struck off, or its signer suspended. The reviewers said: ${publicReason}`);
    await shot(page, 'struck-off', verdict);
    await axe(page, 'struck-off verdict');

    // Offline, after a reload: still struck off, with the list's age.
    await context.setOffline(true);
    await page.reload();
    await expect(verdict).toHaveAttribute('data-verdict', 'revoked', { timeout: 20_000 });
    await expect(struck).toContainText(publicReason);
    // Refreshed from the registry: the line says so.
    await expect(page.locator('#lists-age p').nth(1)).toHaveText(/^Struck-off labels: list \d+, signed \d{1,2} \w+ \d{4} \((today|\d+ days? ago)\)\. Fetched from the publisher on \d{1,2} \w+ \d{4}\.$/);
    await expect(page.locator('#lists').last()).toContainText('Struck-off labels: list');
    await shot(page, 'struck-off-offline', verdict);
  });
});

test('a report made offline waits on the phone and is sent exactly once when back online', async () => {
  await inBrowser(null, async (browser) => {
    const { context, page } = await phonePage(browser, link('open-thermostat'));
    await expect(page.locator('#verdict')).toHaveAttribute('data-verdict', 'valid');
    const posts = [];
    context.on('request', (r) => { if (r.method() === 'POST' && r.url() === `${REGISTRY}/api/reports`) posts.push(r.postDataJSON()); });

    await context.setOffline(true);
    await page.click('#report-open');
    await page.check('#report-form input[value=does-not-do]');
    const note = `offline-${Date.now().toString(36)}`;
    await page.fill('#report-text', `It needs the cloud to change the temperature (${note}).`);
    await page.click('#report-send');
    const status = page.locator('#report-status');
    await expect(status.locator('.queued')).toHaveText('You are offline. Your report is saved on this phone. It will be sent when you are online.');
    const queue = await page.evaluate(() => window.iotmark.kept('iotmark.reports.queue'));
    expect(queue).toHaveLength(1);
    const clientRef = queue[0].client_ref;
    expect(clientRef).toMatch(/^[0-9a-f-]{36}$/);
    await expect(page.locator('#reports li.waiting')).toHaveCount(1);
    await shot(page, 'report-queued', status);
    expect(posts).toEqual([]);

    // Back online: sent by itself, once, with the same client_ref.
    await context.setOffline(false);
    await expect(status.locator('.sent')).toContainText(REFERENCE, { timeout: 10_000 });
    const reference = await status.locator('.ref').textContent();
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ reason: 'does-not-do', client_ref: clientRef });
    expect(posts[0].text).toContain(note);
    expect(await page.evaluate(() => window.iotmark.kept('iotmark.reports.queue'))).toEqual([]);
    await expect(page.locator(`#reports li[data-reference="${reference}"]`)).toHaveCount(1);
    expect((await reportState(page.request, reference)).state).toBe('received');

    // Another offline spell and a reload send nothing more.
    await context.setOffline(true);
    await context.setOffline(false);
    await page.reload();
    await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
    expect(posts).toHaveLength(1);
    // Had the answer been lost, a retry with that client_ref would get the same reference.
    const again = await page.request.post(`${REGISTRY}/api/reports`, { data: posts[0] });
    expect(again.status()).toBe(200);
    expect((await again.json()).reference).toBe(reference);
  });
});

test('a report the registry refuses shows its message and is not kept for sending', async () => {
  await inBrowser(null, async (browser) => {
    // A damaged label: not genuine, still reportable here, but the registry can read no label
    // id from it and answers 400 with a message.
    const text = label('smart-speaker').text.split('#')[1];
    const { page } = await phonePage(browser, `${base}#${text.slice(0, 40)}`);
    const verdict = await page.locator('#verdict').getAttribute('data-verdict');
    expect(verdict).not.toBe('valid');
    expect(verdict).not.toBe('not-a-label');
    await expect(page.locator('#register')).toBeHidden();
    await page.click('#report-open');
    await page.check('#report-form input[value=copied]');
    await page.click('#report-send');
    await expect(page.locator('#report-status .error')).toContainText(/^The register did not accept the report: .*label/);
    await expect(page.locator('#report-form')).toBeVisible();
    expect(await page.evaluate(() => window.iotmark.kept('iotmark.reports.queue'))).toEqual([]);
    expect(await page.evaluate(() => window.iotmark.kept('iotmark.reports'))).toEqual([]);
  });
});
