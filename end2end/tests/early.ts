import { Browser, BrowserContext, expect, Page } from '@playwright/test';

/** Fresh browsers per control: each one's clicks must all take effect. */
export const RUNS = 5;

/**
 * A fresh browser (empty cache) holding `from`'s cookies. On even runs the WASM arrives
 * 1.5 s late, so every click surely lands before the app has loaded; on odd runs it comes
 * as fast as it can, so clicks land wherever they happen to.
 */
export async function freshBrowser(browser: Browser, run: number, from?: BrowserContext): Promise<Page> {
  const context = await browser.newContext({ storageState: from ? await from.storageState() : undefined });
  if (run % 2 === 0) {
    await context.route(/\.wasm$/, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await route.continue();
    });
  }
  return context.newPage();
}

/** Goes to `path` and returns as soon as the answer starts: no wait for the page, let
 * alone the app (Playwright's click waits only until the control is there). */
export async function goEarly(page: Page, path: string) {
  await page.goto(path, { waitUntil: 'commit' });
}

/** The page has not been taken over by the app yet. */
export async function expectNotHydrated(page: Page) {
  await expect(page.locator('html[data-hydrated]')).toHaveCount(0);
}
