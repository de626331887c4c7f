import { expect, Page } from '@playwright/test';

// axe-core's own source, evaluated in the page through the DevTools protocol (the page's
// Content-Security-Policy allows no injected script tags).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AXE_SOURCE: string = require('axe-core').source;

/** Runs axe-core on the page as it is and fails on any serious or critical finding. */
export async function expectNoSeriousAxeFindings(page: Page, what: string) {
  await page.evaluate(AXE_SOURCE);
  const violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] = await page.evaluate(
    async () => (await (window as any).axe.run(document, { resultTypes: ['violations'] })).violations,
  );
  const serious = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious, `axe on ${what}`).toEqual([]);
  // axe rates a repeated id as minor, but a label then names a field in another form.
  const ids: string[] = await page.evaluate(() => [...document.querySelectorAll('[id]')].map((e) => e.id));
  expect(ids.filter((id, i) => ids.indexOf(id) !== i), `ids used twice on ${what}`).toEqual([]);
}
