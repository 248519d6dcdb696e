// The scanner reads real label artwork (made by `iotmark demo`) from a fake camera: Chromium
// plays a Y4M clip made from the printed PNG by `camera-clip` as the phone's camera.
import { test, expect } from '@playwright/test';
import { inBrowser, openScanner } from './scanner.mjs';

const cases = [
  { clip: 'straight', verdict: 'valid', headline: 'Genuine label, checked', product: 'Hearth Speaker Mini', grade: 'Silver' },
  { clip: 'tilted-dim', verdict: 'valid', headline: 'Genuine label, checked', product: 'OpenTherm One', grade: 'Gold' },
  { clip: 'tampered', verdict: 'bad-signature', headline: 'Not genuine' },
  { clip: 'expired', verdict: 'expired', headline: 'Genuine, but expired', product: 'Hearth Speaker Mini' },
  { clip: 'struck-off', verdict: 'revoked', headline: 'Struck off: do not rely on it', product: 'Hearth Speaker Mini' },
  { clip: 'not-a-label', verdict: 'not-a-label', headline: 'Not an iotmark label' },
];

for (const c of cases) {
  test(`camera: ${c.clip} is shown as ${c.verdict}`, async () => {
    await inBrowser(c.clip, async (browser) => {
    const { page } = await openScanner(browser);
    await expect(page.locator('#verdict')).toHaveAttribute('data-verdict', c.verdict, { timeout: 20_000 });
    await expect(page.locator('#verdict-headline')).toHaveText(c.headline);
    if (c.product) await expect(page.locator('#product')).toContainText(c.product);
    else await expect(page.locator('#identity')).toBeHidden();
    if (c.grade) await expect(page.locator('#grade-badge')).toContainText(c.grade);
    if (c.verdict === 'valid') {
      await expect(page.locator('#check-box')).toContainText('matches the box');
      await expect(page.locator('#sections')).toContainText('Security updates until');
    }
    });
  });
}
