// Lists passed hand to hand (issue 16): a newer revocation list made by the mark's
// operator reaches a phone that is offline as a file, by the file picker and by a share to
// the installed app, and the label on screen turns struck off; older, wrongly signed,
// foreign and oversized files are refused, each with its own message.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inBrowser, openScanner, manifest, demo, revocationStriking } from './scanner.mjs';

const repo = new URL('../../', import.meta.url).pathname;
const speaker = manifest.find((m) => m.name === 'smart-speaker').text;
let dir;

test.beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'iotmark-lists-')); });
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The sequence number of the revocation list the page uses. */
const heldSequence = (page) => page.evaluate(async () => (await window.iotmark.verifier.lists()).revocation_list.sequence);

async function showSpeaker(page) {
  await page.evaluate((t) => document.getElementById('verifier').show(t), speaker);
  await expect(page.locator('#verdict')).toHaveAttribute('data-verdict', 'valid');
  return page.evaluate(() => window.iotmark.current.verification.label.id);
}

test('offline, a list file from the picker strikes off the label on screen; bad files are refused plainly', async () => {
  await inBrowser(null, async (browser) => {
    const { context, page } = await openScanner(browser);
    await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
    await context.setOffline(true);
    const id = await showSpeaker(page);
    const held = await heldSequence(page);
    const newer = revocationStriking(id, join(dir, 'revocation.cose'), held);
    await page.click('#lists-help-box summary');
    await expect(page.locator('#lists-help-box')).toContainText('A phone that was online recently');
    await page.setInputFiles('#list-file', newer);
    await expect(page.locator('#lists-message .offer')).toHaveAttribute('data-outcome', 'taken');
    await expect(page.locator('#lists-message')).toHaveText('Updated: this phone now uses the newer list of struck-off labels.');
    await expect(page.locator('#verdict')).toHaveAttribute('data-verdict', 'revoked');
    await expect(page.locator('#struck-off')).toContainText('Found on copied boxes.');
    await expect(page.locator('#lists-age p').nth(1)).toContainText(`Struck-off labels: list ${held + 1}`);
    await expect(page.locator('#lists-age p').nth(1)).toContainText('Taken from a file passed to this device on');

    // The same again, the older bundled one, one signed by an issuer, a photo, a huge file.
    // A list from another mark: its own root key, a list that strikes nothing off.
    const tool = (...args) => execFileSync(join(repo, 'target/release/iotmark'), args);
    tool('keygen', '--out', join(dir, 'other.key'));
    const notRoot = join(dir, 'other-mark.cose');
    tool('revoke', 'new', '--root', join(dir, 'other.key'), '--out', notRoot);
    const huge = join(dir, 'huge.cose');
    writeFileSync(huge, Buffer.alloc(2 << 20));
    const cases = [
      [newer, 'same', 'This phone already has this list of struck-off labels.'],
      [join(demo, 'revocation.cose'), 'older', 'Not taken: this list of struck-off labels is older than the one on this phone.'],
      [notRoot, 'wrong-signer', "Not taken: this list is not signed by the mark's own key."],
      [join(demo, 'labels/smart-speaker-sticker.png'), 'not-a-list', 'Not taken: this file is not an iotmark list.'],
      [huge, 'too-large', 'Not taken: this file is far too large to be an iotmark list.'],
    ];
    for (const [file, outcome, words] of cases) {
      await page.setInputFiles('#list-file', file);
      await expect(page.locator('#lists-message .offer')).toHaveAttribute('data-outcome', outcome);
      await expect(page.locator('#lists-message')).toHaveText(words);
      await expect(page.locator('#verdict')).toHaveAttribute('data-verdict', 'revoked');
    }
    // Kept: after a reload, still offline, the label is still struck off.
    await page.reload();
    await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
    await page.evaluate((t) => document.getElementById('verifier').show(t), speaker);
    await expect(page.locator('#verdict')).toHaveAttribute('data-verdict', 'revoked');
    await expect(page.locator('#lists-age p').nth(1)).toContainText('Taken from a file passed to this device on');
  });
});

test('a list shared to the installed app (its share target) is taken while offline', async () => {
  await inBrowser(null, async (browser) => {
    const { context, page } = await openScanner(browser);
    await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
    const target = JSON.parse(readFileSync(join(repo, 'web/dist/manifest.webmanifest'), 'utf8')).share_target;
    expect(target.method).toBe('POST');
    await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
    await context.setOffline(true);
    const id = await showSpeaker(page);
    const bytes = [...readFileSync(revocationStriking(id, join(dir, 'shared.cose'), await heldSequence(page)))];
    // What Android does on "share to iotmark": a multipart POST to the share target.
    await page.evaluate(async ({ action, name, bytes }) => {
      const form = new FormData();
      form.append(name, new File([new Uint8Array(bytes)], 'revocation.cose', { type: 'application/cose' }));
      await fetch(action, { method: 'POST', body: form });
    }, { action: target.action, name: target.params.files[0].name, bytes });
    await page.goto('./?shared');
    await expect(page.locator('#lists-message .offer')).toHaveAttribute('data-outcome', 'taken', { timeout: 20_000 });
    await page.evaluate((t) => document.getElementById('verifier').show(t), speaker);
    await expect(page.locator('#verdict')).toHaveAttribute('data-verdict', 'revoked');
  });
});

test('on a slow link the first visit shows how far loading has got, then the verdict', async () => {
  await inBrowser(null, async (browser) => {
    const context = await browser.newContext({ baseURL: 'http://localhost:' + (process.env.PORT || 8181) + '/', viewport: { width: 390, height: 844 } });
    await context.addInitScript(() => localStorage.setItem('iotmark.language', 'en'));
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    // 400 kbit/s: slow enough that the WebAssembly takes seconds, fast enough for a test.
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: 50_000, uploadThroughput: 20_000 });
    await page.goto(`./#${speaker.split('#')[1]}`, { waitUntil: 'commit' });
    await expect(page.locator('#loading')).toBeVisible({ timeout: 20_000 });
    await expect(page.locator('#loading')).toHaveAttribute('role', 'status');
    // The bar moves with the bytes: part-way at some moment, never past the end.
    await expect.poll(() => page.locator('#loading-bar').evaluate((b) => b.value), { timeout: 30_000, intervals: [50] }).toBeGreaterThan(0.05);
    expect(await page.locator('#loading-bar').evaluate((b) => b.value)).toBeLessThanOrEqual(1);
    await expect(page.locator('#verdict')).toHaveAttribute('data-verdict', 'valid', { timeout: 60_000 });
    await expect(page.locator('#loading')).toBeHidden();
  });
});

test('a change of the mark\'s key, passed by hand with the lists its new key signed, is followed offline and kept', async () => {
  await inBrowser(null, async (browser) => {
    const { context, page } = await openScanner(browser);
    await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
    await context.setOffline(true);
    const id = await showSpeaker(page);
    // The operator moves the root to a new key: a statement signed by the old root, the
    // trust list signed by the new one, and a revocation list of the new root's.
    const tool = (...args) => execFileSync(join(repo, 'target/release/iotmark'), args);
    const [trust, rotation, revoked, root2] = ['trust.cose', 'rotation.cose', 'revocation.cose', 'root2.key'].map((f) => join(dir, `rot-${f}`));
    tool('keygen', '--out', root2);
    writeFileSync(trust, readFileSync(join(repo, 'target/demo-keys/trust.cose')));
    tool('trust', 'rotate-root', trust, '--root', join(repo, 'target/demo-keys/root.key'), '--to', root2, '--out', rotation);
    tool('revoke', 'new', '--root', root2, '--out', revoked);
    tool('revoke', 'add', revoked, '--root', root2, '--reason', 'copied', '--note', 'Found on copied boxes.', id);
    // Numbered past the list the phone holds (signed by the status key, which stays).
    for (let n = 3, held = await heldSequence(page); n <= held + 1; n++) tool('revoke', 'add', revoked, '--root', root2, '--note', 'Padding.', `0000-0000-0000-${String(n).padStart(4, '0')}`);
    // Alone, the new root's lists are refused: this phone does not know that key yet.
    await page.setInputFiles('#list-file', revoked);
    await expect(page.locator('#lists-message .offer')).toHaveAttribute('data-outcome', 'wrong-signer');
    // Together, in any order: the statement is followed, then both lists are taken.
    await page.setInputFiles('#list-file', [trust, revoked, rotation]);
    await expect(page.locator('#lists-message .offer')).toHaveCount(3);
    expect(await page.locator('#lists-message .offer').evaluateAll((ps) => ps.map((p) => p.dataset.outcome))).toEqual(['taken', 'taken', 'taken']);
    await expect(page.locator('#lists-message')).toContainText("this phone now follows the mark's new key");
    await expect(page.locator('#verdict')).toHaveAttribute('data-verdict', 'revoked');
    // Kept: after a reload, still offline, the new root's lists are still used.
    await page.reload();
    await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
    await page.evaluate((t) => document.getElementById('verifier').show(t), speaker);
    await expect(page.locator('#verdict')).toHaveAttribute('data-verdict', 'revoked');
    // Passed on: the shared files hold the statement too.
    expect(await page.evaluate(() => window.iotmark.verifier.held.rotations.length)).toBe(1);
  });
});
