// Office networks (issue 28) on the two-step servers, directly and behind the proxy: an
// administrator adds "Brussels HQ" (after a refusal shown beside its field), Check an
// address says who skips the code, a staff member signing in from inside it gets no code
// and reads why on the home page, a holder of Permissions from the same address gets a
// code, a removal reaches a second open Security page within 2 s, and the same with
// JavaScript off (plain form posts and the check as a GET form).
//
// The browser reaches the server from 127.0.0.1 (behind the proxy too: the proxy is
// 127.0.0.3), so the office is that one address. Leaves no office network and two-step
// authentication off, as the files after it expect.
import { BrowserContext, expect, Page, test } from '@playwright/test';
import { ADMIN_PASSWORD } from '../playwright.config';
import { expectNoSeriousAxeFindings } from './axe';
import { addPersonQuickly, call, newPerson, open, signedIn, submitPassword } from './helpers';

test.describe.configure({ mode: 'serial' });

const OFFICE = 'Brussels HQ';
let adminContext: BrowserContext;

const STAFF = newPerson('staff');
const CLERK = newPerson('clerk');

test.beforeAll(async ({ browser }) => {
  adminContext = (await signedIn(browser, 'admin', ADMIN_PASSWORD)).context();
  const admin = await adminContext.newPage();
  await addPersonQuickly(admin, STAFF);
  const clerkId = await addPersonQuickly(admin, CLERK);
  expect(await call(admin, 'set_permission', { user_id: String(clerkId), permission: 'Permissions', granted: 'true' })).toBe(
    'Saved',
  );
  await admin.close();
});

test.afterAll(async () => {
  const admin = await adminContext.newPage();
  for (const office of await call(admin, 'office_networks', {})) {
    await call(admin, 'remove_office_network', { id: String(office.id) });
  }
  expect(await call(admin, 'set_two_step', { enabled: 'false' })).toHaveProperty('Saved');
  await adminContext.close();
});

async function securityPage(): Promise<Page> {
  const page = await adminContext.newPage();
  await open(page, '/system/security');
  return page;
}

test('staff skip the code from the office and read why; a holder of Permissions still gets one', async ({ browser }) => {
  const admin = await securityPage();
  const offices = admin.getByRole('region', { name: 'Office networks' });
  await offices.getByLabel('Name').fill(OFFICE);
  const addresses = offices.getByLabel('Addresses');
  await addresses.fill('10.0.0.0/15');
  await offices.getByRole('button', { name: 'Add office network' }).click();
  await expect(offices.getByText('10.0.0.0/15 is wider than /16')).toBeVisible();
  await expect(addresses).toHaveAttribute('aria-invalid', 'true');
  await expect(offices.getByRole('button', { name: `Remove ${OFFICE}` })).toHaveCount(0);

  await addresses.fill('127.0.0.1');
  await offices.getByRole('button', { name: 'Add office network' }).click();
  await expect(offices.getByRole('button', { name: `Remove ${OFFICE}` })).toBeVisible();
  await expect(offices.getByRole('cell', { name: '127.0.0.1/32' })).toBeVisible();
  await expect(offices.getByLabel('Name')).toHaveValue('');
  await expectNoSeriousAxeFindings(admin, 'the Security page with an office network');

  await admin.getByRole('textbox', { name: 'Check an address' }).fill('127.0.0.1');
  await admin.getByRole('button', { name: 'Check', exact: true }).click();
  const answer = admin.getByRole('region', { name: 'Check an address' });
  await expect(answer.getByText(`In the office network ${OFFICE}`)).toBeVisible();
  await expect(answer.getByText(CLERK.name)).toBeVisible();
  expect(await call(admin, 'set_two_step', { enabled: 'true' })).toEqual({ Saved: { enabled: true } });

  const staff = await (await browser.newContext()).newPage();
  await open(staff, '/login');
  await submitPassword(staff, STAFF.username, STAFF.password);
  await expect(staff).toHaveURL('/');
  await expect(staff.getByText(`No code was asked: you signed in from the office network ${OFFICE}.`)).toBeVisible();
  await staff.context().close();

  const clerk = await (await browser.newContext()).newPage();
  await open(clerk, '/login');
  await submitPassword(clerk, CLERK.username, CLERK.password);
  await expect(clerk.getByRole('heading', { name: 'Enter your security code' })).toBeVisible();
  await clerk.context().close();
});

test('a removal reaches a second open Security page within 2 s', async () => {
  const first = await securityPage();
  const second = await securityPage();
  const removeOnSecond = second.getByRole('button', { name: `Remove ${OFFICE}` });
  await expect(removeOnSecond).toBeVisible();
  await first.getByRole('button', { name: `Remove ${OFFICE}` }).click();
  await expect(first.getByRole('button', { name: `Remove ${OFFICE}` })).toBeHidden();
  await expect(removeOnSecond).toHaveCount(0, { timeout: 2_000 });
});

test('with JavaScript off: added after a refusal that keeps what was typed, checked, removed', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, storageState: await adminContext.storageState() });
  const page = await context.newPage();
  await page.goto('/system/security');
  const offices = page.getByRole('region', { name: 'Office networks' });
  await offices.getByLabel('Name').fill('Ghent');
  await offices.getByLabel('Addresses').fill('2001:db8::/47');
  await offices.getByRole('button', { name: 'Add office network' }).click();
  await expect(offices.getByText('2001:db8::/47 is wider than /48')).toBeVisible();
  await expect(offices.getByLabel('Addresses')).toHaveValue('2001:db8::/47');
  await offices.getByLabel('Addresses').fill('2001:db8:7::/48');
  await offices.getByRole('button', { name: 'Add office network' }).click();
  await expect(offices.getByRole('button', { name: 'Remove Ghent' })).toBeVisible();

  await page.getByRole('textbox', { name: 'Check an address' }).fill('2001:db8:7::1');
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  await expect(page).toHaveURL(/check=2001/);
  await expect(page.getByRole('region', { name: 'Check an address' }).getByText('In the office network Ghent')).toBeVisible();

  await offices.getByRole('button', { name: 'Remove Ghent' }).click();
  await expect(page.getByRole('heading', { name: 'Office networks' })).toBeVisible();
  await expect(offices.getByRole('button', { name: 'Remove Ghent' })).toHaveCount(0);
  await context.close();
});
