// English, Dutch and French (issue 29) on the two-step servers, directly and behind the
// proxy: a Dutch browser gets the sign-in page in Dutch from the server's first byte, and
// signs in with a Dutch code mail; French chosen from the Language menu stays French after
// signing out and on the next visit; a person whose saved language is French gets French
// mail whatever the browser asks for; the menu works with JavaScript off; axe finds
// nothing serious in any language, and no French page scrolls sideways at 390 px.
//
// Turns two-step authentication on for itself and leaves it off, as the files after it
// expect.
import { Browser, BrowserContext, expect, Page, test } from '@playwright/test';
import { ADMIN_PASSWORD } from '../playwright.config';
import { expectNoSeriousAxeFindings } from './axe';
import { addPersonQuickly, call, newPerson, open, signedIn } from './helpers';
import { codeIn, mailCount, mailTo } from './mail';

test.describe.configure({ mode: 'serial' });

let adminContext: BrowserContext;

const PIETER = newPerson('pieter');
const CLAIRE = newPerson('claire');
const MARIE = newPerson('marie');
const JAN = newPerson('jan');

test.beforeAll(async ({ browser }) => {
  adminContext = (await signedIn(browser, 'admin', ADMIN_PASSWORD)).context();
  const admin = await adminContext.newPage();
  for (const someone of [PIETER, CLAIRE, MARIE, JAN]) await addPersonQuickly(admin, someone);
  expect(await call(admin, 'set_two_step', { enabled: 'true' })).toEqual({ Saved: { enabled: true } });
  await admin.close();
});

test.afterAll(async () => {
  const admin = await adminContext.newPage();
  expect(await call(admin, 'set_two_step', { enabled: 'false' })).toHaveProperty('Saved');
  await adminContext.close();
});

/** A browser whose language is `locale` (it sends it as `Accept-Language`). */
async function browserIn(browser: Browser, locale: string): Promise<Page> {
  return (await browser.newContext({ locale })).newPage();
}

/** Step 1 in the page's language, then the code from the mail; returns that mail. */
async function signInWithMailedCode(
  page: Page,
  who: { username: string; email: string; password: string },
  words: { username: string; password: string; signIn: string; code: string; verify: string },
) {
  const before = await mailCount(who.email);
  await page.getByLabel(words.username).fill(who.username);
  await page.getByLabel(words.password, { exact: true }).fill(who.password);
  await page.getByRole('button', { name: words.signIn, exact: true }).click();
  const mail = await mailTo(who.email, before);
  await page.getByLabel(words.code, { exact: true }).fill(codeIn(mail));
  await page.getByRole('button', { name: words.verify }).click();
  await expect(page).toHaveURL('/');
  return mail;
}

const DUTCH = { username: 'Gebruikersnaam', password: 'Wachtwoord', signIn: 'Aanmelden', code: 'Beveiligingscode', verify: 'Bevestigen' };
const FRENCH = {
  username: "Nom d'utilisateur",
  password: 'Mot de passe',
  signIn: 'Se connecter',
  code: 'Code de sécurité',
  verify: 'Vérifier',
};

test('a Dutch browser gets Dutch from the first byte, and a Dutch code mail', async ({ browser, request }) => {
  // The server's own HTML, before any script: Dutch throughout, and says so.
  const raw = await (await request.get('/login', { headers: { 'Accept-Language': 'nl-BE,nl;q=0.9,en;q=0.5' } })).text();
  expect(raw).toMatch(/<html lang="nl"/);
  for (const word of ['Aanmelden', 'Gebruikersnaam', 'Wachtwoord', 'Aanmelden met een toegangssleutel']) {
    expect(raw, word).toContain(word);
  }
  expect(raw).not.toContain('>Username<');

  const page = await browserIn(browser, 'nl-BE');
  await open(page, '/login');
  await expect(page.getByRole('heading', { name: 'Aanmelden' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Nederlands' })).toHaveAttribute('aria-pressed', 'true');
  await expectNoSeriousAxeFindings(page, 'the Dutch sign-in page');

  const before = await mailCount(PIETER.email);
  await page.getByLabel('Gebruikersnaam').fill(PIETER.username);
  await page.getByLabel('Wachtwoord', { exact: true }).fill(PIETER.password);
  await page.getByRole('button', { name: 'Aanmelden', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Geef uw beveiligingscode in' })).toBeVisible();
  await expect(page.getByText('gedurende 10 minuten')).toBeVisible();
  await expect(page.getByLabel('Dit IP-adres vertrouwen')).not.toBeChecked();
  await expectNoSeriousAxeFindings(page, 'the Dutch code step');
  // A wrong code is refused in Dutch.
  await page.getByLabel('Beveiligingscode', { exact: true }).fill('000000');
  await page.getByRole('button', { name: 'Bevestigen' }).click();
  await expect(page.getByText('Die code is niet geldig.')).toBeVisible();

  const mail = await mailTo(PIETER.email, before);
  expect(mail.subject).toBe('Uw aanmeldcode voor Twostep');
  expect(mail.raw).toContain('Beste ');
  expect(mail.raw).toContain('gedurende 10 minuten');
  await page.getByLabel('Beveiligingscode', { exact: true }).fill(codeIn(mail));
  await page.getByRole('button', { name: 'Bevestigen' }).click();
  await expect(page).toHaveURL('/');
  await expect(page.getByRole('heading', { name: /^Welkom, / })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Afmelden' })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('nl');
  await expectNoSeriousAxeFindings(page, 'the Dutch home page');
});

test('French chosen from the menu stays French after signing out and on the next visit', async ({ browser }) => {
  const page = await browserIn(browser, 'en-GB');
  await open(page, '/login');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.getByRole('button', { name: 'Français' }).click();
  await expect(page.getByRole('heading', { name: 'Se connecter' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(page.locator('html[data-hydrated]')).toHaveCount(1, { timeout: 15_000 });
  await expectNoSeriousAxeFindings(page, 'the French sign-in page');

  // The longest words, at phone width: nothing scrolls sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  const mail = await signInWithMailedCode(page, CLAIRE, FRENCH);
  expect(mail.subject).toBe('Votre code de connexion Twostep');
  expect(mail.raw).toContain('Bonjour ');
  await expect(page.getByRole('heading', { name: /^Bienvenue, / })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole('heading', { name: 'Se connecter' })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  // The next visit, in a new tab of the same browser.
  const later = await page.context().newPage();
  await open(later, '/login');
  await expect(later.getByRole('heading', { name: 'Se connecter' })).toBeVisible();
  await expect(later.getByRole('button', { name: 'Français' })).toHaveAttribute('aria-pressed', 'true');
});

test('a person who saved French gets French mail and pages whatever the browser asks for', async ({ browser }) => {
  // Marie saves French in My account from an English browser.
  const english = await browserIn(browser, 'en-GB');
  await open(english, '/login');
  await signInWithMailedCode(english, MARIE, {
    username: 'Username',
    password: 'Password',
    signIn: 'Sign in',
    code: 'Security code',
    verify: 'Verify',
  });
  await open(english, '/account');
  await english.getByRole('combobox', { name: 'Language' }).selectOption('fr');
  await english.getByRole('button', { name: 'Save language' }).click();
  await expect(english.getByRole('combobox', { name: 'Langue' })).toHaveValue('fr');
  await expect(english.locator('html')).toHaveAttribute('lang', 'fr');

  // A Dutch browser that has never seen her: the sign-in page is Dutch, her mail French,
  // and once she is signed in the pages follow her choice.
  const dutch = await browserIn(browser, 'nl-BE');
  await open(dutch, '/login');
  await expect(dutch.getByRole('heading', { name: 'Aanmelden' })).toBeVisible();
  const mail = await signInWithMailedCode(dutch, MARIE, DUTCH);
  expect(mail.subject).toBe('Votre code de connexion Twostep');
  expect(mail.raw).toContain('pendant 10 minutes');
  await expect(dutch.getByRole('heading', { name: /^Bienvenue, / })).toBeVisible();
  await expect(dutch.locator('html')).toHaveAttribute('lang', 'fr');
});

test('a language chosen at step 2 comes back at step 2, and the code already sent still works', async ({ browser }) => {
  const page = await browserIn(browser, 'en-GB');
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await open(page, '/login');
  const before = await mailCount(JAN.email);
  await page.getByLabel('Username').fill(JAN.username);
  await page.getByLabel('Password', { exact: true }).fill(JAN.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Enter your security code' })).toBeVisible();
  const mail = await mailTo(JAN.email, before);

  await page.getByRole('button', { name: 'Nederlands' }).click();
  await expect(page.getByRole('heading', { name: 'Geef uw beveiligingscode in' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'nl');
  // The page takes over as any other does (its buttons work, not only the plain forms).
  await expect(page.locator('html[data-hydrated]')).toHaveCount(1, { timeout: 15_000 });
  // No new code was sent: the one in the first mail is still the one that works.
  expect(await mailCount(JAN.email)).toBe(before + 1);
  await page.getByLabel('Beveiligingscode', { exact: true }).fill(codeIn(mail));
  await page.getByRole('button', { name: 'Bevestigen' }).click();
  await expect(page).toHaveURL('/');
  await expect(page.getByRole('heading', { name: /^Welkom, / })).toBeVisible();
  expect(errors).toEqual([]);
});

test('the Language menu works with JavaScript off', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, locale: 'fr-BE' });
  const page = await context.newPage();
  await page.goto('/login');
  await expect(page.getByRole('heading', { name: 'Se connecter' })).toBeVisible();
  await page.getByRole('button', { name: 'Nederlands' }).click();
  await expect(page.getByRole('heading', { name: 'Aanmelden' })).toBeVisible();
  await expect(page).toHaveURL(/\/login$/);
  await context.close();
});
