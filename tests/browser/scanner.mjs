// Shared by the browser tests: Chromium with a clip as the camera, and the demo manifest.
import { chromium as playwright } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { chromium, baseArgs } from './playwright.config.mjs';

export const clips = new URL('../../target/clips/', import.meta.url).pathname;
export const demo = new URL('../../web/dist/demo/', import.meta.url).pathname;
export const manifest = JSON.parse(readFileSync(`${demo}manifest.json`, 'utf8'));
export const port = Number(process.env.PORT || 8181);
export const base = `http://localhost:${port}/`;

/** A browser whose camera plays `clip` (a Y4M file in target/clips), or no camera at all. */
async function browserWith(clip) {
  const camera = clip
    ? ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${clips}${clip}.y4m`]
    : [];
  return playwright.launch({ executablePath: chromium, args: [...baseArgs, ...camera] });
}

/** Runs `use(browser)` in a browser made by `browserWith(clip)`, and closes it after. */
export async function inBrowser(clip, use) {
  const browser = await browserWith(clip);
  try {
    return await use(browser);
  } finally {
    await browser.close();
  }
}

/** A page in English (unless `lang`), with the scanner open. */
export async function openScanner(browser, { lang = 'en', path = './', context: options = {} } = {}) {
  const context = await browser.newContext({ baseURL: base, ...options });
  if (lang) await context.addInitScript((l) => localStorage.setItem('iotmark.language', l), lang);
  const page = await context.newPage();
  await page.goto(path);
  return { context, page };
}

/**
 * Writes to `file` a copy of the bundled revocation list with label `id` struck off, signed
 * by the demo root, numbered after `held` (the list a page has, which a registry may have
 * renewed already), and returns `file`.
 */
export function revocationStriking(id, file, held = 1) {
  const tool = new URL('../../target/release/iotmark', import.meta.url).pathname;
  const root = new URL('../../target/demo-keys/root.key', import.meta.url).pathname;
  copyFileSync(`${demo}revocation.cose`, file);
  const add = (ids, note) => execFileSync(tool, ['revoke', 'add', '--root', root, '--reason', 'copied', '--note', note, file, ...ids]);
  add([id], 'Found on copied boxes.');
  // Each change raises the sequence number by one: strike off unused ids until it is newer.
  for (let n = 2; n <= held; n++) add([`0000-0000-0000-${String(n).padStart(4, '0')}`], 'Padding.');
  return file;
}
