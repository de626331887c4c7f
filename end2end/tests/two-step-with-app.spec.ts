// Authenticator apps and recovery codes (issue 15) on the two-step server: set up in My
// account with the code computed here from the key the page shows, step 2 with the app,
// with a mailed code instead, with a recovery code (JavaScript off), and an
// administrator's reset. Runs before two-step.spec.ts and leaves two-step authentication
// off, as that file expects.
import { Browser, BrowserContext, expect, Page, test } from '@playwright/test';
import { ADMIN_PASSWORD } from '../playwright.config';
import { addPersonQuickly, call, open, PERSONNEL, signedIn, submitPassword, unique } from './helpers';
import { codeIn, mailCount, mailTo } from './mail';
import { totp } from './totp';

test.describe.configure({ mode: 'serial' });

const username = unique('app');
const ALICE = { name: `Alice ${username}`, username, email: `${username}@example.test`, password: 'alice password 1' };
// Bob has recovery codes and no app (each person may start five sign-ins in 15 minutes).
const BOB = { name: `Bob ${username}`, username: `b${username}`, email: `b${username}@example.test`, password: 'bob password 1' };
let adminContext: BrowserContext;
let aliceId: number;
let key: string;
let recoveryCodes: string[];
/** The last time step whose code was used: the server takes each step once. */
let lastStep = -1;

/** A code of Alice's app the server has not seen: the current step's or the next one's
 * (it accepts one step either side), waiting for a new step when both were used. */
async function freshAppCode(): Promise<string> {
  for (;;) {
    const now = Math.floor(Date.now() / 30_000);
    for (const step of [now, now + 1]) {
      if (step > lastStep) {
        lastStep = step;
        return totp(key, step * 30_000);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

test.beforeAll(async ({ browser }) => {
  adminContext = (await signedIn(browser, 'admin', ADMIN_PASSWORD)).context();
  const admin = await adminContext.newPage();
  aliceId = await addPersonQuickly(admin, ALICE);
  await addPersonQuickly(admin, BOB);
  await admin.close();
});

test.afterAll(async () => {
  const admin = await adminContext.newPage();
  expect(await call(admin, 'set_two_step', { enabled: 'false' })).toHaveProperty('Saved');
  await adminContext.close();
});

/** A fresh browser at step 2 for `who` (Alice unless said). */
async function atStepTwo(browser: Browser, who: { username: string; password: string } = ALICE): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await open(page, '/login');
  await submitPassword(page, who.username, who.password);
  await expect(page.getByRole('heading', { name: 'Enter your security code' })).toBeVisible();
  return page;
}

test('the code computed here matches RFC 6238', () => {
  // Appendix B's SHA1 key, "12345678901234567890", in base32; T = 59 s.
  expect(totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 59_000)).toBe('287082');
});

test('an app set up in My account signs in, and Email me a code instead still works', async ({ browser }) => {
  const alice = await signedIn(browser, ALICE.username, ALICE.password);
  await open(alice, '/account');
  const section = alice.getByRole('region', { name: 'Authenticator app' });
  // Set up asks for the current password in the same form: an open session is not enough.
  await section.getByRole('button', { name: 'Set up' }).click();
  await expect(section.getByLabel('Current password')).toHaveAccessibleDescription('That is not your current password.');
  await expect(section.getByRole('img', { name: 'QR code for your authenticator app' })).toHaveCount(0);
  await section.getByLabel('Current password').fill(ALICE.password);
  await section.getByRole('button', { name: 'Set up' }).click();
  await expect(section.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  key = (await section.getByTestId('authenticator-secret').textContent())!.trim();
  expect(key.replace(/\s/g, '')).toMatch(/^[A-Z2-7]{32}$/);

  const before = await mailCount(ALICE.email);
  await section.getByLabel('Security code').fill(await freshAppCode());
  await section.getByRole('button', { name: 'Confirm' }).click();
  await expect(section.getByRole('status')).toContainText('Your authenticator app is on');
  await expect(section.getByRole('button', { name: 'Remove' })).toBeVisible();
  expect((await mailTo(ALICE.email, before)).subject).toContain('authenticator app was set up');

  const admin = await adminContext.newPage();
  expect(await call(admin, 'set_two_step', { enabled: 'true' })).toEqual({ Saved: { enabled: true } });
  await admin.close();

  const mailed = await mailCount(ALICE.email);
  const page = await atStepTwo(browser);
  await expect(page.getByText('Open your authenticator app.')).toBeVisible();
  await expect(page.getByLabel('Trust this IP')).toBeVisible();
  await page.getByLabel('Security code', { exact: true }).fill(await freshAppCode());
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL('/');
  expect(await mailCount(ALICE.email), 'no code was mailed').toBe(mailed);

  const instead = await atStepTwo(browser);
  await instead.getByRole('button', { name: 'Email me a code instead' }).click();
  await expect(instead.getByText(/We sent a code to/)).toBeVisible();
  await expect(instead.getByRole('button', { name: 'Send a new code' })).toBeVisible();
  await instead.getByLabel('Security code', { exact: true }).fill(codeIn(await mailTo(ALICE.email, mailed)));
  await instead.getByRole('button', { name: 'Verify' }).click();
  await expect(instead).toHaveURL('/');
});

test('recovery codes: shown once with Download, and one signs in with JavaScript off, never trusting the address', async ({ browser }) => {
  // Two-step is on now: Bob signs in with a mailed code.
  const signedUp = await mailCount(BOB.email);
  const page = await atStepTwo(browser, BOB);
  await page.getByLabel('Security code', { exact: true }).fill(codeIn(await mailTo(BOB.email, signedUp)));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL('/');
  await open(page, '/account');
  const section = page.getByRole('region', { name: 'Recovery codes' });
  await expect(section.getByText('You have no recovery codes.')).toBeVisible();
  await section.getByLabel('Current password').fill(BOB.password);
  await section.getByRole('button', { name: 'Create' }).click();
  const list = section.getByRole('listitem');
  await expect(list).toHaveCount(10);
  recoveryCodes = (await list.allTextContents()).map((code) => code.trim());
  for (const code of recoveryCodes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
  const [download] = await Promise.all([page.waitForEvent('download'), section.getByRole('link', { name: 'Download' }).click()]);
  expect(download.suggestedFilename()).toBe('twostep-recovery-codes.txt');
  let saved = '';
  for await (const chunk of await download.createReadStream()) saved += chunk;
  for (const code of recoveryCodes) expect(saved).toContain(code);
  await expect(section.getByRole('button', { name: 'Print' })).toBeVisible();
  await page.reload();
  const after = page.getByRole('region', { name: 'Recovery codes' });
  await expect(after.getByText('10 recovery codes left')).toBeVisible();
  await expect(after.getByRole('listitem'), 'shown only once').toHaveCount(0);

  // With JavaScript off every control is a form the browser posts itself.
  const mailed = await mailCount(BOB.email);
  const noScript = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  await noScript.goto('/login');
  await submitPassword(noScript, BOB.username, BOB.password);
  await expect(noScript.getByText(/We sent a code to/)).toBeVisible();
  await noScript.getByRole('button', { name: 'Use a recovery code' }).click();
  await expect(noScript.getByText(/Type one of your recovery codes/)).toBeVisible();
  await expect(noScript.getByLabel('Trust this IP'), 'never for a recovery code').toHaveCount(0);
  await noScript.getByLabel('Security code', { exact: true }).fill(recoveryCodes[0].toUpperCase());
  await noScript.getByRole('button', { name: 'Verify' }).click();
  await expect(noScript).toHaveURL('/');
  // The sign-in's own code went first; then the notice of the recovery code.
  const notice = await mailTo(BOB.email, mailed + 1);
  expect(notice.subject).toContain('recovery code was used');
  expect(notice.raw).toContain('9 recovery codes are left');

  const again = await atStepTwo(browser, BOB);
  await again.getByRole('button', { name: 'Use a recovery code' }).click();
  await expect(again.getByLabel('Trust this IP')).toHaveCount(0);
  await again.getByLabel('Security code', { exact: true }).fill(recoveryCodes[0]);
  await again.getByRole('button', { name: 'Verify' }).click();
  await expect(again.getByRole('alert').filter({ hasText: 'That code is not valid.' }), 'each code works once').toBeVisible();
});

test('Reset two-step methods in the Personnel editor puts the person back on mailed codes', async ({ browser }) => {
  const admin = await adminContext.newPage();
  await open(admin, `${PERSONNEL}?edit=${aliceId}`);
  const mailed = await mailCount(ALICE.email);
  await admin.getByRole('button', { name: 'Reset two-step methods' }).click();
  await expect(admin.getByRole('status').filter({ hasText: 'Two-step methods reset' })).toBeVisible();
  expect((await mailTo(ALICE.email, mailed)).subject).toContain('two-step methods were reset');
  // One's own are managed in My account (where Remove asks for the password).
  await open(admin, `${PERSONNEL}?edit=1`);
  await expect(admin.getByRole('heading', { name: 'Edit Administrator' })).toBeVisible();
  await expect(admin.getByRole('button', { name: 'Reset two-step methods' })).toHaveCount(0);

  const page = await atStepTwo(browser);
  await expect(page.getByText(/We sent a code to/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Use a recovery code' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Email me a code instead' })).toHaveCount(0);
});
