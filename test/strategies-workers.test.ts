// End to end through the built CLI: `tune --workers 2` on a staged and a coarse-to-fine config runs each
// step's trials in worker processes and gives the trials one process gives; a worker started by hand joins
// a stage from storage alone; a killed run resumes at the stage it was in.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStudyConfig } from '../src/config/index.js';
import { openStorage } from '../src/index.js';
import type { StudyInfo, TrialRecord } from '../src/index.js';
import { cli, freshDirEachTest, sandbox, writeConfig } from './cli-helpers.js';

freshDirEachTest();

// A trial that takes a while (so both workers get some), minimised near lr 0.01, 20 units and tanh.
const objective = {
  command: [
    process.execPath,
    '-e',
    `const p = (n) => process.env['TUNEKIT_PARAM_' + n];
     setTimeout(() => {
       const v = (Math.log10(+p('LR')) + 2) ** 2 + (+p('UNITS') - 20) ** 2 / 100 + (p('ACT') === 'tanh' ? 0 : 0.3);
       console.log('tunekit: ' + JSON.stringify({ value: v }));
     }, 300);`,
  ],
};
const space = {
  lr: { type: 'float', low: 1e-4, high: 1, log: true, default: 0.01 },
  units: { type: 'int', low: 4, high: 32, default: 8 },
  act: { type: 'categorical', choices: ['relu', 'tanh'], default: 'relu' },
};
// The random sampler draws by (seed, trial number, knob), so one process and two give the same trials.
const study = (name: string) => ({ name, sampler: { kind: 'random', seed: 3 }, pruner: 'none' });
const staged = {
  study: study('st'),
  space,
  objective,
  strategy: {
    kind: 'staged',
    stages: [
      { params: ['lr'], trials: 4 },
      { params: ['units', 'act'], trials: 4, then: 'narrow' },
    ],
    final: 2,
  },
};
const STAGES = ['st.stage-1', 'st.stage-2', 'st.stage-3'];

/** Each study's record and trials, read from a database of the sandbox. */
async function read(db: string, names: readonly string[]) {
  const storage = await openStorage(`sqlite:${join(sandbox.dir, db)}`, { create: false });
  try {
    const out: Record<string, { info: StudyInfo; trials: TrialRecord[] }> = {};
    for (const name of names) {
      const info = await storage.getStudy(name);
      out[name] = { info, trials: await storage.getTrials(info.id) };
    }
    return out;
  } finally {
    await storage.close();
  }
}

/** What a trial is, whichever process ran it. */
const essence = (t: TrialRecord) => [t.number, t.state, t.params, t.values, t.userAttrs];
const stepLines = (stderr: string) => stderr.match(/^(?:stage|round) \d.*$/gm) ?? [];
const workersOf = (trials: readonly TrialRecord[]) => new Set(trials.map((t) => t.worker)).size;

describe('tunekit tune --workers 2 with a strategy', () => {
  it('staged: each stage run by worker processes, with the trials, holds and summary of one process', async () => {
    const config = writeConfig('staged.yaml', staged);
    const [one, two] = await Promise.all([
      cli(['tune', config, '--storage', 'sqlite:./one.db']),
      cli(['tune', config, '--storage', 'sqlite:./two.db', '--workers', '2']),
    ]);
    expect(stepLines(two.stderr)).toHaveLength(3);
    expect(stepLines(two.stderr)).toEqual(stepLines(one.stderr));
    expect(two.stdout).toMatch(/^best: trial \d+, value /m);
    expect(two.stdout).toEqual(one.stdout);
    const a = await read('one.db', STAGES);
    const b = await read('two.db', STAGES);
    for (const [name, budget] of [
      ['st.stage-1', 4],
      ['st.stage-2', 4],
      ['st.stage-3', 2],
    ] as const) {
      expect(b[name]!.trials).toHaveLength(budget);
      expect(b[name]!.trials.map(essence)).toEqual(a[name]!.trials.map(essence));
      if (budget >= 4) expect(workersOf(b[name]!.trials)).toBe(2);
      // Knobs the stage held are where its link says, in every trial.
      for (const t of b[name]!.trials) expect(t.params).toMatchObject(b[name]!.info.stage!.fixed);
    }
    const winner = b['st.stage-1']!.trials.reduce((x, y) => (x.values![0]! <= y.values![0]! ? x : y));
    expect(b['st.stage-1']!.info.stage).toMatchObject({ parent: 'st', fixed: { units: 8, act: 'relu' } });
    expect(b['st.stage-2']!.info.stage).toMatchObject({ index: 2, fixed: { lr: winner.params.lr } });
    // Each stage's study holds its own config: the stage's space, its budget, no strategy.
    const stored = b['st.stage-2']!.info.config as Record<string, unknown>;
    expect(stored.step).toEqual({ label: 'stage 2 (units+act)' });
    expect(stored.strategy).toBeUndefined();
    expect(stored.study).toMatchObject({ name: 'st.stage-2', trials: 4 });
    expect(stored.space).toMatchObject({ lr: { low: winner.params.lr, high: winner.params.lr } });
  }, 120_000);

  it('coarse-to-fine: each round run by worker processes, with the trials of one process', async () => {
    const config = writeConfig('c2f.yaml', {
      study: study('c2f'),
      space: { ...space, units: { type: 'int', low: 4, high: 32 } },
      objective,
      strategy: { kind: 'coarse-to-fine', rounds: 2, trialsPerRound: 4, top: 2, margin: 0.1 },
    });
    const [one, two] = await Promise.all([
      cli(['tune', config, '--storage', 'sqlite:./one.db']),
      cli(['tune', config, '--storage', 'sqlite:./two.db', '--workers', '2']),
    ]);
    expect(stepLines(two.stderr)).toHaveLength(2);
    expect(stepLines(two.stderr)).toEqual(stepLines(one.stderr));
    expect(two.stdout).toMatch(/^best: trial \d+, value /m);
    expect(two.stdout).toEqual(one.stdout);
    const a = (await read('one.db', ['c2f'])).c2f!;
    const b = (await read('two.db', ['c2f'])).c2f!;
    expect(b.trials.map(essence)).toEqual(a.trials.map(essence));
    for (const round of [1, 2]) {
      const trials = b.trials.filter((t) => t.userAttrs.round === round);
      expect(trials).toHaveLength(4);
      expect(workersOf(trials)).toBe(2);
    }
    // Round 2 samples within the range round 1 narrowed to, as printed.
    const units = JSON.parse(/^round 2: .*units (\{[^}]*\})/m.exec(two.stderr)![1]!) as {
      low: number;
      high: number;
    };
    expect(units.high - units.low).toBeLessThan(28);
    for (const t of b.trials.filter((t) => t.userAttrs.round === 2))
      expect(t.params.units).toSatisfy((u: number) => u >= units.low && u <= units.high);
  }, 120_000);

  it('a worker started by hand joins a stage from storage alone', async () => {
    const config = writeConfig('staged.yaml', {
      ...staged,
      strategy: { kind: 'staged', stages: [{ params: ['lr'], trials: 8 }] },
    });
    const tune = cli(['tune', config, '--storage', 'sqlite:./s.db']);
    const url = `sqlite:${join(sandbox.dir, 's.db')}`;
    // The stage's config is stored when the stage starts; a worker that came earlier would find none.
    await until(() => loadStudyConfig(url, 'st.stage-1'));
    const hand = start(['worker', '--storage', 'sqlite:./s.db', '--study', 'st.stage-1']);
    const [out, joined] = await Promise.all([tune, hand.done]);
    expect(joined.code).toBe(0);
    expect(joined.stderr).toMatch(/^stage 1 \(lr\): lr \{"kind":"float","low":0\.0001,"high":1/m);
    expect(out.stdout).toMatch(/^best: trial \d+, value /m);
    const { trials } = (await read('s.db', ['st.stage-1']))['st.stage-1']!;
    expect(trials).toHaveLength(8);
    const byHand = trials.filter((t) => t.worker?.startsWith(`pid${hand.pid}-`));
    expect(byHand.length).toBeGreaterThan(0);
    for (const t of byHand) expect([t.params.units, t.params.act]).toEqual([8, 'relu']);
  }, 120_000);

  it('a run killed in stage 2 resumes there: stage 1 runs nothing more, the budgets are kept, the dead trials retried', async () => {
    // Short heartbeats, so the resumed run fails the killed run's trials soon and runs their retries.
    const config = writeConfig('staged.yaml', {
      ...staged,
      study: { ...staged.study, retries: 1, heartbeat: { interval: 0.2, grace: 1.5 } },
    });
    const killed = start(['tune', config, '--storage', 'sqlite:./k.db', '--workers', '2']);
    const url = `sqlite:${join(sandbox.dir, 'k.db')}`;
    await until(async () => {
      const trials = (await read('k.db', ['st.stage-2']))['st.stage-2']!.trials;
      if (!trials.some((t) => t.state === 'complete')) throw new Error('stage 2 has not begun');
    });
    process.kill(-killed.pid, 'SIGKILL'); // the parent and its workers, as a crash would
    await killed.done;
    const before = (await read('k.db', ['st.stage-1']))['st.stage-1']!.trials;
    const out = await cli(['tune', config, '--storage', url, '--workers', '2']);
    expect(stepLines(out.stderr)).toHaveLength(3);
    expect(stepLines(out.stderr).slice(0, 2)).toEqual(stepLines((await killed.done).stderr).slice(0, 2));
    const after = await read('k.db', STAGES);
    expect(after['st.stage-1']!.trials).toEqual(before);
    // Each trial the kill left running was failed as stale and retried; none is left running.
    const stage2 = after['st.stage-2']!.trials;
    expect(stage2.filter((t) => t.retriedFrom === null)).toHaveLength(4);
    for (const t of stage2.filter((t) => t.state === 'fail')) expect(t.retriedBy).not.toBeNull();
    expect(after['st.stage-3']!.trials).toHaveLength(2);
    for (const name of STAGES)
      expect(after[name]!.trials.filter((t) => t.state === 'running' || t.state === 'waiting')).toEqual([]);
    expect(out.stdout).toMatch(/^best: trial \d+, value /m);
  }, 120_000);
});

/** Retries `attempt` every 100 ms until it resolves (60 s at most). */
async function until<T>(attempt: () => Promise<T>): Promise<T> {
  for (const started = Date.now(); ;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() - started > 60_000) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** `tunekit ...args` in the background, in a process group of its own (killing -pid takes its workers too). */
function start(args: string[]) {
  const bin = new URL('../dist/cli/main.js', import.meta.url).pathname;
  const child = spawn(process.execPath, [bin, ...args], { cwd: sandbox.dir, detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { pid: child.pid!, done };
}
