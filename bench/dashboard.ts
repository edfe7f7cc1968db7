// How the dashboard holds up on a 10,000-trial study: latency and size of every request the study page
// makes (cold server, unchanged study, one new trial since the last poll), and the time Chromium takes to
// draw the whole page. Prints a table; writes bench/results/dashboard.json.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../src/dashboard/testing/chromium.js';
import { syntheticTrials } from '../src/analysis/plots/testing/records.js';
import { serveDashboard } from '../src/dashboard/index.js';
import { paths } from '../src/dashboard/paths.js';
import { STUDY_CHARTS, ensureUiBuilt } from '../src/dashboard/testing/fixtures.js';
import { SqliteStorage } from '../src/storage/sqlite/index.js';

const N = Number(process.env.TRIALS ?? 10_000);
const STEPS = 50;
const RUNS = 7;
const STUDY = 'big';

function pageRequests(): string[] {
  return [
    paths.revision(STUDY),
    paths.study(STUDY),
    paths.plot(STUDY, 'history', { objective: 0 }),
    paths.plot(STUDY, 'intermediate'),
    paths.plot(STUDY, 'parallel'),
    paths.plot(STUDY, 'slice', { objective: 0 }),
    paths.plot(STUDY, 'timeline'),
    paths.plot(STUDY, 'edf', { objective: 0 }),
    paths.plot(STUDY, 'contour', { x: 'lr', y: 'units', objective: 0 }),
    paths.trials(STUDY, 'sort=number&order=asc&offset=0&limit=50'),
    paths.analysis(STUDY, 0),
  ];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function timed(url: string): Promise<{ ms: number; bytes: number }> {
  const start = performance.now();
  const res = await fetch(url);
  const body = await res.arrayBuffer();
  if (!res.ok) throw new Error(`${url}: ${res.status} ${Buffer.from(body).toString()}`);
  return { ms: performance.now() - start, bytes: body.byteLength };
}

/** The whole page's data, requested at once as the page does; wall time. */
async function pageLoad(base: string): Promise<number> {
  const start = performance.now();
  await Promise.all(pageRequests().map((p) => timed(base + p)));
  return performance.now() - start;
}

async function main(): Promise<void> {
  ensureUiBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'tunekit-bench-dashboard-'));
  const file = join(dir, 'bench.db');
  const storage = new SqliteStorage(file);
  const study = await storage.createStudy(STUDY, ['minimize']);
  const start = performance.now();
  const trials = syntheticTrials(N, { seed: 1, steps: STEPS, workers: 8 }).map((t) => ({
    ...t,
    studyId: study.id,
  }));
  for (let i = 0; i < trials.length; i += 1000) await storage.addTrials(study.id, trials.slice(i, i + 1000));
  console.log(
    `wrote ${N} trials × ${STEPS} intermediate values to SQLite in ${((performance.now() - start) / 1000).toFixed(1)} s`,
  );

  const server = await serveDashboard({ storage: `sqlite:${file}`, port: 0 });
  const base = server.url.replace(/\/$/, '');
  const rows: { path: string; coldMs: number; warmMs: number; bytes: number }[] = [];
  // Cold: first request of each route on a fresh server (the first one also reads all trials).
  for (const path of pageRequests()) {
    const cold = await timed(base + path);
    const warm: number[] = [];
    for (let r = 0; r < RUNS; r++) warm.push((await timed(base + path)).ms);
    rows.push({
      path: path.replace(`/api/studies/${STUDY}`, ''),
      coldMs: cold.ms,
      warmMs: median(warm),
      bytes: cold.bytes,
    });
  }
  const unchanged: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    await new Promise((res) => setTimeout(res, 350)); // past the cache's shared-read window
    unchanged.push(await pageLoad(base));
  }
  // A live study: one trial finished since the last poll, so every plot is recomputed from the cache.
  const changed: number[] = [];
  const writer = new SqliteStorage(file);
  for (let r = 0; r < RUNS; r++) {
    const t = await writer.startTrial(study.id, 'bench');
    await writer.writeTrial(t!.id, {
      params: [
        {
          name: 'lr',
          distribution: { kind: 'float', low: 1e-5, high: 1, log: true, step: null },
          value: 0.01,
        },
      ],
    });
    await writer.finishTrial(t!.id, { state: 'complete', values: [0.5 + r / 100] });
    await new Promise((res) => setTimeout(res, 350));
    changed.push(await pageLoad(base));
  }
  await writer.close();

  // The browser: navigation to every chart drawn.
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const drawn: number[] = [];
  const first: number[] = [];
  for (let r = 0; r < 3; r++) {
    await page.goto(`${base}/#/study/${STUDY}`);
    for (const id of STUDY_CHARTS)
      await page.waitForSelector(`[data-chart="${id}"][data-points]`, { timeout: 60_000 });
    // When each chart first reached the screen (the page stamps the frame, in ms since navigation):
    // polling from here would only see it once the page is idle, after every chart.
    const stamps = await page.$$eval('[data-chart][data-drawn-at]', (els) =>
      els.map((el) => [el.getAttribute('data-chart'), Number(el.getAttribute('data-drawn-at'))] as const),
    );
    first.push(Math.min(...stamps.map(([, t]) => t)));
    drawn.push(
      Math.max(
        ...stamps.filter(([id]) => (STUDY_CHARTS as readonly string[]).includes(id ?? '')).map(([, t]) => t),
      ),
    );
    await page.goto('about:blank');
  }
  await browser.close();
  await server.close();
  await storage.close();
  rmSync(dir, { recursive: true, force: true });

  console.log(
    `\nper route (${N} trials; cold = first request on a fresh server, warm = median of ${RUNS} repeats)`,
  );
  console.log(`${'route'.padEnd(46)} ${'cold ms'.padStart(8)} ${'warm ms'.padStart(8)} ${'KiB'.padStart(7)}`);
  for (const r of rows)
    console.log(
      `${r.path.padEnd(46)} ${r.coldMs.toFixed(1).padStart(8)} ${r.warmMs.toFixed(1).padStart(8)} ${(r.bytes / 1024).toFixed(1).padStart(7)}`,
    );
  const total = rows.reduce((a, r) => a + r.bytes, 0);
  console.log(`\nwhole page data (${pageRequests().length} requests in parallel), median of ${RUNS}:`);
  console.log(`  unchanged study:            ${median(unchanged).toFixed(1)} ms`);
  console.log(`  one new trial since poll:   ${median(changed).toFixed(1)} ms`);
  console.log(`  total size:                 ${(total / 1024).toFixed(0)} KiB`);
  console.log(`Chromium, navigation → first chart on screen, median of 3: ${median(first).toFixed(0)} ms`);
  console.log(`Chromium, navigation → every chart on screen, median of 3: ${median(drawn).toFixed(0)} ms`);
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(
    new URL('./results/dashboard.json', import.meta.url),
    JSON.stringify(
      {
        trials: N,
        steps: STEPS,
        routes: rows,
        pageUnchangedMs: median(unchanged),
        pageChangedMs: median(changed),
        totalBytes: total,
        browserFirstChartMs: median(first),
        browserDrawnMs: median(drawn),
        node: process.version,
        at: new Date().toISOString(),
      },
      null,
      2,
    ),
  );
}

await main();
