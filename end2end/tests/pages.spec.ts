// Every page as office staff meet it: clicks in the first moments count, JavaScript off
// still works, refusals are clean, nothing scrolls sideways on a phone, times are local,
// and axe finds nothing serious.
import { BrowserContext, expect, Page, test } from '@playwright/test';
import { ADMIN_PASSWORD } from '../playwright.config';
import { expectNoSeriousAxeFindings } from './axe';
import { expectNotHydrated, freshBrowser, goEarly, RUNS } from './early';
import { addPersonQuickly, open, PERSONNEL, signedIn, submitPassword, unique } from './helpers';

// Five fresh browsers per control, half of them with the WASM held back: minutes, not seconds.
test.describe.configure({ mode: 'serial', timeout: 120_000 });

let admin: Page;
let adminContext: BrowserContext;
/** A person with no permission at all, and one whose password the tests change. */
const plain = { name: '', username: '', password: 'plain password 1' };

test.beforeAll(async ({ browser }) => {
  admin = await signedIn(browser, 'admin', ADMIN_PASSWORD);
  adminContext = admin.context();
  plain.username = unique('plain');
  plain.name = `Plain ${plain.username}`;
  await addPersonQuickly(admin, { ...plain, email: `${plain.username}@example.test` });
  // More than one page of people (50 a page), each an event for the events list too.
  const batch = unique('zz');
  for (let i = 0; i < 51; i++) {
    await addPersonQuickly(admin, { name: `Zz ${batch} ${String(i).padStart(2, '0')}`, username: `${batch}${i}`, email: `${batch}${i}@example.test`, password: 'batch password 1' });
  }
});

test('Add person, a name, paging and Cancel are links that work before the app has loaded', async ({ browser }) => {
  for (let run = 0; run < RUNS; run++) {
    const page = await freshBrowser(browser, run, adminContext);
    await goEarly(page, PERSONNEL);
    await page.getByRole('link', { name: 'Add person' }).click();
    await expect(page.getByRole('heading', { name: 'Add person' }), `run ${run}: Add person`).toBeVisible();

    await goEarly(page, `${PERSONNEL}?q=${plain.username}`);
    await page.getByRole('link', { name: plain.name }).click();
    await expect(page.getByRole('heading', { name: `Edit ${plain.name}` }), `run ${run}: a name`).toBeVisible();

    await goEarly(page, `${PERSONNEL}?edit=new`);
    await page.getByRole('link', { name: 'Cancel' }).click();
    await expect(page.getByRole('heading', { name: 'Add person' }), `run ${run}: Cancel`).toHaveCount(0);
    await expect(page.getByRole('link', { name: 'Add person' })).toBeVisible();

    await goEarly(page, PERSONNEL);
    await page.getByRole('link', { name: 'Next' }).click();
    await expect(page.getByText(/^51–\d+ of \d+$/), `run ${run}: Next`).toBeVisible();
    await page.context().close();
  }
});

test('Save adds a person before the app has loaded, and a refused save keeps what was typed', async ({ browser }) => {
  for (let run = 0; run < RUNS; run++) {
    const page = await freshBrowser(browser, run, adminContext);
    const username = unique('early');
    await goEarly(page, `${PERSONNEL}?edit=new`);
    await page.getByLabel('Name', { exact: true }).fill(`Early ${username}`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Email').fill('not an address');
    await page.getByLabel('Password').fill('early password 1');
    await page.getByRole('button', { name: 'Save' }).click();
    const email = page.getByLabel('Email');
    await expect(email, `run ${run}: refused next to the field`).toHaveAttribute('aria-invalid', 'true');
    await expect(email).toHaveValue('not an address');
    await expect(page.getByLabel('Username')).toHaveValue(username);

    await email.fill(`${username}@example.test`);
    await page.getByLabel('Password').fill('early password 1');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Saved.' }), `run ${run}: saved`).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Add person' })).toHaveCount(0);
    await page.context().close();
    await open(admin, `${PERSONNEL}?q=${username}`);
    await expect(admin.getByRole('link', { name: `Early ${username}` })).toBeVisible();
  }
});

test('Save trust period and Change password work before the app has loaded', async ({ browser }) => {
  for (let run = 0; run < RUNS; run++) {
    const page = await freshBrowser(browser, run, adminContext);
    await goEarly(page, '/system/security');
    const days = String(20 + run);
    await page.getByLabel('Trust period (days)').fill(days);
    await page.getByRole('button', { name: 'Save trust period' }).click();
    await expect(page.getByText('Saved. Every trusted IP address now expires this many days after it was added.'), `run ${run}`).toBeVisible();
    await expect(page.getByLabel('Trust period (days)')).toHaveValue(days);
    await page.context().close();
  }
  await open(admin, '/system/security');
  await admin.getByLabel('Trust period (days)').fill('30');
  await admin.getByRole('button', { name: 'Save trust period' }).click();
  await expect(admin.getByText('Saved. Every trusted IP address now expires this many days after it was added.')).toBeVisible();

  let person = await signedIn(browser, plain.username, plain.password);
  for (let run = 0; run < RUNS; run++) {
    const page = await freshBrowser(browser, run, person.context());
    const next = `plain password ${run + 2}`;
    await goEarly(page, '/account');
    const change = page.getByRole('region', { name: 'Change password' });
    await change.getByLabel('Current password').fill(plain.password);
    await change.getByLabel('New password').fill(next);
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect(page.getByText('Your password was changed.'), `run ${run}`).toBeVisible();
    plain.password = next;
    await page.context().close();
    // The change ended every other session, the old password with them.
    await person.reload();
    await expect(person).toHaveURL(/\/login/);
    await person.context().close();
    person = await signedIn(browser, plain.username, plain.password);
  }
  await person.context().close();
});

test('permission boxes are disabled and busy until they can save, then save', async ({ browser }) => {
  const username = unique('box');
  await addPersonQuickly(admin, { name: `Box ${username}`, username, password: 'box password 1' });
  for (let run = 0; run < RUNS; run++) {
    const page = await freshBrowser(browser, 0, adminContext);
    await goEarly(page, '/system/permissions');
    const box = page.getByRole('checkbox', { name: `Personnel for ${username}` });
    await expect(box).toBeDisabled();
    await expectNotHydrated(page);
    await expect(page.locator('.table-wrap[aria-busy="true"]')).toHaveCount(1);
    const granted = run % 2 === 0;
    // click() waits until the box is enabled: the tick is never shown and then lost.
    await box.click();
    await expect(page.getByRole('row').filter({ hasText: username }).getByRole('status'), `run ${run}`).toHaveText(granted ? 'Granted.' : 'Removed.');
    await expect(page.locator('.table-wrap[aria-busy="true"]')).toHaveCount(0);
    await page.reload();
    await expect(page.getByRole('checkbox', { name: `Personnel for ${username}` })).toBeChecked({ checked: granted });
    await page.context().close();
  }
});

test('with JavaScript off, a person is added and a wrong password is refused', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/login');
  await submitPassword(page, 'admin', 'not the password');
  await expect(page.getByText('Incorrect username or password.')).toBeVisible();
  await expect(page.getByLabel('Username')).toHaveValue('admin');
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL('/');

  const username = unique('nojs');
  await page.goto(PERSONNEL);
  await page.getByRole('link', { name: 'Add person' }).click();
  await page.getByLabel('Name', { exact: true }).fill(`No Script ${username}`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Email').fill(`${username}@example.test`);
  await page.getByLabel('Password').fill('nojs password 1');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await page.goto(`${PERSONNEL}?q=${username}`);
  await expect(page.getByRole('link', { name: `No Script ${username}` })).toBeVisible();
  await context.close();
});

test('a page refused for lack of permission shows the message once and nothing else', async ({ browser }) => {
  const person = await signedIn(browser, plain.username, plain.password);
  for (const path of [PERSONNEL, `${PERSONNEL}?edit=new`, '/system/permissions', '/system/security']) {
    const response = await person.goto(path);
    expect(response?.status(), path).toBe(403);
    await expect(person.locator('html[data-hydrated]')).toHaveCount(1);
    const main = person.getByRole('main');
    await expect(main.getByText('You do not have permission to open this page.'), path).toHaveCount(1);
    await expect(main.locator('form, input, select, table, section, h2'), path).toHaveCount(0);
  }
});

const PAGES = ['/', '/account', PERSONNEL, `${PERSONNEL}?edit=new`, '/system/permissions', '/system/security'];

test('no page scrolls sideways at 390 px, and tables become stacked rows', async ({ browser }) => {
  const context = await browser.newContext({ storageState: await adminContext.storageState(), viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  for (const path of PAGES) {
    await open(page, path);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    console.log(`page width at 390 px: ${path} ${width}`);
    expect(width, `${path} is ${width} px wide`).toBeLessThanOrEqual(390);
  }
  await open(page, '/system/permissions');
  const row = page.getByRole('row').filter({ hasText: 'admin' }).first();
  // One card per person: the three boxes one under another, each with its name beside it.
  const boxes = await row.getByRole('checkbox').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().top));
  expect(boxes.length).toBe(3);
  expect(boxes[1]).toBeGreaterThan(boxes[0]);
  expect(boxes[2]).toBeGreaterThan(boxes[1]);
  await open(page, '/system/security');
  const when = page.getByRole('table', { name: 'Security events, newest first' }).locator('time').first();
  const box = await when.boundingBox();
  expect(box!.height, 'a date on one line').toBeLessThan(30);
  const signedOut = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  await open(signedOut, '/login');
  expect(await signedOut.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await context.close();
});

test('axe finds nothing serious or critical on any page', async ({ browser }) => {
  const signedOut = await (await browser.newContext()).newPage();
  await open(signedOut, '/login');
  await expectNoSeriousAxeFindings(signedOut, '/login');
  for (const path of [...PAGES, '/no/such/page']) {
    await open(admin, path);
    await expectNoSeriousAxeFindings(admin, path);
  }
  const person = await signedIn(browser, plain.username, plain.password);
  await open(person, '/system/security');
  await expectNoSeriousAxeFindings(person, 'a refused page');
});

test('in Dutch and French every page passes axe and nothing scrolls sideways at 390 px', async ({ browser }) => {
  for (const [locale, lang] of [['nl-BE', 'nl'], ['fr-BE', 'fr']]) {
    // The administrator chose no language: the browser's decides.
    const context = await browser.newContext({ storageState: await adminContext.storageState(), locale });
    const page = await context.newPage();
    for (const path of [...PAGES, '/no/such/page']) {
      await open(page, path);
      await expect(page.locator('html'), path).toHaveAttribute('lang', lang);
      await expectNoSeriousAxeFindings(page, `${path} (${lang})`);
    }
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of PAGES) {
      await open(page, path);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width, `${path} (${lang}) is ${width} px wide`).toBeLessThanOrEqual(390);
    }
    await context.close();
  }
});

test("times show in the reader's zone, with the UTC instant in datetime and title", async ({ browser }) => {
  const context = await browser.newContext({ storageState: await adminContext.storageState(), timezoneId: 'Asia/Kathmandu' });
  const page = await context.newPage();
  // The first page the browser shows tells the server its zone.
  await open(page, '/');
  // (Chromium names it by ICU's older spelling, Asia/Katmandu; both are in the tz database.)
  await expect.poll(async () => (await context.cookies()).find((c) => c.name === 'twostep_tz')?.value).toMatch(/^Asia\/Kath?mandu$/);

  // The server's page is already in Kathmandu time (+05:45), so taking over changes nothing.
  const served = await (await page.request.get('/system/security')).text();
  const first = /<time datetime="([^"]+)"[^>]*>(?:<!--[^>]*-->)*([^<]+)/.exec(served);
  expect(first, served.slice(served.indexOf('<time'), served.indexOf('<time') + 300)).not.toBeNull();
  const [, instant, servedText] = first!;
  const utc = new Date(instant);
  const local = new Date(utc.getTime() + (5 * 60 + 45) * 60_000).toISOString().slice(0, 16).replace('T', ' ');
  expect(servedText).toBe(local);
  await open(page, '/system/security');
  const time = page.locator(`time[datetime="${instant}"]`).first();
  await expect(time).toHaveText(local);
  await expect(time).toHaveAttribute('title', new RegExp(`${utc.toISOString().slice(0, 16).replace('T', ' ')} UTC`));
  await context.close();
});

test('security events: 50 at first, Show more, filtered by kind on the server', async () => {
  await open(admin, '/system/security');
  const events = admin.getByRole('table', { name: 'Security events, newest first' });
  await expect(events.locator('tbody tr')).toHaveCount(50);
  const total = Number(/of (\d+) events/.exec(await admin.getByText(/of \d+ events, newest first/).innerText())![1]);
  expect(total).toBeGreaterThan(50);
  await admin.getByRole('link', { name: 'Show more' }).click();
  await expect(events.locator('tbody tr')).toHaveCount(Math.min(100, total));
  await expect(admin).toHaveURL(/shown=100/);

  await admin.getByLabel('Kind').selectOption('person_created');
  await admin.getByRole('button', { name: 'Show' }).nth(1).click();
  await expect(admin).toHaveURL(/kind=person_created/);
  await expect(events.locator('tbody tr').first()).toContainText('person created');
  const kinds = await events.locator('tbody tr td:nth-child(2)').allInnerTexts();
  expect(new Set(kinds)).toEqual(new Set(['person created']));
});
