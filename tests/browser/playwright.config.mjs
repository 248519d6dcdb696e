import { defineConfig } from '@playwright/test';
import { execSync } from 'node:child_process';

const port = Number(process.env.PORT || 8181);
export const chromium = execSync('command -v chromium || command -v chromium-browser', { shell: '/bin/sh' }).toString().trim();
// As root and headless, with Chromium's own network chatter switched off (it has none to reach).
export const baseArgs = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'];

export default defineConfig({
  testDir: '.',
  timeout: 60_000,
  workers: 2,
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${port}/`,
    browserName: 'chromium',
    launchOptions: { executablePath: chromium, args: baseArgs },
  },
  webServer: { command: `node scripts/serve.mjs web/dist ${port}`, cwd: '../..', port, reuseExistingServer: false },
});
