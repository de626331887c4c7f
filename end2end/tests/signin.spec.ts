import { expect, test } from '@playwright/test';
import { ADMIN_PASSWORD } from '../playwright.config';
import { open, submitPassword } from './helpers';

test('the bootstrapped admin signs in and sees the shell', async ({ page }) => {
  await open(page, '/login');
  await submitPassword(page, 'admin', ADMIN_PASSWORD);
  await expect(page).toHaveURL('/');
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByText('Maintenance', { exact: true })).toBeVisible();
  await expect(nav.getByText('System', { exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Administrator' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
});

test('a wrong password and an unknown user show the same message', async ({ page }) => {
  await open(page, '/login');
  await submitPassword(page, 'admin', 'not the password');
  const error = page.getByRole('alert');
  await expect(error).toHaveText('Incorrect username or password.');
  await expect(page.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');

  await open(page, '/login');
  await submitPassword(page, 'nobody-by-this-name', ADMIN_PASSWORD);
  await expect(error).toHaveText('Incorrect username or password.');
  await expect(page).toHaveURL(/\/login/);
});

test('after signing out, the back button shows the sign-in page', async ({ page }) => {
  await open(page, '/login');
  await submitPassword(page, 'admin', ADMIN_PASSWORD);
  await expect(page).toHaveURL('/');
  await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goBack();
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByLabel('Username')).toBeVisible();
  await expect(page.getByText('Welcome')).toHaveCount(0);
});

test('a deep link while signed out goes to sign-in and back after it', async ({ page }) => {
  await page.goto('/account');
  await expect(page).toHaveURL('/login?next=%2Faccount');
  await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
  await submitPassword(page, 'admin', ADMIN_PASSWORD);
  await expect(page).toHaveURL('/account');
  await expect(page.getByRole('heading', { name: 'My account' })).toBeVisible();
  // The details come from the server: the username, and no error in their place.
  await expect(page.getByRole('definition').filter({ hasText: /^admin$/ })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('signing in works from the keyboard alone', async ({ page }) => {
  await open(page, '/login');
  await page.getByLabel('Username').focus();
  await page.keyboard.type('admin');
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Password')).toBeFocused();
  await page.keyboard.type(ADMIN_PASSWORD);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL('/');
});

test('the sign-in page fits a phone screen', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await open(page, '/login');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeInViewport();
});
