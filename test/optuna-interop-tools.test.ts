// tunekit's tools on studies Python Optuna wrote in its own schema: the dashboard's API, `tunekit export`,
// `tunekit importance`, and `tunekit copy` from Optuna's format to tunekit's and back, after which Optuna
// reads the copy as it read the original. Skips where /usr/bin/python3 or its optuna 3.0/3.1 is missing.
import { execFile, execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { serveDashboard } from '../src/dashboard/index.js';
import { cli, freshDirEachTest, sandbox } from './cli-helpers.js';

const PYTHON = '/usr/bin/python3';
const HELPER = join(import.meta.dirname, 'fixtures', 'optuna_interop.py');
const run = promisify(execFile);
const python = async (...args: string[]): Promise<string> =>
  (await run(PYTHON, [HELPER, ...args], { timeout: 300_000, maxBuffer: 1 << 24 })).stdout;

let hasOptuna = false;
try {
  execFileSync(
    PYTHON,
    ['-c', `import optuna; assert optuna.__version__.split('.')[:2] in (['3','0'], ['3','1'])`],
    {
      stdio: 'ignore',
    },
  );
  hasOptuna = true;
} catch {
  // skipped below
}

describe.skipIf(!hasOptuna)("tunekit's tools on Optuna's studies", () => {
  freshDirEachTest();
  /** A study 20 Optuna trials long, and one with every trial state, both written by Python. */
  const made = (): { tunekit: string; python: string } => {
    const file = join(sandbox.dir, 'optuna.db');
    return { tunekit: `optuna+sqlite:${file}`, python: `sqlite:///${file}` };
  };
  let url: { tunekit: string; python: string };
  const writeStudies = async (): Promise<void> => {
    url = made();
    const go = join(sandbox.dir, 'go');
    writeFileSync(go, '');
    await python('worker', url.python, 'py-tpe', '20', '7', go);
    await python('write', url.python, 'py-states');
  };

  it('the dashboard lists, reads and analyses an Optuna study', async () => {
    await writeStudies();
    const dashboard = await serveDashboard({ storage: url.tunekit, port: 0 });
    try {
      const get = async (path: string): Promise<Record<string, unknown>> => {
        const response = await fetch(new URL(path, dashboard.url));
        expect(response.status).toBe(200);
        return (await response.json()) as Record<string, unknown>;
      };
      const { studies } = (await get('/api/studies')) as { studies: Array<{ name: string }> };
      expect(studies.map((s) => s.name).sort()).toEqual(['py-states', 'py-tpe']);
      const summary = (await get('/api/studies/py-tpe')) as { trialCounts: Record<string, number> };
      expect(Object.values(summary.trialCounts).reduce((a, b) => a + b)).toBe(20);
      const { trial } = (await get('/api/studies/py-tpe/trials/0')) as { trial: { params: object } };
      expect(Object.keys(trial.params).sort()).toEqual(['c', 'd', 'n', 'x']);
      const { importance } = (await get('/api/studies/py-tpe/analysis?objective=0')) as {
        importance: { result: { nTrials: number; params: Array<{ param: string }> } };
      };
      // Numbers 5, 11, 17 are pruned and 6, 13 fail (the objective's plan): 15 complete trials.
      expect(importance.result.nTrials).toBe(15);
      expect(importance.result.params.map((p) => p.param).sort()).toEqual(['c', 'd', 'n', 'x']);
    } finally {
      await dashboard.close();
    }
  }, 120_000);

  it('exports, ranks and copies an Optuna study; Optuna reads the copy back as the original', async () => {
    await writeStudies();
    const exported = JSON.parse(
      (await cli(['export', 'py-tpe', '--storage', url.tunekit, '--format', 'json'])).stdout,
    ) as {
      trials: Array<{ number: number; params: Record<string, unknown> }>;
    };
    expect(exported.trials.map((t) => t.number)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(Object.keys(exported.trials[0]!.params).sort()).toEqual(['c', 'd', 'n', 'x']);
    const importance = await cli(['importance', 'py-tpe', '--storage', url.tunekit]);
    for (const param of ['x', 'n', 'd', 'c']) expect(importance.stdout).toContain(param);

    await cli(['copy', 'py-states', '--storage', url.tunekit, '--to', 'sqlite:tunekit.db']);
    await cli([
      'copy',
      'py-states',
      '--storage',
      'sqlite:tunekit.db',
      '--to',
      `optuna+sqlite:${join(sandbox.dir, 'back.db')}`,
    ]);
    const original = JSON.parse(await python('dump', url.python, 'py-states')) as unknown;
    const back = JSON.parse(
      await python('dump', `sqlite:///${join(sandbox.dir, 'back.db')}`, 'py-states'),
    ) as unknown;
    expect(back).toEqual(original);
  }, 120_000);
});
