// A big study stays usable: 20,000 trials (`test:reliability:long`; 5,000 in CI) on SQLite and PostgreSQL,
// each with 4 parameters and up to 20 intermediate values. Listing, the best trial, export (the CLI, a
// whole process) and the dashboard's API are timed: the median of 5 runs, the first (cold) run apart.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadStudy } from '../../src/index.js';
import type { StudyStorage } from '../../src/index.js';
import { syntheticTrials } from '../../src/analysis/plots/testing/records.js';
import { paths } from '../../src/dashboard/paths.js';
import { resolveStorage } from '../../src/storage/resolve.js';
import { createTestDatabase } from '../../src/storage/postgres/testing/database.js';
import type { TestDatabase } from '../../src/storage/postgres/testing/database.js';
import { median, runSize, scratchDir, startDashboard } from './helpers.js';

const N = runSize() === 'long' ? 20_000 : 5_000;
const RUNS = 5;
const STUDY = 'big';
const REPO = join(import.meta.dirname, '..', '..');
const CLI = join(REPO, 'src', 'cli', 'main.ts');
const exec = promisify(execFile);

const dir = scratchDir('scale');
const databases: TestDatabase[] = [];
afterAll(async () => {
  dir.remove();
  await Promise.all(databases.map((db) => db.drop()));
});

interface Timing {
  what: string;
  coldMs: number;
  medianMs: number;
}

async function time(what: string, fn: () => Promise<unknown>): Promise<Timing> {
  let start = performance.now();
  await fn();
  const coldMs = performance.now() - start;
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    start = performance.now();
    await fn();
    runs.push(performance.now() - start);
  }
  return { what, coldMs, medianMs: median(runs) };
}

async function fill(storage: StudyStorage): Promise<number> {
  const study = await storage.createStudy(STUDY, ['minimize']);
  const start = performance.now();
  const trials = syntheticTrials(N, { seed: 1, steps: 20, workers: 8 }).map((t) => ({
    ...t,
    studyId: study.id,
  }));
  for (let i = 0; i < trials.length; i += 1000) await storage.addTrials(study.id, trials.slice(i, i + 1000));
  return performance.now() - start;
}

const backends: Array<[string, () => Promise<string>]> = [
  ['sqlite', async () => `sqlite:${join(dir.path, 'big.db')}`],
  [
    'postgres',
    async () => {
      const db = await createTestDatabase('tunekit_rel');
      databases.push(db);
      return db.url;
    },
  ],
];

describe.each(backends)(`a ${N.toLocaleString('en')}-trial study on %s`, (backend, freshUrl) => {
  it('listing, the best trial, export and the dashboard API answer within bounds', async () => {
    const url = await freshUrl();
    const storage = await resolveStorage(url);
    const timings: Timing[] = [];
    try {
      const fillMs = await fill(storage);
      const study = await loadStudy({ studyName: STUDY, storage });
      timings.push(
        await time('listStudies', async () =>
          expect((await storage.listStudies())[0]!.trialCounts.complete).toBeGreaterThan(N / 2),
        ),
      );
      timings.push(await time('study.trials()', async () => expect(await study.trials()).toHaveLength(N)));
      timings.push(await time('study.bestTrial()', () => study.bestTrial()));
      // Export as a user runs it: a whole CLI process (its start-up included), CSV and JSON.
      for (const format of ['csv', 'json']) {
        const out = join(dir.path, `export.${format}`);
        timings.push(
          await time(`tunekit export --format ${format} (process)`, () =>
            exec(
              process.execPath,
              ['--import', 'tsx', CLI, 'export', STUDY, '--storage', url, '--format', format, '--out', out],
              { cwd: REPO, maxBuffer: 1 << 28 },
            ),
          ),
        );
      }
      timings.push(
        await time('tunekit --version (process start-up)', () =>
          exec(process.execPath, ['--import', 'tsx', CLI, '--version'], { cwd: REPO }),
        ),
      );

      const { base, close } = await startDashboard({ storage, allowWrites: false, uiDir: dir.path });
      try {
        const api = [
          paths.studies(),
          paths.study(STUDY),
          paths.trials(STUDY, 'sort=number&order=asc&offset=0&limit=50'),
          paths.trials(STUDY, 'state=complete&sort=param:lr&order=desc&offset=1000&limit=50'),
          paths.trial(STUDY, N - 3),
          paths.plot(STUDY, 'history', { objective: 0 }),
          paths.plot(STUDY, 'intermediate'),
          paths.plot(STUDY, 'parallel'),
          paths.plot(STUDY, 'slice', { objective: 0 }),
          paths.plot(STUDY, 'contour', { x: 'lr', y: 'units', objective: 0 }),
          paths.plot(STUDY, 'timeline'),
          paths.plot(STUDY, 'edf', { objective: 0 }),
          paths.analysis(STUDY, 0),
        ];
        for (const path of api)
          timings.push(
            await time(`GET ${path.replace(`/api/studies/${STUDY}`, '/api/studies/:s')}`, async () => {
              const res = await fetch(base + path);
              expect(res.status, path).toBe(200);
              await res.arrayBuffer();
            }),
          );
      } finally {
        await close();
      }
      console.log(
        `scale ${backend}, ${N} trials (written in ${(fillMs / 1000).toFixed(1)} s):\n` +
          timings
            .map(
              (t) =>
                `  ${t.what.padEnd(72)} cold ${t.coldMs.toFixed(0).padStart(6)} ms   median ${t.medianMs.toFixed(0).padStart(6)} ms`,
            )
            .join('\n'),
      );
      // Responsive on a shared 2-core machine: every answer, warm, well under 5 s (a whole CLI process
      // under 15 s); nothing cold beyond 30 s.
      for (const t of timings) {
        expect(t.medianMs, t.what).toBeLessThan(t.what.includes('process') ? 15_000 : 5_000);
        expect(t.coldMs, t.what).toBeLessThan(30_000);
      }
    } finally {
      await storage.close();
    }
  });
});
