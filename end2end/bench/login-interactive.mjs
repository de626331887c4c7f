// `/login` from navigation start until the app has hydrated it (html[data-hydrated]):
// the moment its fields and Sign in button run the app's code. Used by `make bench`
// (server/benches/load.rs), which passes the server's address and the number of runs.
// Prints {"cold": [ms...], "warm": [ms...]}: cold in a new browser context each time
// (empty cache), warm on a second visit in the same context.
import { chromium } from '@playwright/test';

const [base, runs = '20'] = process.argv.slice(2);
if (!base) {
  console.error('usage: node bench/login-interactive.mjs http://127.0.0.1:PORT [runs]');
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});

/** Notes the moment the app marks the page hydrated, before any page script runs. */
// Watches the document itself, subtree included: <html> may not be parsed yet.
function watchHydration() {
  new MutationObserver((_, observer) => {
    if (document.documentElement?.hasAttribute('data-hydrated')) {
      window.__hydratedAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });
}

/** Milliseconds from the navigation's start (performance.timeOrigin) to hydration. */
async function visit(page) {
  await page.goto(`${base}/login`, { waitUntil: 'commit' });
  await page.waitForSelector('html[data-hydrated]', { state: 'attached', timeout: 30_000 });
  return page.evaluate(() => window.__hydratedAt);
}

async function newPage() {
  const context = await browser.newContext();
  await context.addInitScript(watchHydration);
  return [context, await context.newPage()];
}

const cold = [];
const warm = [];
// One visit first, so Chromium's own start-up is not in the first figure.
await visit((await newPage())[1]);
for (let i = 0; i < Number(runs); i++) {
  const [context, page] = await newPage();
  cold.push(await visit(page));
  warm.push(await visit(page));
  await context.close();
}
await browser.close();
console.log(JSON.stringify({ cold, warm }));
