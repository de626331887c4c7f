import { expect, Page } from '@playwright/test';

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
