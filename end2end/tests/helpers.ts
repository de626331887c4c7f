import { Browser, expect, Page, test } from '@playwright/test';

export const PERSONNEL = '/maintenance/organisation/personnel';

/** Opens a page and waits until the WASM has taken over, so clicks run the app's code.
 * A slow machine gets 15 s; a page that never takes over fails with the page's errors. */
export async function open(page: Page, path: string) {
  const errors: string[] = [];
  const onError = (error: Error) => errors.push(error.message);
  page.on('pageerror', onError);
  try {
    await page.goto(path);
    await expect(page.locator('html[data-hydrated]')).toHaveCount(1, { timeout: 15_000 });
  } catch (failure) {
    throw new Error(`${path} was not taken over by the app; page errors: [${errors.join(' | ')}]\n${failure}`);
  } finally {
    page.off('pageerror', onError);
  }
}

/** Fills in step 1 of signing in on the current page and presses Sign in. */
export async function submitPassword(page: Page, username: string, password: string) {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** A fresh browser signed in as `username`. */
export async function signedIn(browser: Browser, username: string, password: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await open(page, '/login');
  await submitPassword(page, username, password);
  await expect(page).toHaveURL('/');
  await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
  return page;
}

/** Adds a person through the editor and waits for the list to show them. */
export async function addPerson(page: Page, p: { name: string; username: string; email?: string; mobile?: string; password: string }) {
  await open(page, PERSONNEL);
  await page.getByRole('link', { name: 'Add person' }).click();
  await expect(page.getByRole('heading', { name: 'Add person' })).toBeVisible();
  await page.getByLabel('Name', { exact: true }).fill(p.name);
  await page.getByLabel('Username').fill(p.username);
  if (p.email) await page.getByLabel('Email').fill(p.email);
  if (p.mobile) await page.getByLabel('Mobile').fill(p.mobile);
  await page.getByLabel('Password').fill(p.password);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await expect(page.getByRole('link', { name: p.name, exact: true })).toBeVisible();
}


/** A new person's details, under a username no earlier run has used. */
export function newPerson(prefix: string) {
  const username = unique(prefix);
  return { name: `${prefix} ${username}`, username, email: `${username}@example.test`, password: `${prefix} password 1` };
}

/** A name no earlier run has used. */
export function unique(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
}

/** Calls a server function the way the app does (form body, JSON answer) in `page`'s
 * browser context, with its cookies; fails the test on any status but 200. */
export async function call(page: Page, fn: string, form: Record<string, string>): Promise<any> {
  const origin = new URL(test.info().project.use.baseURL!).origin;
  const response = await page.request.post(`/api/${fn}`, { form, headers: { Origin: origin, Accept: 'application/json' } });
  expect(response.status(), `${fn}: ${await response.text()}`).toBe(200);
  return response.json();
}

/** Adds a person through the server function (the editor is tested elsewhere). */
export async function addPersonQuickly(admin: Page, p: { name: string; username: string; email?: string; password: string }): Promise<number> {
  const outcome = await call(admin, 'save_person', {
    id: '', name: p.name, username: p.username, email: p.email ?? '', phone: '', mobile: '', password: p.password, active: 'on',
  });
  expect(outcome, `saving ${p.username}`).toHaveProperty('Saved');
  return outcome.Saved.id;
}
