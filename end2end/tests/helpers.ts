import { Browser, expect, Page } from '@playwright/test';

export const PERSONNEL = '/maintenance/organisation/personnel';

/** Opens a page and waits until the WASM has taken over, so clicks run the app's code. */
export async function open(page: Page, path: string) {
  await page.goto(path);
  await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
}

/** Fills in step 1 of signing in on the current page and presses Sign in. */
export async function submitPassword(page: Page, username: string, password: string) {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
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
  await page.getByRole('button', { name: 'Add person' }).click();
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

