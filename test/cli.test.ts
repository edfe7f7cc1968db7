// End to end: the built CLI (`npm test` builds first), real processes, a real SQLite file.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, freshDirEachTest, sandbox, writeConfig } from './cli-helpers.js';

freshDirEachTest();

// A Python training stand-in: reports a learning curve per epoch, then the final value.
const PY_TRAIN = [
  'import json, os, sys, time',
  'p = json.load(open(os.environ["TUNEKIT_PARAMS_FILE"]))',
  'x = p["x"]',
  'for epoch in range(8):',
  '    print("tunekit:", json.dumps({"step": epoch, "value": (x - 2) ** 2 + 4 / (epoch + 1)}), flush=True)',
  '    time.sleep(0.005)',
  'print("tunekit:", json.dumps({"value": (x - 2) ** 2}))',
].join('\n');

describe('tunekit tune', () => {
  it('runs a Python command objective with intermediate values and pruning', async () => {
    const config = writeConfig('py.yaml', {
      study: {
        name: 'py',
        storage: 'sqlite:./t.db',
        sampler: { kind: 'random', seed: 3 },
        pruner: { kind: 'median', nStartupTrials: 3 },
        trials: 16,
      },
      space: { x: { type: 'float', low: -10, high: 10 } },
      objective: { command: ['python3', '-c', PY_TRAIN] },
    });
    const out = await cli(['tune', config]);
    expect(out.stdout).toMatch(/study "py": 16 trials \(\d+ complete, \d+ pruned, 0 failed\)/);
    const trials = JSON.parse(
      (await cli(['trials', 'py', '--storage', 'sqlite:./t.db', '--json'])).stdout,
    ) as Array<{ state: string; intermediateValues: Record<string, number> }>;
    expect(trials).toHaveLength(16);
    expect(trials.filter((t) => t.state === 'pruned').length).toBeGreaterThan(0);
    for (const t of trials.filter((t) => t.state === 'complete'))
      expect(Object.keys(t.intermediateValues)).toHaveLength(8);
  });

  it('fails timed-out and crashing shell commands cleanly and goes on', async () => {
    const config = writeConfig('sh.json', {
      study: { name: 'sh', storage: 'sqlite:./t.db', sampler: 'random', pruner: 'none', trials: 3 },
      space: { mode: { type: 'categorical', choices: ['hang', 'crash', 'ok'] } },
      objective: {
        command: {
          argv: [
            'sh',
            '-c',
            'case "$TUNEKIT_PARAM_MODE" in hang) sleep 30;; crash) echo "segfault in layer 3" >&2; exit 139;; *) echo "tunekit: {\\"value\\": 1}";; esac',
          ],
          timeout: 1,
        },
      },
    });
    await cli(['enqueue', 'sh', '--storage', 'sqlite:./t.db', '--params', '{"mode": "hang"}'], { ok: false });
    // The sampler is unseeded: all three trials may fail, and a run in which none completed exits 1.
    expect([0, 1]).toContain((await cli(['tune', config, '--quiet'], { ok: false })).code);
    await cli(['enqueue', 'sh', '--storage', 'sqlite:./t.db', '--params', '{"mode": "hang"}']);
    await cli(['enqueue', 'sh', '--storage', 'sqlite:./t.db', '--params', '{"mode": "crash"}']);
    await cli(['enqueue', 'sh', '--storage', 'sqlite:./t.db', '--params', '{"mode": "ok"}']);
    await cli(['tune', config, '--trials', '6', '--quiet']);
    const trials = JSON.parse(
      (await cli(['trials', 'sh', '--storage', 'sqlite:./t.db', '--json'])).stdout,
    ) as Array<{ params: { mode: string }; state: string; failReason: string | null }>;
    const last = trials.slice(3);
    expect(last.map((t) => [t.params.mode, t.state])).toEqual([
      ['hang', 'fail'],
      ['crash', 'fail'],
      ['ok', 'complete'],
    ]);
    expect(last[0]!.failReason).toMatch(/timed out after 1000 ms/);
    expect(last[1]!.failReason).toMatch(/exited with code 139; stderr ends with:\nsegfault in layer 3/);
  });

  it('shares one SQLite study between two worker processes without overshooting the budget', async () => {
    const config = writeConfig('w.yaml', {
      study: { name: 'shared', storage: 'sqlite:./w.db', sampler: { kind: 'tpe', seed: 1 }, trials: 24 },
      space: { x: { type: 'float', low: -5, high: 5 }, y: { type: 'int', low: 0, high: 10 } },
      objective: {
        command: [
          'python3',
          '-c',
          'import os,time; time.sleep(0.02); print("tunekit: {\\"value\\": %s}" % (float(os.environ["TUNEKIT_PARAM_X"])**2 + int(os.environ["TUNEKIT_PARAM_Y"])))',
        ],
      },
    });
    await Promise.all([cli(['worker', config, '--quiet']), cli(['worker', config, '--quiet'])]);
    const trials = JSON.parse(
      (await cli(['trials', 'shared', '--storage', 'sqlite:./w.db', '--json'])).stdout,
    ) as Array<{ number: number; state: string; worker: string }>;
    expect(trials.map((t) => t.number)).toEqual(Array.from({ length: 24 }, (_, i) => i));
    expect(trials.every((t) => t.state === 'complete')).toBe(true);
    expect(new Set(trials.map((t) => t.worker)).size).toBe(2);
    // A third worker joins by study name alone: the config is stored with the study.
    await cli(['worker', '--storage', 'sqlite:./w.db', '--study', 'shared', '--trials', '26', '--quiet']);
    expect(
      JSON.parse((await cli(['trials', 'shared', '--storage', 'sqlite:./w.db', '--json'])).stdout),
    ).toHaveLength(26);
  });

  it('names the path of every config error and exits with 2', async () => {
    const bad = [
      [
        {
          study: { name: 'b', trials: 'many' },
          space: { x: { type: 'float', low: 0, high: 1 } },
          objective: { command: ['true'] },
        },
        'study.trials: expected a positive integer, got "many"',
      ],
      [
        {
          study: { name: 'b', trials: 2 },
          space: { x: { type: 'float', low: 1, high: 0 } },
          objective: { command: ['true'] },
        },
        'space.x: low (1) is greater than high (0)',
      ],
      [
        {
          study: { name: 'b', trials: 2, sampler: 'bayes' },
          space: { x: { type: 'float', low: 0, high: 1 } },
          objective: { command: ['true'] },
        },
        'study.sampler.kind: expected one of random',
      ],
      [
        {
          study: { name: 'b', trials: 2, pruner: { kind: 'median', patience: 2 } },
          space: { x: { type: 'float', low: 0, high: 1 } },
          objective: { command: ['true'] },
        },
        'study.pruner.patience: unknown field',
      ],
      [
        {
          study: { name: 'b', trials: 2 },
          space: { x: { type: 'float', low: 0, high: 1 } },
          objective: { command: 'python3 train.py' },
        },
        'objective.command: expected an argv array',
      ],
    ] as const;
    for (const [config, message] of bad) {
      const out = await cli(['tune', writeConfig('bad.yaml', config)], { ok: false });
      expect(out.code).toBe(2);
      expect(out.stderr).toContain(message);
    }
    writeFileSync(join(sandbox.dir, 'broken.yaml'), 'study:\n  name: [oops\n');
    expect((await cli(['tune', 'broken.yaml'], { ok: false })).stderr).toMatch(
      /broken.yaml is not valid YAML at line/,
    );
    // Nothing was stored by the refused configs.
    expect((await cli(['studies', '--json'], { ok: false })).stdout.trim()).toMatch(/^(\[\])?$/);
  });

  it('refuses a trainer config that cannot train before anything runs: exit 2, the field named, no database', async () => {
    const config = writeConfig('lr.yaml', {
      study: { name: 'lr', storage: 'sqlite:./lr.db', trials: 3 },
      space: { units: { type: 'int', low: 4, high: 8 } },
      objective: {
        trainer: {
          data: 'iris',
          model: { mlp: { hidden: ['$units'] } },
          fit: { epochs: 2, optimizer: { kind: 'adam', lr: -1 } },
        },
      },
    });
    for (const extra of [[], ['--workers', '2']]) {
      const out = await cli(['tune', config, ...extra], { ok: false });
      expect(out.code).toBe(2);
      expect(out.stderr).toContain('objective.trainer.fit.optimizer.lr: expected a number > 0, got -1');
      expect(existsSync(join(sandbox.dir, 'lr.db'))).toBe(false);
    }
  });

  it('narrows ranges around a known optimum, coarse to fine', async () => {
    const py =
      'import math,os; x=float(os.environ["TUNEKIT_PARAM_X"]); lr=float(os.environ["TUNEKIT_PARAM_LR"]); print("tunekit: {\\"value\\": %r}" % ((x-3.7)**2 + (math.log10(lr)+3)**2))';
    const config = writeConfig('c2f.yaml', {
      study: { name: 'c2f', storage: 'sqlite:./c.db', sampler: { kind: 'random', seed: 5 }, pruner: 'none' },
      space: {
        x: { type: 'float', low: -10, high: 10 },
        lr: { type: 'float', low: 1e-6, high: 1, log: true },
      },
      objective: { command: ['python3', '-c', py] },
      strategy: { kind: 'coarse-to-fine', rounds: 3, trialsPerRound: 15, top: 4, margin: 0.2 },
    });
    const out = await cli(['tune', config]);
    const rounds = [...out.stderr.matchAll(/round (\d): x (\{[^}]*\}); lr (\{[^}]*\})/g)].map((m) => ({
      x: JSON.parse(m[2]!),
      lr: JSON.parse(m[3]!),
    }));
    expect(rounds).toHaveLength(3);
    const last = rounds[2]!;
    expect(last.x.low).toBeLessThan(3.7);
    expect(last.x.high).toBeGreaterThan(3.7);
    expect(last.x.high - last.x.low).toBeLessThan(20 / 3);
    expect(last.lr.low).toBeLessThan(1e-3);
    expect(last.lr.high).toBeGreaterThan(1e-3);
    expect(Math.log10(last.lr.high / last.lr.low)).toBeLessThan(3);
    const trials = JSON.parse(
      (await cli(['trials', 'c2f', '--storage', 'sqlite:./c.db', '--json'])).stdout,
    ) as Array<{ userAttrs: { round: number } }>;
    expect(trials.map((t) => t.userAttrs.round)).toEqual([
      ...Array(15).fill(1),
      ...Array(15).fill(2),
      ...Array(15).fill(3),
    ]);
  });
});

describe('tunekit demo and the trainer objective', () => {
  it('the demo tunes the trainer on digits, scores the test rows once and names what mattered', async () => {
    const out = await cli(['demo', '--trials', '12', '--workers', '2']);
    expect(out.stdout).toContain('2 worker processes');
    expect(out.stdout).toMatch(/12 trials in [\d.]+ s/);
    // Off a terminal: one progress line per trial, from both workers, each trial once.
    const numbers = [...out.stderr.matchAll(/^Trial (\d+) (?:complete|pruned|failed)\b.* · \d+\/12 · /gm)];
    expect(numbers.map((m) => Number(m[1])).sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
    expect(out.stdout).toMatch(/next, see the study: npx tunekit dashboard --storage sqlite:\.\/tunekit\.db/);
    expect(out.stdout).toMatch(/best configuration \(trial \d+\):\n {2}learning_rate/);
    const val = Number(/validation accuracy ([\d.]+)/.exec(out.stdout)?.[1]);
    const test = Number(/test accuracy +([\d.]+)/.exec(out.stdout)?.[1]);
    expect(val).toBeGreaterThan(0.9);
    expect(test).toBeGreaterThan(0.85);
    expect(out.stdout).toMatch(/what mattered/);
    const name = /study "(demo-[\d-]+)"/.exec(out.stdout)![1]!;
    const studies = JSON.parse((await cli(['studies', '--json'])).stdout) as Array<{
      study: {
        name: string;
        directions: string[];
        testEvaluations: Array<{ status: string; forced: boolean }>;
      };
    }>;
    const study = studies.find((s) => s.study.name === name)!;
    expect(study.study.directions).toEqual(['maximize']);
    const evaluations = study.study.testEvaluations;
    expect(evaluations.map((e) => [e.status, e.forced])).toEqual([['complete', false]]);
  });

  it('runs examples/digits.yaml and refuses a template naming an undeclared hyperparameter', async () => {
    const example = new URL('../examples/digits.yaml', import.meta.url).pathname;
    const out = await cli(['tune', example, '--trials', '4', '--storage', 'sqlite:./d.db']);
    expect(out.stdout).toMatch(/study "digits-mlp": 4 trials/);
    const config = readFileSync(example, 'utf8');
    const broken = writeConfig('broken.yaml', {});
    writeFileSync(broken, config.replace('lr: $learning_rate', 'lr: $lr'));
    expect((await cli(['tune', broken], { ok: false })).stderr).toContain(
      'objective.trainer.fit.optimizer.lr: expected a declared hyperparameter',
    );
    writeFileSync(broken, config.replace('trials: 40', 'trials: 40\n  direction: minimize'));
    expect((await cli(['tune', broken], { ok: false })).stderr).toContain(
      'study.direction: expected maximize for monitor val_accuracy',
    );
    writeFileSync(
      broken,
      config.replace('activation: $activation', 'activation: $activation, hidden_units: 3'),
    );
    expect((await cli(['tune', broken], { ok: false })).stderr).toMatch(/objective.trainer/);
  });
});

describe('tunekit nested-cv', () => {
  it('estimates generalisation over outer folds of a trainer config', async () => {
    const config = writeConfig('iris.yaml', {
      study: { name: 'iris', sampler: { kind: 'random', seed: 2 }, pruner: 'none', trials: 4 },
      space: {
        lr: { type: 'float', low: 1e-3, high: 0.1, log: true },
        units: { type: 'int', low: 4, high: 32 },
      },
      objective: {
        trainer: {
          data: 'iris',
          preprocess: [{ kind: 'standardize' }],
          model: { mlp: { hidden: ['$units'] } },
          fit: { epochs: 30, batchSize: 'full', optimizer: { kind: 'adam', lr: '$lr' } },
          monitor: 'val_accuracy',
        },
      },
    });
    const out = JSON.parse(
      (await cli(['nested-cv', config, '--outer', '3', '--inner', '2', '--json'])).stdout,
    ) as {
      mean: number;
      std: number;
      scores: number[];
      folds: Array<{ bestParams: Record<string, number> }>;
    };
    expect(out.scores).toHaveLength(3);
    expect(out.mean).toBeCloseTo(out.scores.reduce((a, b) => a + b, 0) / 3, 10);
    expect(out.mean).toBeGreaterThan(0.6);
    for (const f of out.folds) expect(Object.keys(f.bestParams).sort()).toEqual(['lr', 'units']);
    const text = (await cli(['nested-cv', config, '--outer', '3', '--inner', '2'])).stdout;
    expect(text).toMatch(/nested CV estimate: val_accuracy [\d.]+ ± [\d.]+ \(3 outer folds\)/);
  });
});

describe('study commands', () => {
  it('ask and tell from a shell loop, list, export, delete; a missing study exits 4', async () => {
    const space = JSON.stringify({
      x: { type: 'float', low: 0, high: 1 },
      act: { type: 'categorical', choices: ['relu', 'tanh'] },
    });
    for (let i = 0; i < 3; i++) {
      const asked = JSON.parse((await cli(['ask', 'loop', '--space', space])).stdout) as {
        number: number;
        params: { x: number };
      };
      expect(asked.number).toBe(i);
      await cli(['tell', 'loop', '--trial', String(asked.number), '--value', String(asked.params.x * 10)]);
    }
    const studies = JSON.parse((await cli(['studies', '--json'])).stdout) as Array<{
      study: { name: string };
      trialCounts: { complete: number };
    }>;
    expect(studies.map((s) => [s.study.name, s.trialCounts.complete])).toEqual([['loop', 3]]);
    const csv = (await cli(['export', 'loop', '--format', 'csv'])).stdout.trim().split('\n');
    expect(csv[0]).toBe('number,state,value,started_at,finished_at,fail_reason,param_x,param_act');
    expect(csv).toHaveLength(4);
    await cli(['export', 'loop', '--format', 'json', '--out', 'loop.json']);
    expect(JSON.parse(readFileSync(join(sandbox.dir, 'loop.json'), 'utf8')).trials).toHaveLength(3);
    const best = JSON.parse((await cli(['best', 'loop', '--json'])).stdout) as { values: number[] };
    expect(best.values[0]).toBe(Math.min(...csv.slice(1).map((l) => Number(l.split(',')[2]))));
    expect((await cli(['tell', 'loop', '--trial', '0', '--value', '1'], { ok: false })).stderr).toMatch(
      /already complete/,
    );
    await cli(['rename', 'loop', 'shell-loop']);
    await cli(['copy', 'shell-loop', '--to', 'sqlite:./copy.db', '--name', 'copied']);
    const copied = JSON.parse(
      (await cli(['trials', 'copied', '--storage', 'sqlite:./copy.db', '--json'])).stdout,
    ) as unknown[];
    expect(copied).toEqual(
      JSON.parse((await cli(['trials', 'shell-loop', '--json'])).stdout).map((t: { studyId: number }) => ({
        ...t,
        studyId: (copied[0] as { studyId: number }).studyId,
      })),
    );
    expect(
      (await cli(['copy', 'shell-loop', '--to', 'sqlite:./copy.db', '--name', 'copied'], { ok: false }))
        .stderr,
    ).toMatch(/duplicate_study/);
    await cli(['delete', 'shell-loop']);
    const missing = await cli(['trials', 'shell-loop'], { ok: false });
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain('no study named "shell-loop"');
    expect((await cli(['nonsense'], { ok: false })).code).toBe(2);
    const unreachable = await cli(['studies', '--storage', 'postgres://postgres@127.0.0.1:1/none'], {
      ok: false,
    });
    expect([unreachable.code, /storage_unreachable/.test(unreachable.stderr)]).toEqual([3, true]);
  });
});
