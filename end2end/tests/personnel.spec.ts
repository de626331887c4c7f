import { expect, test } from '@playwright/test';
import { ADMIN_PASSWORD } from '../playwright.config';
import { addPerson, open, PERSONNEL, signedIn, submitPassword } from './helpers';
import { mailCount, mailTo } from './mail';

function unique(prefix: string) {
  return `${prefix}${Date.now().toString(36)}`;
}

test('the admin adds a person, edits them, and the list shows formatted numbers', async ({ browser }) => {
  const admin = await signedIn(browser, 'admin', ADMIN_PASSWORD);
  const username = unique('jdoe');
  await addPerson(admin, { name: `Jane ${username}`, username, email: `${username}@example.com`, mobile: '+32470123456', password: 'jane password 1' });
  const row = admin.getByRole('row').filter({ hasText: username });
  await expect(row).toContainText('+32 470 12 34 56');
  await expect(row).toContainText(`${username}@example.com`);

  await row.getByRole('link', { name: `Jane ${username}` }).click();
  await expect(admin.getByRole('heading', { name: `Edit Jane ${username}` })).toBeVisible();
  await expect(admin.getByLabel('Mobile')).toHaveValue('+32 470 12 34 56');
  // A number outside any real range is refused next to its field, and the editor stays.
  await admin.getByLabel('Phone').fill('+32 2 123 45 67');
  await admin.getByRole('button', { name: 'Save' }).click();
  await expect(admin.getByLabel('Phone')).toHaveAttribute('aria-invalid', 'true');
  await expect(admin.getByRole('status').filter({ hasText: 'Saved.' })).toHaveCount(0);
  await admin.getByLabel('Phone').fill('+3225112233');
  await admin.getByRole('button', { name: 'Save' }).click();
  await expect(admin.getByRole('heading', { name: `Edit Jane ${username}` })).toHaveCount(0);
  await expect(admin.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await expect(admin.getByRole('row').filter({ hasText: username })).toContainText('+32 2 511 22 33');
});

test('an invalid email shows the reason next to the field and saves nothing', async ({ browser }) => {
  const admin = await signedIn(browser, 'admin', ADMIN_PASSWORD);
  const username = unique('bad');
  await open(admin, PERSONNEL);
  await admin.getByRole('link', { name: 'Add person' }).click();
  await admin.getByLabel('Name', { exact: true }).fill('Bad Email');
  await admin.getByLabel('Username').fill(username);
  await admin.getByLabel('Email').fill('jane@');
  await admin.getByLabel('Password').fill('walnut harbour lamp');
  await admin.getByRole('button', { name: 'Save' }).click();
  const email = admin.getByLabel('Email');
  await expect(email).toHaveAttribute('aria-invalid', 'true');
  await expect(email).toHaveAccessibleDescription(/Enter a valid email address, like name@example.com\./);
  await open(admin, `${PERSONNEL}?q=${username}`);
  await expect(admin.getByText('0–0 of 0')).toBeVisible();
});

test('a granted permission shows its page after sign-in and goes when removed', async ({ browser }) => {
  const admin = await signedIn(browser, 'admin', ADMIN_PASSWORD);
  const username = unique('perm');
  await addPerson(admin, { name: `Pat ${username}`, username, password: 'pat password 1' });

  await open(admin, '/system/permissions');
  await admin.getByRole('checkbox', { name: `Permissions for ${username}` }).check();
  await expect(admin.getByRole('row').filter({ hasText: username }).getByRole('status')).toHaveText('Granted.');

  const person = await signedIn(browser, username, 'pat password 1');
  await person.getByText('System', { exact: true }).click();
  await person.getByRole('link', { name: 'Permissions' }).click();
  await expect(person).toHaveURL('/system/permissions');
  await expect(person.getByRole('checkbox', { name: `Permissions for ${username}` })).toBeChecked();

  await admin.getByRole('checkbox', { name: `Permissions for ${username}` }).uncheck();
  await expect(admin.getByRole('row').filter({ hasText: username }).getByRole('status')).toHaveText('Removed.');
  // The very next request of that person is refused.
  await person.reload();
  await expect(person.getByText('You do not have permission to open this page.')).toBeVisible();
  await person.getByText('System', { exact: true }).click();
  await expect(person.getByRole('link', { name: 'Permissions' })).toHaveCount(0);
});

test('the last holder of Permissions cannot lose it, and sees why', async ({ browser }) => {
  const admin = await signedIn(browser, 'admin', ADMIN_PASSWORD);
  await open(admin, '/system/permissions');
  const own = admin.getByRole('checkbox', { name: 'Permissions for admin' });
  // A click, not uncheck(): the refused change puts the tick straight back.
  await own.click();
  const status = admin.getByRole('row').filter({ hasText: 'Administrator' }).getByRole('status');
  await expect(status).toContainText('You cannot remove your own Permissions permission.');
  await expect(own).toBeChecked();
});

test('a deactivated person cannot sign in', async ({ browser }) => {
  const admin = await signedIn(browser, 'admin', ADMIN_PASSWORD);
  const username = unique('gone');
  await addPerson(admin, { name: `Gone ${username}`, username, password: 'gone password 1' });
  const person = await signedIn(browser, username, 'gone password 1');

  await admin.getByRole('link', { name: `Gone ${username}` }).click();
  await admin.getByLabel('Active').uncheck();
  await admin.getByRole('button', { name: 'Save' }).click();
  await expect(admin.getByRole('row').filter({ hasText: username })).toContainText('No');

  // Their open session has ended, and the password no longer works.
  await person.reload();
  await expect(person).toHaveURL(/\/login/);
  await submitPassword(person, username, 'gone password 1');
  await expect(person.getByRole('alert')).toHaveText('Incorrect username or password.');
});

test('My account changes the password with the current one', async ({ browser }) => {
  const admin = await signedIn(browser, 'admin', ADMIN_PASSWORD);
  const username = unique('acct');
  await addPerson(admin, { name: `Acct ${username}`, username, password: 'first password' });
  const person = await signedIn(browser, username, 'first password');
  await open(person, '/account');
  const change = person.getByRole('region', { name: 'Change password' });
  // A common password is refused beside its field, whatever else is right.
  await change.getByLabel('Current password').fill('first password');
  await change.getByLabel('New password').fill('password123');
  await change.getByRole('button', { name: 'Change password' }).click();
  await expect(change.getByLabel('New password')).toHaveAccessibleDescription(/This password is too easy to guess\./);
  await change.getByLabel('Current password').fill('wrong password');
  await change.getByLabel('New password').fill('second password');
  await change.getByRole('button', { name: 'Change password' }).click();
  await expect(change.getByLabel('Current password')).toHaveAccessibleDescription('That is not your current password.');
  await change.getByLabel('Current password').fill('first password');
  await change.getByRole('button', { name: 'Change password' }).click();
  await expect(person.getByText('Your password was changed.')).toBeVisible();
});

test('one\'s own email changes only in My account, with the current password, and both addresses are told', async ({ browser }) => {
  const admin = await signedIn(browser, 'admin', ADMIN_PASSWORD);
  const username = unique('self');
  const first = `${username}@example.com`;
  const second = `${username}.new@example.com`;
  await addPerson(admin, { name: `Self ${username}`, username, email: first, password: 'self password 1' });
  await open(admin, '/system/permissions');
  await admin.getByRole('checkbox', { name: `Personnel for ${username}` }).check();
  await expect(admin.getByRole('row').filter({ hasText: username }).getByRole('status')).toHaveText('Granted.');

  // In Personnel, their own entry shows Email read-only, with the way to My account.
  const person = await signedIn(browser, username, 'self password 1');
  await open(person, PERSONNEL);
  await person.getByRole('main').getByRole('link', { name: `Self ${username}` }).click();
  await expect(person.getByLabel('Email')).toHaveAttribute('readonly', '');
  await expect(person.getByLabel('Password')).toHaveAttribute('readonly', '');
  await expect(person.getByLabel('Email')).toHaveAccessibleDescription(/changed in My account/);
  await person.getByRole('link', { name: 'My account' }).first().click();

  const form = person.getByRole('region', { name: 'Email and mobile' });
  await form.getByLabel('Email').fill(second);
  await form.getByLabel('Current password').fill('not my password');
  await form.getByRole('button', { name: 'Save email and mobile' }).click();
  await expect(form.getByLabel('Current password')).toHaveAccessibleDescription('That is not your current password.');
  const toOld = await mailCount(first);
  await form.getByLabel('Current password').fill('self password 1');
  await form.getByRole('button', { name: 'Save email and mobile' }).click();
  await expect(form.getByRole('status')).toContainText('Saved.');
  expect((await mailTo(first, toOld)).subject).toContain('your email address was changed');
  expect((await mailTo(second, 0)).subject).toContain('your email address was changed');
});

test("a clerk sees an administrator's sign-in details read-only, and why", async ({ browser }) => {
  const admin = await signedIn(browser, 'admin', ADMIN_PASSWORD);
  const clerk = unique('clerk');
  await addPerson(admin, { name: `Clerk ${clerk}`, username: clerk, password: 'clerk password 1' });
  await open(admin, '/system/permissions');
  await admin.getByRole('checkbox', { name: `Personnel for ${clerk}` }).check();
  await expect(admin.getByRole('row').filter({ hasText: clerk }).getByRole('status')).toHaveText('Granted.');

  const page = await signedIn(browser, clerk, 'clerk password 1');
  await open(page, `${PERSONNEL}?q=admin`);
  await page.getByRole('link', { name: 'Administrator', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Edit Administrator' })).toBeVisible();
  const why = "Only someone with all of Administrator's permissions can change their sign-in details.";
  await expect(page.getByText(why)).toBeVisible();
  for (const label of ['Email', 'Mobile', 'Password']) {
    await expect(page.getByLabel(label, { exact: true })).toHaveAttribute('readonly', '');
    await expect(page.getByLabel(label, { exact: true })).toHaveAccessibleDescription(new RegExp(why.replace(/[.']/g, '.')));
  }
  await expect(page.getByLabel('Active')).toBeDisabled();
  await expect(page.getByLabel('Active')).toBeChecked();
  await expect(page.getByLabel('Name', { exact: true })).not.toHaveAttribute('readonly', '');
  // The open fields still save, and the administrator stays active.
  await page.getByLabel('Phone').fill('+3225112233');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: 'Administrator' })).toContainText('Yes');
});
