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

/**
 * The two-step suite once more through nginx (deploy/nginx.conf) in front of two
 * instances on one PostgreSQL database. PROXY_A_PORT and PROXY_B_PORT reach one instance
 * each, through the same proxy.
 */
export const PROXY_PORT = PORT + 5;
const INSTANCE_A = PORT + 6;
const INSTANCE_B = PORT + 7;
const PG_PORT = PORT + 8;
export const PROXY_A_PORT = PORT + 9;
export const PROXY_B_PORT = PORT + 10;
const SHARED_DATABASE = `postgres://postgres@127.0.0.1:${PG_PORT}/postgres`;

/** One release server on a fresh database of its own (or `extra`'s shared one). */
function appServer(name: string, port: number, extra: Record<string, string> = {}) {
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
      ...extra,
    },
  };
}

const behindTheProxy = {
  E2E_DATABASE_URL: SHARED_DATABASE,
  E2E_TRUSTED_PROXIES: '127.0.0.3',
  // The same key on every instance (the README's rule for several instances).
  TWOSTEP_SECRET_KEY: 'c2FtZSBrZXkgb24gZXZlcnkgaW5zdGFuY2UhISEhISE=',
};

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
    // Passkeys need the site's host name (localhost here), which the proxy does not serve
    // as; their rules are the instances' own, tested on the two-step server.
    { name: 'two-step-proxied', testMatch: /two-step(?!-passkeys)/, use: { baseURL: `http://127.0.0.1:${PROXY_PORT}` } },
    {
      // At 390 px: every page's layout and axe (pages.spec) and signing in. The
      // personnel flows' behaviour does not depend on the width; the password project
      // covers it (CI time).
      name: 'phone',
      testMatch: /(pages|signin)\.spec/,
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
    {
      command: './start-postgres.sh',
      port: PG_PORT,
      reuseExistingServer: false,
      timeout: 30_000,
      env: { E2E_PG_PORT: String(PG_PORT) },
    },
    appServer('instance-a', INSTANCE_A, behindTheProxy),
    appServer('instance-b', INSTANCE_B, behindTheProxy),
    {
      command: './start-proxy.sh',
      url: `http://127.0.0.1:${PROXY_PORT}/healthz`,
      reuseExistingServer: false,
      timeout: 15_000,
      env: {
        E2E_PROXY_PORT: String(PROXY_PORT),
        E2E_PROXY_A_PORT: String(PROXY_A_PORT),
        E2E_PROXY_B_PORT: String(PROXY_B_PORT),
        E2E_INSTANCE_A: String(INSTANCE_A),
        E2E_INSTANCE_B: String(INSTANCE_B),
      },
    },
  ],
});
