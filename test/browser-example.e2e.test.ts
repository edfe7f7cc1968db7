// examples/browser in headless Chromium: the page tunes a tfjs model (WASM back end) with its study in
// IndexedDB and draws the history with the dashboard's chart code; reloaded mid-study, it goes on from
// the trials it had, and the trial the reload cut off is failed as stale, never run twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { buildExamplePage } from '../examples/browser/build.js';
import { hasChromium, launchChromium } from '../src/dashboard/testing/chromium.js';
import { servePages, type PageServer } from '../src/storage/indexeddb/testing/page-server.js';

const TARGET = 8;

describe.skipIf(!hasChromium())('examples/browser', () => {
  let server: PageServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await servePages(await buildExamplePage());
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('tunes in the page, survives a reload mid-study, and draws the history', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // The page reports its study on #status (data-complete, data-pruned, data-fail, data-numbers, data-done).
    const STATUS = "document.getElementById('status')";
    const FINISHED = `Number(${STATUS}.dataset.complete ?? 0) + Number(${STATUS}.dataset.pruned ?? 0)`;
    const finished = () => page.evaluate(FINISHED) as Promise<number>;
    await page.goto(`${server.url}/?trials=${TARGET}`);
    await page.waitForFunction(`${FINISHED} >= 3`, null, { timeout: 120_000, polling: 100 });
    const before = await finished();
    expect(before).toBeGreaterThanOrEqual(3);
    expect(before).toBeLessThan(TARGET);
    await page.reload();
    // Right after the reload the page shows the trials it had, before training anything.
    await page.waitForFunction(`${STATUS}.dataset.numbers !== undefined`);
    expect(await finished()).toBeGreaterThanOrEqual(before);
    await page.waitForFunction(`${STATUS}.dataset.done === 'true'`, null, {
      timeout: 240_000,
      polling: 250,
    });
    const status = (await page.evaluate(`({ ...${STATUS}.dataset, text: ${STATUS}.textContent })`)) as Record<
      string,
      string
    >;
    const numbers = status.numbers!.split(',').map(Number);
    expect(numbers).toEqual(numbers.map((_, i) => i));
    expect(Number(status.complete) + Number(status.pruned)).toBe(TARGET);
    // The trial cut off by the reload: failed as stale (or still running if the study finished first).
    expect(numbers.length - TARGET).toBeLessThanOrEqual(1);
    expect(Number(status.fail)).toBeLessThanOrEqual(1);
    expect(status.text).toMatch(/best 0\.\d{3} — done$/);
    // The dashboard's history chart, drawn with one point per complete trial.
    const points = await page.evaluate("document.getElementById('history').dataset.points");
    expect(Number(points)).toBe(Number(status.complete));
    expect(await page.evaluate("document.querySelectorAll('#history canvas').length")).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.screenshot({ path: '/tmp/h2/browser-example.png' }).catch(() => {});
  }, 400_000);
});
