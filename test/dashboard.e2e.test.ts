// The dashboard in a real browser (headless Chromium via playwright-core): every plot draws, the table
// filters, a trial opens, a running study updates without reload, hostile names stay text, and the static
// report works from a file with the network cut. Screenshots go to test-artifacts/dashboard/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../src/dashboard/testing/chromium.js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RandomSampler, createStudy } from '../src/index.js';
import { serveDashboard, writeReport } from '../src/dashboard/index.js';
import type { Dashboard } from '../src/dashboard/index.js';
import {
  HOSTILE_NAME,
  STUDY_CHARTS,
  curveObjective,
  ensureUiBuilt,
  seedStudies,
} from '../src/dashboard/testing/fixtures.js';
import { SqliteStorage } from '../src/storage/sqlite/index.js';

const ARTIFACTS = new URL('../test-artifacts/dashboard/', import.meta.url).pathname;

let dir: string;
let storage: SqliteStorage;
let dashboard: Dashboard;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];
const pageErrors: string[] = [];
const studyUrl = (name: string) => `${dashboard.url}#/study/${encodeURIComponent(name)}`;

/** Pixels a chart's canvas actually painted (not transparent, not the white background). */
async function paintedPixels(p: Page, selector: string): Promise<number> {
  return p.$eval(selector, (el) => {
    let painted = 0;
    for (const canvas of el.querySelectorAll('canvas')) {
      const ctx = canvas.getContext('2d');
      if (!ctx || canvas.width === 0) continue;
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 0; i < data.length; i += 16)
        if (data[i + 3]! > 0 && !(data[i]! > 250 && data[i + 1]! > 250 && data[i + 2]! > 250)) painted++;
    }
    return painted;
  });
}

async function expectChartsDrawn(p: Page, ids: string[]): Promise<void> {
  for (const id of ids) {
    const selector = `[data-chart="${id}"]`;
    await p.waitForSelector(`${selector}[data-points]`, { timeout: 15_000 });
    const points = Number(await p.getAttribute(selector, 'data-points'));
    expect(points, `${id} points`).toBeGreaterThan(0);
    expect(await paintedPixels(p, selector), `${id} painted`).toBeGreaterThan(200);
  }
}

beforeAll(async () => {
  ensureUiBuilt();
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'tunekit-e2e-'));
  storage = new SqliteStorage(join(dir, 'tunekit.db'));
  await seedStudies(storage);
  dashboard = await serveDashboard({
    storage: `sqlite:${join(dir, 'tunekit.db')}`,
    port: 0,
    allowWrites: true,
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
  await storage?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('dashboard in Chromium', () => {
  it('lists the studies, a hostile name as plain text', async () => {
    await page.goto(dashboard.url);
    await page.waitForSelector('#study-list tbody tr');
    const names = await page.$$eval('.study-link', (links) => links.map((a) => a.textContent));
    expect(names).toContain(HOSTILE_NAME);
    expect(names).toContain('curves');
    expect(await page.$$('img')).toHaveLength(0);
    await page.screenshot({ path: `${ARTIFACTS}study-list.png`, fullPage: true });
  });

  it('draws every plot of a study', async () => {
    await page.goto(studyUrl('curves'));
    await expectChartsDrawn(page, [...STUDY_CHARTS, 'interactions']);
    expect(await page.$$('[data-chart="slice"][data-points]')).toHaveLength(4);
    expect(await page.textContent('#advice')).toMatch(/best \d+ of \d+ complete trials/);
    // The smoothing slider redraws the learning curves in the page.
    await page.fill('#smoothing', '0.8');
    expect(await paintedPixels(page, '[data-chart="intermediate"]')).toBeGreaterThan(200);
    await page.screenshot({ path: `${ARTIFACTS}study.png`, fullPage: true });
  });

  it('filters and sorts the trials table', async () => {
    await page.check('input[data-state="pruned"]');
    await expect
      .poll(() => page.textContent('#table-info'), { timeout: 10_000 })
      .toMatch(/^(?!40 )\d+ of 40 trials match$/);
    const states = await page.$$eval('#trials-table tbody .badge', (els) => els.map((e) => e.textContent));
    expect(states.length).toBeGreaterThan(0);
    expect(new Set(states)).toEqual(new Set(['pruned']));
    await page.uncheck('input[data-state="pruned"]');
    await page.check('input[data-state="complete"]');
    await page.selectOption('#range-field', 'param:lr');
    await page.fill('#range-min', '0.001');
    await page.fill('#range-max', '0.1');
    await page.click('#range-add');
    await page.waitForSelector('.chip.range');
    await page.click('th[data-sort="value"]');
    await page.waitForSelector('th[data-sort="value"]:has-text("▲")');
    const rows = await page.$$eval('#trials-table tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    );
    expect(rows.length).toBeGreaterThan(0);
    const lr = rows.map((r) => Number(r[3]));
    expect(lr.every((v) => v >= 0.001 && v <= 0.1)).toBe(true);
    const values = rows.map((r) => Number(r[2]));
    expect(values).toEqual([...values].sort((a, b) => a - b));
    await page.screenshot({
      path: `${ARTIFACTS}trials-filtered.png`,
      fullPage: false,
      clip: { x: 0, y: 0, width: 1400, height: 900 },
    });
  });

  it('opens a trial: params, values, learning curve, attributes', async () => {
    await page.click('#trials-table tbody tr:first-child a');
    await page.waitForSelector('#trial-params');
    expect(await page.textContent('#trial-state')).toBe('complete');
    expect(await page.textContent('#trial-params')).toContain('optimizer');
    expect(await page.textContent('body')).toContain('fold_scores');
    await expectChartsDrawn(page, ['trial-curve']);
    await page.screenshot({ path: `${ARTIFACTS}trial.png`, fullPage: true });
    const failed = (await (await fetch(`${dashboard.url}api/studies/curves/trials?state=fail`)).json()) as {
      rows: { number: number }[];
    };
    await page.goto(`${dashboard.url}#/study/curves/trial/${failed.rows[0].number}`);
    await page.waitForSelector('#fail-reason');
    expect(await page.textContent('#fail-reason')).toMatch(/diverged/);
  });

  it('updates a running study without reloading', async () => {
    const study = await createStudy({
      studyName: 'live',
      storage,
      sampler: new RandomSampler({ seed: 5 }),
      worker: 'live-worker:1',
      reproducible: { lag: 1 }, // one worker: nothing to wait for, but the header shows the mode
    });
    // curveObjective throws for a diverging configuration: those trials fail and the study goes on.
    await study.optimize((t) => curveObjective(t, 6), { nTrials: 3, catch: true });
    await page.goto(studyUrl('live'));
    await page.waitForSelector('[data-chart="history"][data-points]');
    expect(await page.textContent('.study-header [data-reproducible]')).toBe('reproducible · lag 1');
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));
    const before = Number(await page.getAttribute('[data-chart="history"]', 'data-points'));
    await study.optimize(
      async (t) => {
        await new Promise((r) => setTimeout(r, 100));
        return curveObjective(t, 6);
      },
      { nTrials: 8, catch: true },
    );
    const total = (await storage.getTrials(study.id, { states: ['complete'] })).length;
    await expect
      .poll(() => page.textContent('[data-count="complete"]'), { timeout: 15_000, interval: 200 })
      .toBe(`${total} complete`);
    expect(Number(await page.getAttribute('[data-chart="history"]', 'data-points'))).toBeGreaterThan(before);
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(42);
    await page.screenshot({ path: `${ARTIFACTS}live.png`, clip: { x: 0, y: 0, width: 1400, height: 900 } });
  });

  it('draws the Pareto front of a multi-objective study', async () => {
    await page.goto(studyUrl('two objectives'));
    await expectChartsDrawn(page, ['pareto', 'history', 'parallel']);
    await page.screenshot({ path: `${ARTIFACTS}pareto.png`, fullPage: true });
  });

  it('shows hostile names, parameters, attributes and errors as text', async () => {
    await page.goto(studyUrl(HOSTILE_NAME));
    await page.waitForSelector('[data-chart="history"][data-points]');
    expect(await page.textContent('#study-name')).toBe(HOSTILE_NAME);
    await page.waitForSelector('#trials-table tbody tr');
    expect(await page.textContent('#trials-table thead')).toContain('<b>bold</b>');
    await page.goto(`${dashboard.url}#/study/${encodeURIComponent(HOSTILE_NAME)}/trial/0`);
    await page.waitForSelector('#trial-params');
    expect(await page.textContent('body')).toContain('<img src=y onerror=alert(3)>');
    const failed = (
      await storage.getTrials((await storage.getStudy(HOSTILE_NAME)).id, { states: ['fail'] })
    )[0]!;
    await page.goto(`${dashboard.url}#/study/${encodeURIComponent(HOSTILE_NAME)}/trial/${failed.number}`);
    await page.waitForSelector('#fail-reason');
    expect(await page.textContent('#fail-reason')).toContain('<img src=z onerror=alert(4)>');
    await page.waitForTimeout(300);
    expect(await page.$$('img, b, i, script:not([src])')).toHaveLength(0);
    expect(dialogs).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}hostile.png`, fullPage: true });
  });

  it('opens the static report offline, with every plot', async () => {
    const out = join(dir, 'report.html');
    await writeReport({ storage, study: 'curves', out });
    const offline = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const requests: string[] = [];
    await offline.route('**/*', (route) => {
      if (!route.request().url().startsWith('file:')) requests.push(route.request().url());
      return route.request().url().startsWith('file:') ? route.continue() : route.abort();
    });
    await offline.goto(`file://${out}`);
    await expectChartsDrawn(offline, [...STUDY_CHARTS]);
    await offline.check('input[data-state="pruned"]');
    await expect
      .poll(() => offline.textContent('#table-info'), { timeout: 10_000 })
      .toMatch(/^(?!40 )\d+ of 40 trials match$/);
    expect(
      new Set(await offline.$$eval('#trials-table tbody .badge', (els) => els.map((e) => e.textContent))),
    ).toEqual(new Set(['pruned']));
    await offline.screenshot({ path: `${ARTIFACTS}report.png`, fullPage: true });
    expect(requests).toEqual([]);
    await offline.close();
  });

  it('raised no error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
