// Where the dashboard draws things, measured in headless Chromium: a known trial's point against its axis
// label (ECharts' own layout and rendered text), axis lines at the plot's edge, parallel lines only through
// parameters a trial has, a contour that is a surface with iso-lines, one importance answer, progressive
// drawing, and state kept in the address. Screenshots go to test-artifacts/dashboard/.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RandomSampler, createStudy, importance } from '../src/index.js';
import type { Trial } from '../src/index.js';
import { serveDashboard } from '../src/dashboard/index.js';
import type { Dashboard } from '../src/dashboard/index.js';
import { launchChromium } from '../src/dashboard/testing/chromium.js';
import { ensureUiBuilt } from '../src/dashboard/testing/fixtures.js';
import { SqliteStorage } from '../src/storage/sqlite/index.js';

const ARTIFACTS = new URL('../test-artifacts/dashboard/', import.meta.url).pathname;

let dir: string;
let storage: SqliteStorage;
let dashboard: Dashboard;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const studyUrl = (name: string, query = '') =>
  `${dashboard.url}#/study/${encodeURIComponent(name)}${query ? `?${query}` : ''}`;

/** Objective spanning 0, three optimizers of which only one trial uses momentum. */
function space(trial: Trial): number {
  const lr = trial.suggestFloat('lr', 1e-4, 1, { log: true });
  const optimizer = trial.suggestCategorical('optimizer', ['sgd', 'momentum', 'rmsprop']);
  return Math.log10(lr) + 2 + (optimizer === 'sgd' ? 0.5 : 0);
}

/** A conditional space: mlp trials have hidden_units, svm trials svm_C and svm_kernel. */
function conditional(trial: Trial): number {
  const model = trial.suggestCategorical('model', ['mlp', 'svm']);
  if (model === 'mlp') {
    const units = trial.suggestInt('hidden_units', 8, 128);
    return 1 / units;
  }
  const c = trial.suggestFloat('svm_C', 0.01, 100, { log: true });
  const kernel = trial.suggestCategorical('svm_kernel', ['linear', 'rbf']);
  return Math.abs(Math.log10(c)) / 4 + (kernel === 'linear' ? 0.2 : 0);
}

interface Drawn {
  /** Rendered text elements: their string and the centre of their box, in chart pixels. */
  texts: { text: string; x: number; y: number }[];
  /** Horizontal and vertical line elements (axis lines among them). */
  lines: { x1: number; y1: number; x2: number; y2: number; stroke: string }[];
  grid: { x: number; y: number; width: number; height: number } | null;
}

/** What a chart's renderer drew, read from its display list (canvas has no DOM to query). */
async function drawn(p: Page, selector: string): Promise<Drawn> {
  return p.$eval(selector, (el) => {
    type Rect = { x: number; y: number; width: number; height: number; applyTransform(m: unknown): void };
    type Element = {
      type: string;
      style: { text?: string; stroke?: string };
      shape?: { x1: number; y1: number; x2: number; y2: number };
      transform?: unknown;
      getBoundingRect(): Rect & { clone(): Rect };
    };
    const chart = (el as unknown as { chart: { getZr(): unknown; getModel(): unknown } }).chart;
    const zr = chart.getZr() as { storage: { getDisplayList(update: boolean): Element[] } };
    const list = zr.storage.getDisplayList(true);
    const texts = list
      .filter((e) => (e.type === 'text' || e.type === 'tspan') && typeof e.style.text === 'string')
      .map((e) => {
        const r = e.getBoundingRect().clone();
        if (e.transform) r.applyTransform(e.transform);
        return { text: e.style.text as string, x: r.x + r.width / 2, y: r.y + r.height / 2 };
      });
    const lines = list
      .filter((e) => e.type === 'line' && e.shape)
      .map((e) => {
        const s = e.shape!;
        const m = (e.transform ?? [1, 0, 0, 1, 0, 0]) as number[];
        const t = (x: number, y: number) => [m[0]! * x + m[2]! * y + m[4]!, m[1]! * x + m[3]! * y + m[5]!];
        const [x1, y1] = t(s.x1, s.y1);
        const [x2, y2] = t(s.x2, s.y2);
        return { x1: x1!, y1: y1!, x2: x2!, y2: y2!, stroke: String(e.style.stroke) };
      });
    const model = chart.getModel() as {
      getComponent(t: string, i: number): { coordinateSystem?: { getRect(): Rect } } | undefined;
    };
    const rect = model.getComponent('grid', 0)?.coordinateSystem?.getRect();
    return {
      texts,
      lines,
      grid: rect ? { x: rect.x, y: rect.y, width: rect.width, height: rect.height } : null,
    };
  });
}

/** Pixel positions of a series' drawn points (ECharts' own layout of each data item). */
async function pointPixels(p: Page, selector: string, seriesType: string): Promise<number[][]> {
  return p.$eval(
    selector,
    (el, type) => {
      const chart = (el as unknown as { chart: { getModel(): unknown } }).chart;
      const model = chart.getModel() as {
        getSeries(): {
          subType: string;
          getData(): { count(): number; getItemLayout(i: number): number[] };
        }[];
      };
      const series = model.getSeries().find((s) => s.subType === type);
      if (!series) return [];
      const data = series.getData();
      return Array.from({ length: data.count() }, (_, i) => [...data.getItemLayout(i)]);
    },
    seriesType,
  );
}

/** Dark (axis) lines spanning the grid lie on its edges: none runs through a zero or a first category. */
function expectAxisLinesAtEdges(d: Drawn): void {
  const dark = (stroke: string) =>
    /^#[0-9a-f]{6}$/i.test(stroke) &&
    [1, 3, 5].reduce((sum, i) => sum + parseInt(stroke.slice(i, i + 2), 16), 0) < 3 * 0x90;
  const g = d.grid!;
  const axisLines = d.lines.filter((l) => dark(l.stroke));
  const horizontal = axisLines.filter(
    (l) => Math.abs(l.y1 - l.y2) < 0.5 && Math.abs(l.x2 - l.x1) > g.width * 0.9,
  );
  const vertical = axisLines.filter(
    (l) => Math.abs(l.x1 - l.x2) < 0.5 && Math.abs(l.y2 - l.y1) > g.height * 0.9,
  );
  expect(horizontal.length).toBeGreaterThan(0);
  for (const l of horizontal) expect(Math.abs(l.y1 - (g.y + g.height))).toBeLessThan(1.5);
  for (const l of vertical) expect(Math.abs(l.x1 - g.x)).toBeLessThan(1.5);
}

async function waitDrawn(p: Page, selector: string): Promise<void> {
  await p.waitForSelector(`${selector}[data-points]`, { timeout: 20_000 });
}

beforeAll(async () => {
  ensureUiBuilt();
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'tunekit-geometry-'));
  storage = new SqliteStorage(join(dir, 'tunekit.db'));
  const geo = await createStudy({ studyName: 'geometry', storage, sampler: new RandomSampler({ seed: 2 }) });
  // Known points: one momentum trial; the others sgd or rmsprop.
  await geo.enqueueTrial({ lr: 0.01, optimizer: 'momentum' });
  for (let i = 0; i < 14; i++)
    await geo.enqueueTrial({
      lr: Math.min(1, Math.max(1e-4, Number((10 ** (-4 + (4 * i) / 13)).toPrecision(6)))),
      optimizer: i % 2 ? 'sgd' : 'rmsprop',
    });
  await geo.optimize(space, { nTrials: 15 });
  const cond = await createStudy({
    studyName: 'conditional',
    storage,
    sampler: new RandomSampler({ seed: 4 }),
  });
  await cond.optimize(conditional, { nTrials: 40 });
  const smooth = await createStudy({ studyName: 'smooth', storage, sampler: new RandomSampler({ seed: 9 }) });
  await smooth.optimize(
    (t) => (t.suggestFloat('a', -2, 2) - 0.5) ** 2 + (t.suggestFloat('b', -2, 2) + 0.5) ** 2,
    { nTrials: 80 },
  );
  const multi = await createStudy({
    studyName: 'two objectives',
    storage,
    directions: ['minimize', 'minimize'],
    sampler: new RandomSampler({ seed: 3 }),
  });
  await multi.optimize(
    (t) => {
      const x = t.suggestFloat('x', 0, 1);
      return [x, (1 - x) ** 2 + t.suggestFloat('y', 0, 1)];
    },
    { nTrials: 30 },
  );
  dashboard = await serveDashboard({ storage: `sqlite:${join(dir, 'tunekit.db')}`, port: 0 });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
  await storage?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('plot geometry in Chromium', () => {
  it('draws a categorical slice point at its own label, axis lines at the edges', async () => {
    await page.goto(studyUrl('geometry'));
    const slice = '[data-chart="slice"][data-param="optimizer"]';
    await waitDrawn(page, slice);
    const d = await drawn(page, slice);
    const points = await pointPixels(page, slice, 'scatter');
    const momentum = (await (await fetch(`${dashboard.url}api/studies/geometry/plots/slice`)).json()) as {
      plots: { axis: { name: string; choices: string[] }; x: number[]; numbers: number[] }[];
    };
    const plot = momentum.plots.find((p) => p.axis.name === 'optimizer')!;
    const k = plot.numbers.indexOf(0);
    expect(plot.axis.choices[plot.x[k]!]).toBe('momentum');
    const label = d.texts.find((t) => t.text === 'momentum')!;
    const band = d.grid!.width / 3;
    // On its label, not half a band beside it.
    expect(Math.abs(points[k]![0]! - label.x)).toBeLessThan(band * 0.1);
    for (const choice of ['sgd', 'rmsprop']) expect(d.texts.some((t) => t.text === choice)).toBe(true);
    // The objective spans 0; the x axis line must sit at the bottom edge, the y axis line at the left edge.
    expectAxisLinesAtEdges(d);
    // The same in the history and the EDF, whose values span 0 too.
    for (const id of ['history', 'edf']) {
      await waitDrawn(page, `[data-chart="${id}"]`);
      expectAxisLinesAtEdges(await drawn(page, `[data-chart="${id}"]`));
    }
  });

  it('labels every contour band at its centre, with a trial of that choice on it', async () => {
    await page.selectOption('#contour-x', 'optimizer');
    await page.selectOption('#contour-y', 'lr');
    const contour = '[data-chart="contour"]';
    await expect
      .poll(async () => (await drawn(page, contour)).texts.some((t) => t.text === 'rmsprop'))
      .toBe(true);
    const d = await drawn(page, contour);
    const points = await pointPixels(page, contour, 'scatter');
    const answer = (await (
      await fetch(`${dashboard.url}api/studies/geometry/plots/contour?x=optimizer&y=lr`)
    ).json()) as { x: { axis: { choices: string[] } }; points: { x: number[]; numbers: number[] } };
    const band = d.grid!.width / answer.x.axis.choices.length;
    for (const [i, choice] of answer.x.axis.choices.entries()) {
      const label = d.texts.find((t) => t.text === choice);
      expect(label, choice).toBeDefined();
      // The band's centre: the label is there, and so is every trial with that choice.
      expect(Math.abs(label!.x - (d.grid!.x + band * (i + 0.5)))).toBeLessThan(band * 0.1);
      answer.points.x.forEach((x, k) => {
        if (x === i) expect(Math.abs(points[k]![0]! - label!.x)).toBeLessThan(band * 0.1);
      });
    }
    await page.screenshot({ path: `${ARTIFACTS}geometry.png`, fullPage: true });
  });

  it('draws a contour as a smoothed surface with iso-lines, not a grid of best cells', async () => {
    await page.goto(studyUrl('smooth', 'section=contour'));
    const contour = '[data-chart="contour"]';
    await waitDrawn(page, contour);
    const option = await page.$eval(contour, (el) => {
      const o = (
        el as unknown as { chart: { getOption(): { series: { name: string; data: unknown[] }[] } } }
      ).chart.getOption();
      return o.series.map((s) => ({ name: s.name, n: s.data.length }));
    });
    const surface = option.find((s) => s.name === 'surface')!;
    const lines = option.find((s) => s.name === 'iso-lines')!;
    // 40 x 40 nodes, most within reach of a trial (the old grid had at most 80 filled cells here).
    expect(surface.n).toBeGreaterThan(800);
    expect(lines.n).toBeGreaterThan(20);
    // The minimum of (a - 0.5)^2 + (b + 0.5)^2 is near (0.5, -0.5): the lowest node must be near it.
    const answer = (await (
      await fetch(`${dashboard.url}api/studies/smooth/plots/contour?x=a&y=b`)
    ).json()) as {
      x: { nodes: number[] };
      y: { nodes: number[] };
      z: (number | null)[][];
    };
    let best = { v: Infinity, a: 0, b: 0 };
    answer.z.forEach((row, j) =>
      row.forEach((v, i) => {
        if (v !== null && v < best.v) best = { v, a: answer.x.nodes[i]!, b: answer.y.nodes[j]! };
      }),
    );
    expect(Math.abs(best.a - 0.5)).toBeLessThan(0.5);
    expect(Math.abs(best.b + 0.5)).toBeLessThan(0.5);
    await waitDrawn(page, '[data-chart="rank"]');
    await page.screenshot({ path: `${ARTIFACTS}contour.png`, fullPage: true });
  });

  it('draws parallel coordinates only through the parameters a trial has', async () => {
    await page.goto(studyUrl('conditional', 'section=parallel'));
    const parallel = '[data-chart="parallel"]';
    await waitDrawn(page, parallel);
    const branches = await page.$$eval('#parallel-branch option', (os) => os.map((o) => o.textContent));
    expect(branches).toHaveLength(2);
    for (const value of ['0', '1']) {
      await page.selectOption('#parallel-branch', value);
      const shown = await page.$eval(parallel, (el) => {
        const o = (
          el as unknown as {
            chart: { getOption(): { parallelAxis: { name: string }[]; series: { data: unknown[][] }[] } };
          }
        ).chart.getOption();
        return { axes: o.parallelAxis.map((a) => a.name), rows: o.series[0]!.data };
      });
      const isMlp = shown.axes.includes('hidden_units');
      // An mlp line never crosses svm_C or svm_kernel, and no line has a hole drawn as a value.
      expect(shown.axes.includes('svm_C')).toBe(!isMlp);
      expect(shown.axes.includes('svm_kernel')).toBe(!isMlp);
      for (const row of shown.rows) for (const v of row) expect(v === null || v === '-').toBe(false);
    }
    await page.screenshot({ path: `${ARTIFACTS}parallel-conditional.png`, fullPage: true });
  });

  it('shows the library importance, its spread, and the conditional parameters it leaves out', async () => {
    await page.goto(studyUrl('conditional', 'section=importance'));
    await page.waitForSelector('[data-chart="importance"][data-points]', { timeout: 30_000 });
    const note = await page.textContent('#importance');
    expect(note).toMatch(/Not ranked: hidden_units \(set in \d+ of 40 trials/);
    expect(note).toMatch(/Not ranked: svm_C/);
    const answer = (await (
      await fetch(`${dashboard.url}api/studies/conditional/analysis?objective=0`)
    ).json()) as {
      importance: { result: { params: { param: string; importance: number }[] } };
    };
    const trials = await storage.getTrials((await storage.getStudy('conditional')).id);
    const own = importance(trials, { direction: 'minimize' });
    expect(answer.importance.result.params).toEqual(own.params);
    // `tunekit importance` (the built CLI, as a user runs it) gives the same numbers: one study, one answer.
    const { stdout } = await promisify(execFile)(process.execPath, [
      new URL('../dist/cli/main.js', import.meta.url).pathname,
      'importance',
      'conditional',
      '--storage',
      `sqlite:${join(dir, 'tunekit.db')}`,
      '--json',
    ]);
    expect((JSON.parse(stdout) as { importance: { params: unknown } }).importance.params).toEqual(own.params);
  });

  it('draws the history before the other charts arrive, and asks for importance only after them', async () => {
    const fresh = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    await fresh.route('**/plots/timeline*', async (route) => {
      await held;
      await route.continue();
    });
    // Importance fits a forest and holds the server meanwhile: no chart may still be waiting when it is asked.
    let contourDrawnWhenAsked: boolean | null = null;
    await fresh.route('**/analysis?*', async (route) => {
      contourDrawnWhenAsked = (await fresh.$('[data-chart="contour"][data-points]')) !== null;
      await route.continue();
    });
    await fresh.goto(studyUrl('smooth'));
    await waitDrawn(fresh, '[data-chart="history"]');
    expect(await fresh.$('[data-chart="timeline"][data-points]')).toBeNull();
    release();
    await waitDrawn(fresh, '[data-chart="importance"]');
    expect(contourDrawnWhenAsked).toBe(true);
    await fresh.close();
  });

  it('keeps sort, filters and section in the address across reload and Back', async () => {
    await page.goto(studyUrl('smooth'));
    await page.waitForSelector('#trials-table tbody tr');
    const hrefs = await page.$$eval('nav.toc a', (as) =>
      as.filter((a) => !a.hidden).map((a) => a.getAttribute('href')),
    );
    expect(new Set(hrefs).size).toBe(hrefs.length);
    // Single objective: no link to the Pareto front or the hypervolume.
    expect(hrefs.some((h) => h?.includes('pareto'))).toBe(false);
    await page.click('th[data-sort="value"]');
    await page.waitForSelector('th[data-sort="value"]:has-text("▲")');
    await page.check('input[data-state="complete"]');
    await page.selectOption('#range-field', 'param:a');
    await page.fill('#range-min', '1');
    await page.fill('#range-max', '0');
    await page.click('#range-add');
    expect(await page.textContent('#range-error')).toContain('above max');
    await page.fill('#range-min', '0');
    await page.fill('#range-max', '1');
    await page.click('#range-add');
    await page.waitForSelector('.chip.range');
    await page.click('nav.toc a[data-target="trials"]');
    expect(page.url()).toContain('section=trials');
    await page.reload();
    await page.waitForSelector('th[data-sort="value"]:has-text("▲")');
    expect(await page.isChecked('input[data-state="complete"]')).toBe(true);
    expect(await page.textContent('.chip.range')).toContain('0 ≤ a ≤ 1');
    // The section heading is visible below the sticky navigation, not hidden under it.
    await expect
      .poll(() => page.$eval('#trials', (el) => Math.round(el.getBoundingClientRect().top)))
      .toBeGreaterThan(20);
    await page.click('#trials-table tbody tr:first-child a');
    await page.waitForSelector('#trial-params');
    await page.goBack();
    await page.waitForSelector('th[data-sort="value"]:has-text("▲")');
    expect(await page.textContent('.chip.range')).toContain('0 ≤ a ≤ 1');
  });

  it('stops asking about a study that does not exist', async () => {
    let asked = 0;
    page.on('request', (r) => {
      if (r.url().includes('/api/studies/nope')) asked++;
    });
    await page.goto(studyUrl('nope'));
    await page.waitForSelector('#study-error:has-text("nope")');
    await page.waitForTimeout(4000);
    expect(asked).toBe(1);
    expect(await page.$('#study-error a[href="#/"]')).not.toBeNull();
  });

  it('draws the hypervolume history and the Pareto front of a two-objective study', async () => {
    await page.goto(studyUrl('two objectives'));
    await waitDrawn(page, '[data-chart="hypervolume"]');
    await waitDrawn(page, '[data-chart="pareto"]');
    const hv = (await (
      await fetch(`${dashboard.url}api/studies/two%20objectives/plots/hypervolume`)
    ).json()) as {
      values: number[];
    };
    expect(hv.values.every((v, i) => i === 0 || v >= hv.values[i - 1]!)).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}multi-objective.png`, fullPage: true });
  });

  it('raised no error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
