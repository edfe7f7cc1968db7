// End to end, the commands a study on many machines uses (docs/distributed.md): `create` stores the config
// once and runs nothing, `worker --study` joins by name and exits 0 once the budget is spent, `stop` ends
// every worker after its current trial.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../src/config/index.js';
import { openStorage } from '../src/index.js';
import type { JsonValue } from '../src/index.js';
import { cli, freshDirEachTest, sandbox, writeConfig } from './cli-helpers.js';

freshDirEachTest();

const STORAGE = ['--storage', 'sqlite:./c.db'];

function config(name: string, study: Record<string, unknown> = {}, sleep = 0): string {
  return writeConfig(name, {
    study: { name: 'c', sampler: { kind: 'random', seed: 1 }, pruner: 'none', trials: 6, ...study },
    space: { x: { type: 'float', low: 0, high: 1 } },
    objective: { command: ['sh', '-c', `sleep ${sleep}; echo "tunekit: {\\"value\\": $TUNEKIT_PARAM_X}"`] },
  });
}

async function trials(): Promise<Array<{ number: number; state: string }>> {
  return JSON.parse((await cli(['trials', 'c', ...STORAGE, '--json'])).stdout) as Array<{
    number: number;
    state: string;
  }>;
}

describe('tunekit create', () => {
  it('stores the config without running a trial; again it changes nothing; workers run it to its budget', async () => {
    const cfg = config('c.yaml');
    expect((await cli(['create', cfg, ...STORAGE])).stdout).toBe(
      'created study "c" with its config; workers join it with: tunekit worker --study c\n',
    );
    expect(await trials()).toEqual([]);
    expect((await cli(['create', cfg, ...STORAGE])).stdout).toContain('already holds this config');
    const [a, b] = await Promise.all([
      cli(['worker', '--study', 'c', ...STORAGE, '--quiet']),
      cli(['worker', '--study', 'c', ...STORAGE, '--quiet']),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const ran = await trials();
    expect(ran.map((t) => t.number)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(ran.every((t) => t.state === 'complete')).toBe(true);
    // A worker that finds nothing left to do says so and exits 0, as a cluster's job needs.
    const late = await cli(['worker', '--study', 'c', ...STORAGE, '--progress', 'lines']);
    expect(late.stderr).toContain('nothing left to do: study "c" holds 6 trials of its budget of 6');
  });

  it('refuses a study holding another config or none unless --replace, and configs workers cannot finish', async () => {
    await cli(['create', config('c.yaml'), ...STORAGE, '--quiet']);
    const bigger = config('bigger.yaml', { trials: 8 });
    const refused = await cli(['create', bigger, ...STORAGE], { ok: false });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'tunekit create: study "c" exists and holds another config; --replace stores this one [duplicate_study]\n',
    );
    expect((await cli(['create', bigger, ...STORAGE, '--replace'])).stdout).toContain(
      'stored the new config on study "c"',
    );
    await cli(['worker', '--study', 'c', ...STORAGE, '--quiet']);
    expect(await trials()).toHaveLength(8);

    // A study made without a config (by ask, or the library) holds none.
    await cli(['ask', 'bare', ...STORAGE, '--space', '{"x": {"type": "float", "low": 0, "high": 1}}']);
    const bare = await cli(['create', config('bare.yaml', { name: 'bare' }), ...STORAGE], { ok: false });
    expect(bare.stderr).toContain('study "bare" exists and holds no config');

    const cases: Array<[string, string]> = [
      [config('none.yaml', { name: 'd', trials: undefined }), 'study.trials: give a budget'],
      [
        writeConfig('staged.yaml', {
          study: { name: 'e', trials: 4 },
          space: { x: { type: 'float', low: 0, high: 1 } },
          objective: { command: ['true'] },
          strategy: { kind: 'coarse-to-fine', rounds: 2, trialsPerRound: 2 },
        }),
        'strategy.kind: optimize for a study run by workers',
      ],
    ];
    for (const [cfg, message] of cases) {
      const out = await cli(['create', cfg, ...STORAGE], { ok: false });
      expect([cfg, out.code]).toEqual([cfg, 2]);
      expect(out.stderr).toContain(message);
    }
    expect((await cli(['create', config('c.yaml'), '--trials', '3'], { ok: false })).stderr).toContain(
      'unknown option --trials',
    );
  });

  it('waits for a study another create has just made to get its config (every pod runs create at once)', async () => {
    const cfg = config('c.yaml');
    // The other create, between its two writes: the study exists, its config is not stored yet.
    const storage = await openStorage(`sqlite:${join(sandbox.dir, 'c.db')}`);
    try {
      const { id } = await storage.createStudy('c', ['minimize']);
      const mine = cli(['create', cfg, ...STORAGE]);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await storage.writeStudy(id, { config: loadConfigFile(cfg).source as JsonValue });
      expect((await mine).stdout).toBe('study "c" already holds this config; nothing changed\n');
    } finally {
      await storage.close();
    }
  });

  it('finds its storage by the one rule: $TUNEKIT_STORAGE before the config', async () => {
    const env = { TUNEKIT_STORAGE: 'sqlite:./env.db' };
    await cli(['create', config('c.yaml', { storage: 'sqlite:./cfg.db' }), '--quiet'], { env });
    expect([existsSync(join(sandbox.dir, 'env.db')), existsSync(join(sandbox.dir, 'cfg.db'))]).toEqual([
      true,
      false,
    ]);
    await cli(['worker', '--study', 'c', '--quiet'], { env });
  });
});

describe('tunekit stop', () => {
  it('ends every worker after its current trial, exit 0; a missing study exits 4', async () => {
    await cli(['create', config('c.yaml', { trials: 500 }, 0.2), ...STORAGE, '--quiet']);
    const bin = new URL('../dist/cli/main.js', import.meta.url).pathname;
    const args = [bin, 'worker', '--study', 'c', ...STORAGE, '--quiet'];
    const exits = [0, 1].map(
      () =>
        new Promise<number>((resolve) =>
          execFile(process.execPath, args, { cwd: sandbox.dir }, (error) =>
            resolve(error ? Number(error.code) : 0),
          ),
        ),
    );
    while ((await trials()).filter((t) => t.state === 'complete').length < 2)
      await new Promise((r) => setTimeout(r, 100));
    expect((await cli(['stop', 'c', ...STORAGE])).stdout).toBe(
      'asked the workers of study "c" to stop after their current trial\n',
    );
    expect(await Promise.all(exits)).toEqual([0, 0]);
    const after = await trials();
    expect(after.length).toBeLessThan(40);
    expect(after.every((t) => t.state === 'complete')).toBe(true);
    expect((await cli(['stop', 'nope', ...STORAGE], { ok: false })).code).toBe(4);
  });
});
