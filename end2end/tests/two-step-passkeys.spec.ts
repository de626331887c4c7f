// Passkeys (issue 27) on the two-step server, in Chromium with a virtual authenticator
// (the DevTools protocol's WebAuthn domain: a platform authenticator that keeps
// discoverable passkeys and verifies its user). Added in My account, a sign-in with the
// passkey alone, step 2 answered with it, removed, and reset by an administrator.
//
// WebAuthn binds a passkey to a host name, never to an IP address: these pages are
// opened as http://localhost:<port>, the site's relying party when it has no
// public_origin. Leaves two-step authentication off, as the files after it expect.
import { BrowserContext, CDPSession, expect, Page, test } from '@playwright/test';
import { ADMIN_PASSWORD } from '../playwright.config';
import { expectNoSeriousAxeFindings } from './axe';
import { addPersonQuickly, call, open, signedIn, submitPassword, unique } from './helpers';
import { mailCount, mailTo } from './mail';

test.describe.configure({ mode: 'serial' });

const username = unique('pk');
const CAROL = { name: `Carol ${username}`, username, email: `${username}@example.test`, password: 'carol password 1' };
let adminContext: BrowserContext;
let carolId: number;
let carol: Page;
let authenticator: { cdp: CDPSession; id: string };

/** The same server, by the host name a passkey can be bound to. */
function byName(): string {
  const url = new URL(test.info().project.use.baseURL!);
  return `http://localhost:${url.port}`;
}

test.beforeAll(async ({ browser }) => {
  adminContext = (await signedIn(browser, 'admin', ADMIN_PASSWORD)).context();
  const admin = await adminContext.newPage();
  carolId = await addPersonQuickly(admin, CAROL);
  await admin.close();
  carol = await (await browser.newContext({ baseURL: byName() })).newPage();
  const cdp = await carol.context().newCDPSession(carol);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  authenticator = { cdp, id: authenticatorId };
});

test.afterAll(async () => {
  const admin = await adminContext.newPage();
  expect(await call(admin, 'set_two_step', { enabled: 'false' })).toHaveProperty('Saved');
  await adminContext.close();
  await carol.context().close();
});

async function passkeysOnTheAuthenticator(): Promise<number> {
  const { credentials } = await authenticator.cdp.send('WebAuthn.getCredentials', { authenticatorId: authenticator.id });
  return credentials.length;
}

/** Adds a passkey named `name` in My account, password first. */
async function addPasskey(name: string) {
  await open(carol, '/account');
  const section = carol.getByRole('region', { name: 'Passkeys' });
  await expect(section.getByText('You have no passkeys.')).toBeVisible();
  const form = section.locator('form.add-passkey');
  await form.getByLabel('Name').fill(name);
  // The password is asked first: a session left open is not enough.
  await form.getByLabel('Current password').fill('not my password');
  await form.getByRole('button', { name: 'Add a passkey' }).click();
  await expect(form.getByLabel('Current password')).toHaveAccessibleDescription('That is not your current password.');
  await form.getByLabel('Current password').fill(CAROL.password);
  await form.getByRole('button', { name: 'Add a passkey' }).click();
  await expect(form.getByRole('status')).toHaveText('Passkey added. You can now sign in with it.');
  await expect(section.getByRole('row').filter({ hasText: name })).toContainText('Never');
}

async function signOut() {
  await carol.getByRole('button', { name: 'Sign out' }).click();
  await expect(carol).toHaveURL(/\/login/);
}

async function signInWithThePasskeyAlone(): Promise<void> {
  await open(carol, '/login');
  await carol.getByRole('button', { name: 'Sign in with a passkey' }).click();
}

test('a passkey added in My account signs in alone, with no password and no code', async () => {
  await open(carol, '/login');
  await submitPassword(carol, CAROL.username, CAROL.password);
  await expect(carol).toHaveURL(`${byName()}/`);
  await addPasskey('Carol laptop');
  expect(await passkeysOnTheAuthenticator()).toBe(1);
  const notice = await mailTo(CAROL.email, 0);
  expect(notice.subject).toContain('a passkey was added');

  await signOut();
  await signInWithThePasskeyAlone();
  await expect(carol).toHaveURL(`${byName()}/`);
  await expect(carol.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await open(carol, '/account');
  await expect(carol.getByRole('region', { name: 'Passkeys' }).getByRole('row').filter({ hasText: 'Carol laptop' }))
    .not.toContainText('Never');
  await expectNoSeriousAxeFindings(carol, 'My account with a passkey');
  // At phone width the list stacks: nothing scrolls sideways.
  await carol.setViewportSize({ width: 390, height: 844 });
  expect(await carol.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await carol.setViewportSize({ width: 1280, height: 720 });
});

test('with two-step on, the passkey answers step 2 and no code is mailed', async () => {
  const admin = await adminContext.newPage();
  expect(await call(admin, 'set_two_step', { enabled: 'true' })).toEqual({ Saved: { enabled: true } });
  await admin.close();
  const mailsBefore = await mailCount(CAROL.email);
  await signOut();
  await open(carol, '/login');
  await submitPassword(carol, CAROL.username, CAROL.password);
  await expect(carol.getByRole('heading', { name: 'Use your passkey' })).toBeVisible();
  // The passkey is offered first; the code's field waits behind "Email me a code instead".
  await expect(carol.getByRole('button', { name: 'Email me a code instead' })).toBeVisible();
  await expect(carol.getByLabel('Security code', { exact: true })).toBeHidden();
  await carol.getByRole('button', { name: 'Use a passkey' }).click();
  await expect(carol).toHaveURL(`${byName()}/`);
  expect(await mailCount(CAROL.email), 'no code was sent').toBe(mailsBefore);
});

test('a removed passkey, or one an administrator reset, no longer signs in', async () => {
  await open(carol, '/account');
  const section = carol.getByRole('region', { name: 'Passkeys' });
  const row = section.getByRole('row').filter({ hasText: 'Carol laptop' });
  await row.getByLabel('Current password, to remove Carol laptop').fill(CAROL.password);
  await row.getByRole('button', { name: 'Remove Carol laptop' }).click();
  await expect(section.getByText('You have no passkeys.')).toBeVisible();
  await signOut();
  await signInWithThePasskeyAlone();
  await expect(carol.locator('#passkey-sign-in-status')).toHaveText(
    'The passkey was not accepted. Try again, or choose another way.',
  );
  await expect(carol).toHaveURL(/\/login/);

  // A new one, then an administrator's reset.
  const admin = await adminContext.newPage();
  expect(await call(admin, 'set_two_step', { enabled: 'false' })).toHaveProperty('Saved');
  await open(carol, '/login');
  await submitPassword(carol, CAROL.username, CAROL.password);
  await expect(carol).toHaveURL(`${byName()}/`);
  await addPasskey('Carol phone');
  expect(await call(admin, 'reset_two_step_methods', { id: String(carolId) })).toBe('Done');
  await admin.close();
  await signInWithThePasskeyAlone();
  await expect(carol.locator('#passkey-sign-in-status')).toHaveText(
    'The passkey was not accepted. Try again, or choose another way.',
  );
});
