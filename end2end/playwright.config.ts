import { defineConfig } from '@playwright/test';

export const PORT = Number(process.env.E2E_PORT ?? 3107);
/** A second server with a database of its own, where two-step authentication is turned on. */
export const TWO_STEP_PORT = PORT + 2;
export const ADMIN_PASSWORD = process.env.E2E_ADMIN_PASSWORD ?? 'e2e admin password';
export const ADMIN_EMAIL = 'admin@example.test';
/** The capture server: SMTP in, what it received as JSON out (see mail-capture.mjs). */
export const MAIL_PORT = PORT + 1;
const SMTP_PORT = PORT + 3;
/** A third server, for the password project's tests once more at phone width. */
const PHONE_PORT = PORT + 4;

/** One release server on a fresh database of its own. */
function appServer(name: string, port: number) {
  return {
    command: './start-server.sh',
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe' as const,
    env: {
      E2E_NAME: name,
      E2E_PORT: String(port),
      E2E_SMTP_PORT: String(SMTP_PORT),
      E2E_ADMIN_PASSWORD: ADMIN_PASSWORD,
      E2E_ADMIN_EMAIL: ADMIN_EMAIL,
    },
  };
}

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 5_000 },
  // Each server keeps one database for its whole project: tests run one after another.
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  reporter: [['list']],
  projects: [
    { name: 'password', testIgnore: /two-step/, use: { baseURL: `http://127.0.0.1:${PORT}` } },
    { name: 'two-step', testMatch: /two-step/, use: { baseURL: `http://127.0.0.1:${TWO_STEP_PORT}` } },
    {
      name: 'phone',
      testIgnore: /two-step/,
      use: { baseURL: `http://127.0.0.1:${PHONE_PORT}`, viewport: { width: 390, height: 844 } },
    },
  ],
  use: {
    browserName: 'chromium',
    trace: 'retain-on-failure',
    launchOptions: {
      // Debian's Chromium; Playwright never downloads a browser here.
      executablePath: '/usr/bin/chromium',
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
  webServer: [
    {
      command: 'node mail-capture.mjs',
      url: `http://127.0.0.1:${MAIL_PORT}/healthz`,
      reuseExistingServer: false,
      timeout: 15_000,
      env: { E2E_SMTP_PORT: String(SMTP_PORT), E2E_MAIL_PORT: String(MAIL_PORT) },
    },
    appServer('password', PORT),
    appServer('two-step', TWO_STEP_PORT),
    appServer('phone', PHONE_PORT),
  ],
});
