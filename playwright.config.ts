import { defineConfig } from '@playwright/test';
import { e2eBaseURL } from './e2e/support/env';

/**
 * End-to-end tests: the *.spec.ts files under e2e/, in Debian's Chromium (/usr/bin/chromium, `apt-get install -y
 * chromium`; never `npx playwright install`, which downloads a browser and fails offline), against the
 * production build served by `next start` on E2E_PORT (3100) with its own database, Redis prefix and
 * workers, all made in e2e/support/global-setup.ts. Needs `next build` first; `npm test` does it.
 */
export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  globalSetup: './e2e/support/global-setup.ts',
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  forbidOnly: Boolean(process.env.CI),
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]] : [['list']],
  use: {
    baseURL: e2eBaseURL,
    browserName: 'chromium',
    headless: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
