// System › Security's forms before the app has loaded and with JavaScript off, on the
// two-step server. Runs before two-step.spec.ts and leaves two-step authentication off,
// as that file expects, with none of its own trusted addresses left.
import { Browser, BrowserContext, expect, Page, test } from '@playwright/test';
import { ADMIN_PASSWORD } from '../playwright.config';
import { expectNoSeriousAxeFindings } from './axe';
import { freshBrowser, goEarly, RUNS } from './early';
import { addPersonQuickly, call, open, signedIn, submitPassword, unique } from './helpers';
import { codeIn, mailCount, mailTo } from './mail';

test.describe.configure({ mode: 'serial', timeout: 120_000 });

let adminContext: BrowserContext;

test.beforeAll(async ({ browser }) => {
  adminContext = (await signedIn(browser, 'admin', ADMIN_PASSWORD)).context();
});

/** The toggle's current state on a fresh load of the Security page. */
async function twoStepIsOn(page: Page): Promise<boolean> {
  await open(page, '/system/security');
  return (await page.getByRole('button', { name: /^(Enabled|Disabled)$/ }).getAttribute('aria-pressed')) === 'true';
}

/** A person whose sign-in from this address (127.0.0.1) is trusted: signs in through the
 * server functions, code from the captured mail, Trust this IP ticked. */
async function trustedPerson(browser: Browser): Promise<string> {
  const admin = await adminContext.newPage();
  const username = unique('trusted');
  const email = `${username}@example.test`;
  await addPersonQuickly(admin, { name: `Trusted ${username}`, username, email, password: 'trusted password 1' });
  await admin.close();
  const context = await browser.newContext();
  const page = await context.newPage();
  const before = await mailCount(email);
  expect(await call(page, 'login', { username, password: 'trusted password 1' })).toHaveProperty('CodeRequired');
  const code = codeIn(await mailTo(email, before));
  expect(await call(page, 'verify_code', { code, trust: 'on' })).toHaveProperty('SignedIn');
  await context.close();
  return username;
}

test('the toggle flips before the app has loaded', async ({ browser }) => {
  const admin = await adminContext.newPage();
  expect(await twoStepIsOn(admin)).toBe(false);
  for (let run = 0; run < RUNS; run++) {
    const page = await freshBrowser(browser, run, adminContext);
    const from = run % 2 === 0 ? 'Disabled' : 'Enabled';
    const to = run % 2 === 0 ? 'Enabled' : 'Disabled';
    await goEarly(page, '/system/security');
    await page.getByRole('button', { name: from }).click();
    await expect(page.getByRole('button', { name: to }), `run ${run}`).toHaveAttribute('aria-pressed', String(to === 'Enabled'));
    await page.context().close();
    expect(await twoStepIsOn(admin), `run ${run}: stored`).toBe(to === 'Enabled');
  }
  await admin.close();
});

test('a delete button removes its address before the app has loaded', async ({ browser }) => {
  for (let run = 0; run < RUNS; run++) {
    const username = await trustedPerson(browser);
    const page = await freshBrowser(browser, run, adminContext);
    await goEarly(page, `/system/security?q=${username}`);
    const rows = page.getByRole('region', { name: 'Trusted IP addresses' }).getByRole('row').filter({ hasText: username });
    await expect(rows).toHaveCount(1);
    await rows.getByRole('button', { name: 'Delete 127.0.0.1' }).click();
    await expect(rows, `run ${run}`).toHaveCount(0);
    await page.reload();
    await expect(rows, `run ${run}: stored`).toHaveCount(0);
    await expect(page.getByText('No trusted IP addresses.')).toBeVisible();
    await page.context().close();
  }
});

/** A new person with an email address holding `permission` (codes to the admin are
 * capped at 5 per 15 minutes, and two-step.spec.ts needs them). */
async function personHolding(permission: string | null) {
  const admin = await adminContext.newPage();
  const username = unique('officer');
  const person = { name: `Officer ${username}`, username, email: `${username}@example.test`, password: 'officer password 1' };
  const id = await addPersonQuickly(admin, person);
  if (permission) {
    expect(await call(admin, 'set_permission', { user_id: String(id), permission, granted: 'true' })).toBe('Saved');
  }
  await admin.close();
  return person;
}

test('with JavaScript off: sign in with a code, delete a trusted address, turn two-step off', async ({ browser }) => {
  const username = await trustedPerson(browser);
  const officer = await personHolding('Security');
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/login');
  const before = await mailCount(officer.email);
  await submitPassword(page, officer.username, officer.password);
  await expect(page.getByRole('heading', { name: 'Enter your security code' })).toBeVisible();
  await expect(page.getByText(`${officer.username[0]}•••@example.test`)).toBeVisible();
  const code = codeIn(await mailTo(officer.email, before));
  // A wrong code is refused on the same step, then the right one signs in.
  await page.getByLabel('Security code', { exact: true }).fill(String((Number(code) + 1) % 1_000_000).padStart(6, '0'));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByText('That code is not valid.')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Enter your security code' })).toBeVisible();
  await page.getByLabel('Security code', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL('/');

  await page.goto(`/system/security?q=${username}`);
  const rows = page.getByRole('region', { name: 'Trusted IP addresses' }).getByRole('row').filter({ hasText: username });
  await rows.getByRole('button', { name: 'Delete 127.0.0.1' }).click();
  await expect(rows).toHaveCount(0);

  await page.getByRole('button', { name: 'Enabled' }).click();
  await expect(page.getByRole('button', { name: 'Disabled' })).toHaveAttribute('aria-pressed', 'false');
  await context.close();
  const admin = await adminContext.newPage();
  expect(await twoStepIsOn(admin)).toBe(false);
  await admin.close();
});

test('axe finds nothing serious or critical at step 2', async ({ browser }) => {
  const admin = await adminContext.newPage();
  await open(admin, '/system/security');
  await admin.getByRole('button', { name: 'Disabled' }).click();
  await expect(admin.getByRole('button', { name: 'Enabled' })).toBeVisible();
  const person = await personHolding(null);
  const page = await (await browser.newContext()).newPage();
  await open(page, '/login');
  await submitPassword(page, person.username, person.password);
  await expect(page.getByRole('heading', { name: 'Enter your security code' })).toBeVisible();
  await expectNoSeriousAxeFindings(page, 'sign in, step 2');
  await admin.getByRole('button', { name: 'Enabled' }).click();
  await expect(admin.getByRole('button', { name: 'Disabled' })).toBeVisible();
  await admin.close();
});

test('a step 2 the server drew, after a password sent before the app loaded, comes alive', async ({ browser }) => {
  const admin = await adminContext.newPage();
  expect(await call(admin, 'set_two_step', { enabled: 'true' })).toEqual({ Saved: { enabled: true } });
  const person = await personHolding(null);
  // The WASM arrives late (run 0): the browser posts the password form itself and the
  // server answers with step 2 drawn.
  const page = await freshBrowser(browser, 0);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await goEarly(page, '/login');
  const before = await mailCount(person.email);
  await submitPassword(page, person.username, person.password);
  await expect(page.getByRole('heading', { name: 'Enter your security code' })).toBeVisible();
  // The app takes the page over (step 2's own code was fetched first), and the code is
  // then sent by the app, not posted by the browser.
  await expect(page.locator('html[data-hydrated]')).toHaveCount(1, { timeout: 15_000 });
  const code = codeIn(await mailTo(person.email, before));
  const sent = page.waitForRequest((request) => request.url().endsWith('/api/verify_code'));
  await page.getByLabel('Security code', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
  expect((await sent).headers()['accept'] ?? '').not.toContain('text/html');
  await expect(page).toHaveURL('/');
  expect(errors).toEqual([]);
  await page.context().close();
  expect(await call(admin, 'set_two_step', { enabled: 'false' })).toHaveProperty('Saved');
  await admin.close();
});
