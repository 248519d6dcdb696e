// The verdict as a shopper with ten seconds reads it (issue 12): for every demo label in
// every language, on a 390x844 phone, the primary layer (verdict, product, grade, who
// checked it, the three facts) is on the first screen; no word breaks mid-word at 200 %
// text; axe (best practices too) is clean; and each state differs from every other in
// colour and words. Screenshots of every verdict in English go to test-results/verdicts/.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { inBrowser, manifest, base } from './scanner.mjs';

const LANGS = ['en', 'de', 'fr', 'es', 'pt', 'sw'];
const PRIMARY = ['verdict', 'product', 'grade', 'checked-by', 'facts'];
const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 };

async function open(browser, lang) {
  const context = await browser.newContext({ baseURL: base, ...phone });
  await context.addInitScript((l) => localStorage.setItem('iotmark.language', l), lang);
  const page = await context.newPage();
  await page.goto('./');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
  return { context, page };
}

/** Shows `text` as if just scanned, and waits for its verdict. */
async function show(page, text) {
  await page.evaluate((t) => { window.scrollTo(0, 0); return document.getElementById('verifier').show(t); }, text);
  await page.evaluate(() => window.scrollTo(0, 0));
}

/** The primary items on screen: their boxes, relative to the first viewport. */
function primaryBoxes(page) {
  return page.evaluate((names) => {
    const root = document.getElementById('verifier').shadowRoot;
    return names.map((name) => {
      const e = root.querySelector(`[data-primary="${name}"]`);
      const visible = e && e.offsetParent !== null && e.getClientRects().length > 0;
      const r = visible ? e.getBoundingClientRect() : null;
      return { name, visible, top: r?.top, bottom: r?.bottom };
    });
  }, PRIMARY);
}

/** Words of the primary items that the browser split over two lines. */
function brokenWords(page) {
  return page.evaluate((names) => {
    const root = document.getElementById('verifier').shadowRoot;
    const broken = [];
    for (const name of names) {
      const e = root.querySelector(`[data-primary="${name}"]`);
      if (!e || e.offsetParent === null) continue;
      const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        // A foreign code's own text (an address) is shown as it is, broken anywhere.
        if (n.parentElement.closest(".said")) continue;
        // A line may break after a hyphen ("lui-|même"), as print does; never inside a word.
        const re = /[^\s\-\u2010]+/g;
        for (let m = re.exec(n.data); m; m = re.exec(n.data)) {
          const range = document.createRange();
          range.setStart(n, m.index);
          range.setEnd(n, m.index + m[0].length);
          const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
          if (lines.size > 1) broken.push(`${name}: ${m[0]}`);
        }
      }
    }
    return broken;
  }, PRIMARY);
}

for (const lang of LANGS) {
  test(`every demo verdict in ${lang}: primary layer on the first screen, unbroken words at 200 %, axe clean`, async () => {
    await inBrowser(null, async (browser) => {
      const { page } = await open(browser, lang);
      for (const label of manifest) {
        await show(page, label.text);
        const boxes = await primaryBoxes(page);
        expect(boxes[0].visible, `${lang} ${label.name}: the verdict`).toBe(true);
        for (const b of boxes.filter((x) => x.visible)) {
          expect(b.top, `${lang} ${label.name}: ${b.name} starts on screen`).toBeGreaterThanOrEqual(0);
          expect(b.bottom, `${lang} ${label.name}: ${b.name} ends within 844 px`).toBeLessThanOrEqual(844);
        }
        const genuine = await page.locator('#verdict').getAttribute('data-standing');
        if (['valid', 'self-declared', 'expired', 'not-yet-valid'].includes(genuine)) {
          expect(boxes.every((b) => b.visible), `${lang} ${label.name}: all five primary items`).toBe(true);
        } else if (genuine === 'struck-off') {
          // The product (to compare with the box) and the grade it claimed, crossed out; no
          // checker and no promises, which no longer count.
          expect(boxes.map((b) => b.visible), `${lang} ${label.name}: verdict, product, grade only`).toEqual([true, true, true, false, false]);
        } else {
          expect(boxes.slice(1).some((b) => b.visible), `${lang} ${label.name}: nothing from a ${genuine} label`).toBe(false);
        }
        const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice']).analyze();
        expect(violations.map((v) => `${lang} ${label.name}: ${v.id}: ${v.help}`)).toEqual([]);
        if (lang === 'en') await page.screenshot({ path: `test-results/verdicts/${label.name}.png` });
        await page.evaluate(() => { document.documentElement.style.fontSize = '200%'; });
        expect(await brokenWords(page), `${lang} ${label.name} at 200 %`).toEqual([]);
        await page.evaluate(() => { document.documentElement.style.fontSize = ''; });
      }
    });
  });
}

test('each verdict state differs from every other in colour and in words', async () => {
  await inBrowser(null, async (browser) => {
    const { page } = await open(browser, 'en');
    const seen = new Map();
    for (const label of manifest) {
      await show(page, label.text);
      const look = await page.evaluate(() => {
        const v = document.getElementById('verifier').shadowRoot.getElementById('verdict');
        return { standing: v.dataset.standing, colour: getComputedStyle(v).borderTopColor, headline: v.querySelector('h2').textContent };
      });
      seen.set(look.standing, look);
    }
    const states = [...seen.values()];
    expect(states.length).toBeGreaterThanOrEqual(5);
    expect(new Set(states.map((s) => s.colour)).size).toBe(states.length);
    expect(new Set(states.map((s) => s.headline)).size).toBe(states.length);
    // A struck-off label's grade is crossed out; an expired one's greyed.
    await show(page, manifest.find((m) => m.name === 'struck-off').text);
    await expect(page.locator('#grade')).toHaveAttribute('data-state', 'struck-off');
    expect(await page.locator('#grade-badge').evaluate((e) => getComputedStyle(e).textDecorationLine)).toContain('line-through');
    await show(page, manifest.find((m) => m.name === 'expired').text);
    expect(await page.locator('#grade-badge').evaluate((e) => getComputedStyle(e).filter)).toContain('grayscale');
  });
});
