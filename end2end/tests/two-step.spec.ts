import { expect, Page, test } from '@playwright/test';
import { ADMIN_EMAIL, ADMIN_PASSWORD, PROXY_A_PORT, PROXY_B_PORT } from '../playwright.config';
import { addPerson, open, signedIn, submitPassword } from './helpers';
import { codeIn, mailCount, mailTo } from './mail';

// This project's server has a database of its own; the tests build on each other.
test.describe.configure({ mode: 'serial' });

const JANE = { name: 'Jane Doe', username: 'jdoe', email: 'jdoe@example.test', password: 'jane password 1' };
const NORA = { name: 'Nora Nomail', username: 'nora', password: 'nora password 1' };
const NO_CHANNEL =
  'Two-step authentication is on, but no email address is on file for you. Ask an administrator to add one in Personnel.';

async function freshPage(browser: import('@playwright/test').Browser): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await open(page, '/login');
  return page;
}

/** Types a code at step 2 and presses Verify. */
async function enterCode(page: Page, code: string, trust = false) {
  await page.getByLabel('Security code', { exact: true }).fill(code);
  if (trust) await page.getByLabel('Trust this IP').check();
  await page.getByRole('button', { name: 'Verify' }).click();
}

function otherThan(code: string): string {
  return String((Number(code) + 1) % 1_000_000).padStart(6, '0');
}

test('the admin turns two-step authentication on and sees who cannot receive a code', async ({ browser }) => {
  const admin = await signedIn(browser, 'admin', ADMIN_PASSWORD);
  await addPerson(admin, JANE);
  await addPerson(admin, NORA);

  await open(admin, '/system/security');
  await expect(admin.getByRole('heading', { name: 'Two-step authentication' })).toBeVisible();
  await expect(admin.getByText('Your IP address as the server sees it: 127.0.0.1')).toBeVisible();
  const unreachable = admin.getByRole('region', { name: 'Staff who cannot receive a code' });
  await expect(unreachable.getByRole('link', { name: NORA.name })).toHaveAttribute('href', /personnel\?edit=\d+$/);
  await expect(unreachable.getByRole('link', { name: JANE.name })).toHaveCount(0);

  const off = admin.getByRole('button', { name: 'Disabled' });
  await expect(off).toHaveAttribute('aria-pressed', 'false');
  await off.click();
  const on = admin.getByRole('button', { name: 'Enabled' });
  await expect(on).toHaveAttribute('aria-pressed', 'true');
  await admin.reload();
  await expect(admin.getByRole('button', { name: 'Enabled' })).toHaveAttribute('aria-pressed', 'true');
});

test('the mailed code signs in, and Trust this IP skips it the next time', async ({ browser }) => {
  const page = await freshPage(browser);
  const before = await mailCount(ADMIN_EMAIL);
  await submitPassword(page, 'admin', ADMIN_PASSWORD);
  await expect(page.getByRole('heading', { name: 'Enter your security code' })).toBeVisible();
  await expect(page.getByText('a•••@example.test')).toBeVisible();
  const code = page.getByLabel('Security code', { exact: true });
  await expect(code).toHaveAttribute('autocomplete', 'one-time-code');
  await expect(code).toHaveAttribute('inputmode', 'numeric');
  await expect(page.getByLabel('Trust this IP')).not.toBeChecked();

  // Not signed in yet: another tab of the same browser is sent to sign in.
  const other = await page.context().newPage();
  await other.goto('/account');
  await expect(other).toHaveURL(/\/login\?next=%2Faccount$/);
  await other.close();

  const mail = await mailTo(ADMIN_EMAIL, before);
  await enterCode(page, codeIn(mail), true);
  await expect(page).toHaveURL('/');
  const notice = await mailTo(ADMIN_EMAIL, before + 1);
  expect(notice.subject).toContain('network was trusted');
  expect(notice.raw).toContain('127.0.0.1/32');

  await open(page, '/');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);
  await open(page, '/login');
  await submitPassword(page, 'admin', ADMIN_PASSWORD);
  await expect(page).toHaveURL('/');
  expect(await mailCount(ADMIN_EMAIL), 'no code was sent the second time').toBe(before + 2);
});

test('another person on the trusted address is still asked; a wrong code is refused', async ({ browser }) => {
  const page = await freshPage(browser);
  const before = await mailCount(JANE.email);
  await submitPassword(page, JANE.username, JANE.password);
  await expect(page.getByRole('heading', { name: 'Enter your security code' })).toBeVisible();
  await expect(page.getByText('j•••@example.test')).toBeVisible();
  const code = codeIn(await mailTo(JANE.email, before));

  await enterCode(page, otherThan(code));
  await expect(page.getByRole('alert').filter({ hasText: 'That code is not valid.' })).toBeVisible();
  await expect(page.getByLabel('Security code', { exact: true })).toHaveAttribute('aria-invalid', 'true');

  await enterCode(page, code);
  await expect(page).toHaveURL('/');
});

test('Send a new code waits out its cooldown, and then the old code fails', async ({ browser }) => {
  test.setTimeout(90_000);
  const page = await freshPage(browser);
  const before = await mailCount(JANE.email);
  await submitPassword(page, JANE.username, JANE.password);
  const old = codeIn(await mailTo(JANE.email, before));

  const resend = page.getByRole('button', { name: 'Send a new code' });
  await resend.click();
  await expect(page.getByRole('status').filter({ hasText: /Wait \d+ seconds? before/ })).toBeVisible();
  // The cooldown is 30 s from the first send; asking again until it is past.
  await expect
    .poll(
      async () => {
        await resend.click();
        await expect(resend).toBeEnabled();
        return page.getByRole('status').filter({ hasText: 'A new code is on its way' }).count();
      },
      { timeout: 45_000, intervals: [5_000] },
    )
    .toBe(1);
  const fresh = codeIn(await mailTo(JANE.email, before + 1));

  if (fresh !== old) {
    await enterCode(page, old);
    await expect(page.getByRole('alert').filter({ hasText: 'That code is not valid.' })).toBeVisible();
  }
  await enterCode(page, fresh);
  await expect(page).toHaveURL('/');
});

test('Cancel goes back to step 1', async ({ browser }) => {
  const page = await freshPage(browser);
  await submitPassword(page, JANE.username, JANE.password);
  await expect(page.getByRole('heading', { name: 'Enter your security code' })).toBeVisible();
  await page.getByRole('link', { name: 'Cancel' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByLabel('Username')).toBeVisible();
});

test('a person with no email address is told why they cannot sign in', async ({ browser }) => {
  const page = await freshPage(browser);
  await submitPassword(page, NORA.username, NORA.password);
  await expect(page.getByRole('alert').filter({ hasText: NO_CHANNEL })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
});

/**
 * Behind the proxy, `path` on instance A or B (through the proxy's listener pinned to
 * it); elsewhere the one server's own path. Cookies ignore the port: the session made
 * through the proxy is sent to both.
 */
function onInstance(instance: 'A' | 'B', path: string): string {
  if (test.info().project.name !== 'two-step-proxied') return path;
  const port = instance === 'A' ? PROXY_A_PORT : PROXY_B_PORT;
  return `http://127.0.0.1:${port}${path}`;
}

test('a delete on one Security page leaves every other open one within 2 s, and the code is asked again', async ({ browser }) => {
  // Both browsers sign in from the trusted address: no code.
  const first = await signedIn(browser, 'admin', ADMIN_PASSWORD);
  const second = await signedIn(browser, 'admin', ADMIN_PASSWORD);
  const account = await signedIn(browser, 'admin', ADMIN_PASSWORD);
  // Behind the proxy, the delete happens on instance A and the other pages are on B.
  await open(first, onInstance('A', '/system/security'));
  await open(second, onInstance('B', '/system/security'));
  await open(account, onInstance('B', '/account'));
  await expect(account.getByRole('region', { name: 'My trusted IP addresses' }).getByRole('button', { name: 'Delete 127.0.0.1' })).toBeVisible();
  const deleteButton = (page: Page) => page.getByRole('button', { name: 'Delete 127.0.0.1' });
  await expect(deleteButton(first)).toBeVisible();
  await expect(deleteButton(second)).toBeVisible();
  const row = first.getByRole('row').filter({ has: deleteButton(first) });
  await expect(row).toContainText('Administrator');

  await deleteButton(first).click();
  await expect(deleteButton(first)).toHaveCount(0);
  await expect(deleteButton(second)).toHaveCount(0, { timeout: 2_000 });
  await expect(deleteButton(account), 'the owner\'s My account page too').toHaveCount(0, { timeout: 2_000 });

  const again = await freshPage(browser);
  await submitPassword(again, 'admin', ADMIN_PASSWORD);
  await expect(again.getByRole('heading', { name: 'Enter your security code' })).toBeVisible();
});

test('the toggle turns the code off and on again, and the readiness link opens the editor', async ({ browser }) => {
  const before = await mailCount(ADMIN_EMAIL);
  const admin = await freshPage(browser);
  await submitPassword(admin, 'admin', ADMIN_PASSWORD);
  await enterCode(admin, codeIn(await mailTo(ADMIN_EMAIL, before)));
  await expect(admin).toHaveURL('/');
  await open(admin, '/system/security');

  await admin.getByRole('button', { name: 'Enabled' }).click();
  await expect(admin.getByRole('button', { name: 'Disabled' })).toHaveAttribute('aria-pressed', 'false');
  const noCode = await freshPage(browser);
  await submitPassword(noCode, 'admin', ADMIN_PASSWORD);
  await expect(noCode).toHaveURL('/');

  await admin.getByRole('button', { name: 'Disabled' }).click();
  await expect(admin.getByRole('button', { name: 'Enabled' })).toHaveAttribute('aria-pressed', 'true');
  const code = await freshPage(browser);
  await submitPassword(code, 'admin', ADMIN_PASSWORD);
  await expect(code.getByRole('heading', { name: 'Enter your security code' })).toBeVisible();

  await admin.getByRole('region', { name: 'Staff who cannot receive a code' }).getByRole('link', { name: NORA.name }).click();
  await expect(admin.getByRole('heading', { name: `Edit ${NORA.name}` })).toBeVisible();
  await expect(admin.getByLabel('Username')).toHaveValue(NORA.username);
});
