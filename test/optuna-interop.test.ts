// Python Optuna (Debian's python3-optuna 3.1) and tunekit on one study in Optuna's schema, on SQLite and on
// PostgreSQL: workers of both run trials together, and a study either side wrote reads back the same through
// the other's API. Skips where /usr/bin/python3 or its optuna (or, for PostgreSQL, psycopg2) is missing.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createStudy } from '../src/index.js';
import type { Distribution, StudyInfo, TrialRecord } from '../src/index.js';
import { resolveStorage } from '../src/storage/resolve.js';
import { createTestDatabase } from '../src/storage/postgres/testing/database.js';
import type { TestDatabase } from '../src/storage/postgres/testing/database.js';
import { startFixture } from './reliability/helpers.js';

const PYTHON = '/usr/bin/python3';
const HELPER = join(import.meta.dirname, 'fixtures', 'optuna_interop.py');
const WORKER = join(import.meta.dirname, 'fixtures', 'optuna-interop-worker.ts');
const run = promisify(execFile);

/** Whether Python can import these modules (optuna must be 3.0 or 3.1, whose schema tunekit speaks). */
function pythonHas(check: string): boolean {
  try {
    execFileSync(PYTHON, ['-c', check], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}
const hasOptuna = pythonHas(
  `import optuna; assert optuna.__version__.split('.')[:2] in (['3','0'], ['3','1'])`,
);
const hasPsycopg = hasOptuna && pythonHas('import psycopg2');

const dir = mkdtempSync(join(tmpdir(), 'tunekit-optuna-interop-'));
const databases: TestDatabase[] = [];
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await Promise.all(databases.map((db) => db.drop()));
});

interface Backend {
  /** tunekit's URL for a fresh database, and SQLAlchemy's for the same one. */
  fresh(): Promise<{ tunekit: string; python: string }>;
}
const backends: Array<[string, boolean, Backend]> = [
  [
    'sqlite',
    hasOptuna,
    {
      fresh: async () => {
        const file = join(dir, `${Math.random().toString(36).slice(2)}.db`);
        return { tunekit: `optuna+sqlite:${file}`, python: `sqlite:///${file}` };
      },
    },
  ],
  [
    'postgres',
    hasPsycopg,
    {
      fresh: async () => {
        const db = await createTestDatabase('tunekit_optuna');
        databases.push(db);
        return { tunekit: `optuna+${db.url}`, python: db.url.replace(/^postgres:/, 'postgresql:') };
      },
    },
  ],
];

async function python(...args: string[]): Promise<string> {
  const { stdout } = await run(PYTHON, [HELPER, ...args], { timeout: 300_000, maxBuffer: 1 << 24 });
  return stdout;
}

/** A Python worker process: `ready` once it has loaded the study, `exit` when it exits 0 (else rejects with its stderr). */
function pythonWorker(...args: string[]): { ready: Promise<void>; exit: Promise<void> } {
  const child = spawn(PYTHON, [HELPER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = new Promise<void>((resolve) => child.stdout.on('data', () => resolve()));
  const exit = new Promise<void>((resolve, reject) =>
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`python worker exited ${code}: ${stderr}`)),
    ),
  );
  return { ready: Promise.race([ready, exit]), exit };
}

interface PyTrial {
  number: number;
  state: string;
  values: Array<number | string> | null;
  params: Record<string, unknown>;
  distributions: Record<string, { name: string; attributes: Record<string, never> }>;
  intermediate_values: Record<string, number | string>;
  user_attrs: Record<string, unknown>;
  fixed_params: Record<string, unknown> | null;
}
interface PyStudy {
  directions: string[];
  user_attrs: Record<string, unknown>;
  trials: PyTrial[];
}

const dump = async (url: string, study: string): Promise<PyStudy> =>
  JSON.parse(await python('dump', url, study)) as PyStudy;

/** Python prints inf and nan by name (JSON has neither). */
const pyNumber = (v: number | string): number =>
  typeof v === 'number' ? v : Number(v.replace('inf', 'Infinity'));

/** Optuna's distribution JSON as the tunekit distribution it means, written out here independently of the storage's codec. */
function expectedDistribution({ name, attributes: a }: PyTrial['distributions'][string]): Distribution {
  if (name === 'CategoricalDistribution') return { kind: 'categorical', choices: a.choices };
  return {
    kind: name === 'FloatDistribution' ? 'float' : 'int',
    low: a.low,
    high: a.high,
    log: a.log,
    step: a.step,
  };
}

/** Everything Optuna and tunekit both know about a trial, as tunekit's record should hold it. */
function expectSame(record: TrialRecord, py: PyTrial): void {
  expect({
    number: record.number,
    state: record.state,
    values: record.values,
    params: record.params,
    distributions: record.distributions,
    intermediateValues: record.intermediateValues,
    userAttrs: record.userAttrs,
    fixedParams: record.fixedParams,
  }).toEqual({
    number: py.number,
    state: py.state.toLowerCase(),
    values: py.values?.map(pyNumber) ?? null,
    params: py.params,
    distributions: Object.fromEntries(
      Object.entries(py.distributions).map(([k, d]) => [k, expectedDistribution(d)]),
    ),
    intermediateValues: Object.fromEntries(
      Object.entries(py.intermediate_values).map(([k, v]) => [k, pyNumber(v)]),
    ),
    userAttrs: py.user_attrs,
    fixedParams: py.fixed_params,
  });
}

async function readTunekit(url: string, name: string): Promise<{ study: StudyInfo; trials: TrialRecord[] }> {
  const storage = await resolveStorage(url, { create: false });
  try {
    const study = await storage.getStudy(name);
    return { study, trials: await storage.getTrials(study.id) };
  } finally {
    await storage.close();
  }
}

describe.each(backends)(
  'Optuna and tunekit on one study in Optuna schema (%s)',
  (_label, available, backend) => {
    it.skipIf(!available)(
      '2 Python and 2 tunekit workers: every trial exactly once, numbers dense, both read it the same',
      async () => {
        const url = await backend.fresh();
        const TOTAL = 36;
        const storage = await resolveStorage(url.tunekit);
        await storage.createStudy('shared', ['minimize']);
        await storage.close();
        const goFile = join(dir, `go-${Math.random().toString(36).slice(2)}`);
        const args = { storage: url.tunekit, study: 'shared', total: TOTAL, goFile };
        const tunekit = [3, 4].map((seed) => startFixture(WORKER, { ...args, seed }));
        const pythons = ['1', '2'].map((seed) =>
          pythonWorker('worker', url.python, 'shared', String(TOTAL), seed, goFile),
        );
        await Promise.all([...tunekit.map((w) => w.event('ready')), ...pythons.map((w) => w.ready)]);
        writeFileSync(goFile, '');
        await Promise.all([
          ...pythons.map((w) => w.exit),
          ...tunekit.map(async (w) => {
            await w.event('done');
            expect((await w.exit).code).toBe(0);
          }),
        ]);

        const { trials } = await readTunekit(url.tunekit, 'shared');
        const py = await dump(url.python, 'shared');
        // Optuna's MaxTrialsCallback stops after a trial, so its workers may add a few past the total.
        expect(trials.length).toBeGreaterThanOrEqual(TOTAL);
        expect(trials.map((t) => t.number)).toEqual(Array.from({ length: trials.length }, (_, i) => i));
        expect(new Set(trials.map((t) => t.id)).size).toBe(trials.length);
        expect(py.trials.map((t) => t.number)).toEqual(trials.map((t) => t.number));
        for (const [i, t] of trials.entries()) expectSame(t, py.trials[i]!);
        // Each number ran once, by one side, to the outcome its number plans (pruned, failed or complete).
        for (const t of trials) {
          expect(['python', 'tunekit']).toContain(t.userAttrs.side);
          expect(t.state).toBe(t.number % 6 === 5 ? 'pruned' : t.number % 7 === 6 ? 'fail' : 'complete');
          expect(Object.keys(t.params).sort()).toEqual(['c', 'd', 'n', 'x']);
          expect(Object.keys(t.intermediateValues)).toEqual(['0', '1', '2']);
        }
        const bySide = (side: string): TrialRecord[] => trials.filter((t) => t.userAttrs.side === side);
        expect(bySide('python').length).toBeGreaterThan(0);
        expect(bySide('tunekit').length).toBeGreaterThan(0);
        // Each side's objective saw the other's finished trials through its own study API, as its sampler does.
        expect(bySide('python').some((t) => (t.userAttrs.seen as number) > 0)).toBe(true);
        expect(bySide('tunekit').some((t) => (t.userAttrs.seen as number) > 0)).toBe(true);
      },
      300_000,
    );

    it.skipIf(!available)(
      'a study Optuna wrote opens in tunekit, which runs its enqueued trial',
      async () => {
        const url = await backend.fresh();
        await python('write', url.python, 'from-python');
        const py = await dump(url.python, 'from-python');
        const { study, trials } = await readTunekit(url.tunekit, 'from-python');
        expect(study).toMatchObject({
          directions: ['maximize'],
          userAttrs: { owner: { team: 'py', ids: [1, 2.5, null] } },
        });
        expect(trials.map((t) => t.state)).toEqual([
          'complete',
          'pruned',
          'fail',
          'complete',
          'running',
          'waiting',
        ]);
        for (const [i, t] of trials.entries()) expectSame(t, py.trials[i]!);
        expect(trials[0]!.intermediateValues).toEqual({
          0: 0.5,
          1: Infinity,
          2: -Infinity,
          3: NaN,
          10: 0.30000000000000004,
        });
        expect(trials[3]!.values).toEqual([Infinity]);

        // A tunekit worker claims the trial Optuna enqueued and runs the params Optuna fixed.
        const worker = await createStudy({
          storage: url.tunekit,
          studyName: 'from-python',
          directions: ['maximize'],
          loadIfExists: true,
          quiet: true,
        });
        await worker.optimize(
          (trial) =>
            trial.suggestFloat('lr', 1e-5, 1e-1, { log: true }) +
            trial.suggestInt('units', 16, 512, { step: 16 }),
          { nTrials: 1 },
        );
        await worker.storage.close();
        const after = await dump(url.python, 'from-python');
        expect(after.trials[5]).toMatchObject({
          state: 'COMPLETE',
          params: { lr: 0.02, units: 32 },
          values: [32.02],
        });
      },
      120_000,
    );

    it.skipIf(!available)(
      'a study tunekit wrote opens in Optuna with every state, value and attribute',
      async () => {
        const url = await backend.fresh();
        const study = await createStudy({
          storage: url.tunekit,
          studyName: 'from-tunekit',
          directions: ['minimize', 'maximize'],
          quiet: true,
        });
        await study.setUserAttr('dataset', { name: 'iris', rows: 150 });
        await study.enqueueTrial({ lr: 0.5, act: 'tanh' });
        let calls = 0;
        await study.optimize(
          async (trial) => {
            const lr = trial.suggestFloat('lr', 1e-3, 1, { log: true });
            const k = trial.suggestInt('k', 1, 9, { step: 2 });
            const act = trial.suggestCategorical('act', ['relu', 'tanh', 7, false]);
            await trial.setUserAttr('fold', [calls, 'x']);
            await trial.report(lr * k, 0);
            await trial.report(calls === 1 ? Infinity : -lr, 3);
            if (calls++ === 2) throw new Error('boom');
            return [lr + k, act === 'tanh' ? 1 : 0];
          },
          { nTrials: 4, catch: true },
        );
        await study.enqueueTrial({ lr: 0.25 });
        await study.storage.close();

        const py = await dump(url.python, 'from-tunekit');
        const { trials } = await readTunekit(url.tunekit, 'from-tunekit');
        expect(py.directions).toEqual(['MINIMIZE', 'MAXIMIZE']);
        expect(py.user_attrs).toEqual({ dataset: { name: 'iris', rows: 150 } });
        expect(py.trials.map((t) => t.state)).toEqual([
          'COMPLETE',
          'COMPLETE',
          'FAIL',
          'COMPLETE',
          'WAITING',
        ]);
        expect(py.trials[0]).toMatchObject({
          params: { lr: 0.5, act: 'tanh' },
          fixed_params: { lr: 0.5, act: 'tanh' },
        });
        expect(py.trials[1]!.intermediate_values['3']).toBe('inf');
        expect(py.trials[4]!.fixed_params).toEqual({ lr: 0.25 });
        for (const [i, t] of trials.entries()) expectSame(t, py.trials[i]!);
      },
      120_000,
    );
  },
);
