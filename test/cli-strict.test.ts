// End to end, what a user sees when input is wrong or trials fail (issue 17): strict options with a
// did-you-mean, checked enumerated values, read-only commands that create nothing, one storage rule,
// one seed rule, and tune/worker runs that report every failure and exit 1 when no trial completed.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, freshDirEachTest, sandbox, writeConfig } from './cli-helpers.js';

freshDirEachTest();

const exists = (name: string) => existsSync(join(sandbox.dir, name));
const ECHO_ONE = ['sh', '-c', 'echo "tunekit: {\\"value\\": $TUNEKIT_PARAM_X}"'];
const ALWAYS_EXIT_3 = ['sh', '-c', 'echo "cannot read data.csv" >&2; exit 3'];

function config(name: string, study: Record<string, unknown>, command: string[] = ECHO_ONE): string {
  return writeConfig(name, {
    study: { name: 's', sampler: { kind: 'random', seed: 1 }, pruner: 'none', trials: 3, ...study },
    space: { x: { type: 'float', low: 0, high: 1 } },
    objective: { command },
  });
}

describe('strict options', () => {
  it('refuses unknown flags, short flags and extra arguments with exit 2 and a did-you-mean', async () => {
    const cfg = config('c.yaml', {});
    const cases: Array<[string[], string]> = [
      [
        ['studies', '--stroage', 'sqlite:./x.db'],
        'tunekit studies: unknown option --stroage; did you mean --storage? [invalid_argument]',
      ],
      [['trials', 's', '-n', '3'], 'tunekit trials: unknown option -n; see tunekit trials --help'],
      [['tune', cfg, '-x'], 'tunekit tune: unknown option -x; see tunekit tune --help'],
      [['tune', cfg, 'extra'], 'tunekit tune: unexpected argument "extra"; tunekit tune takes <config>'],
      [['demo', '--trails', '3'], 'tunekit demo: unknown option --trails; did you mean --trials?'],
      [['studies', '-storage', 'sqlite:./x.db'], 'unknown option -storage; did you mean --storage?'],
      [['tune', cfg, '--trials'], '--trials needs a value (N)'],
      [['tune', cfg, '--json=yes'], '--json takes no value'],
      [['tune', cfg, '--trials', '0'], '--trials must be an integer >= 1, got "0"'],
    ];
    for (const [args, message] of cases) {
      const out = await cli(args, { ok: false });
      expect([args.join(' '), out.code]).toEqual([args.join(' '), 2]);
      expect(out.stderr).toContain(message);
    }
    expect(readdirSync(sandbox.dir).filter((f) => f.endsWith('.db'))).toEqual([]);
    expect((await cli(['trails'], { ok: false })).stderr).toContain(
      'unknown command "trails"; did you mean trials?',
    );
  });

  it('describes every option in --help, and the precedence of seed and storage for tune', async () => {
    const top = (await cli(['--help'])).stdout;
    for (const name of ['demo', 'tune', 'worker', 'studies', 'trials', 'export', 'dashboard'])
      expect(top).toContain(`  ${name} `);
    const help = (await cli(['tune', '--help'])).stdout;
    for (const option of [
      '--trials N',
      '--timeout SECONDS',
      '--workers N',
      '--storage URL',
      '--seed N',
      '--json',
      '--quiet',
    ])
      expect(help).toContain(option);
    expect(help).toContain('the seed is --seed, else study.sampler.seed, else study.seed');
    expect(help).toContain(
      "--storage, else $TUNEKIT_STORAGE, else the config's study.storage, else sqlite:./tunekit.db",
    );
    expect((await cli(['trials', '-h'])).stdout).toContain(
      '--state STATE  only the trials in this state (one of complete, pruned, fail, running, waiting)',
    );
  });
});

describe('enumerated options', () => {
  it('refuses a value outside the set, naming the allowed ones, before any storage is opened', async () => {
    const cases: Array<[string[], string]> = [
      [
        ['trials', 's', '--state', 'complet'],
        '--state must be one of complete, pruned, fail, running, waiting, got "complet"; did you mean complete?',
      ],
      [
        ['tell', 's', '--trial', '0', '--state', 'failed'],
        '--state must be one of pruned, fail, got "failed"; did you mean fail?',
      ],
      [
        ['export', 's', '--format', 'jsn'],
        '--format must be one of csv, json, got "jsn"; did you mean json?',
      ],
      [
        ['importance', 's', '--evaluator', 'fanva'],
        '--evaluator must be one of auto, fanova, ped-anova, got "fanva"; did you mean fanova?',
      ],
      [
        ['ask', 's', '--space', '{}', '--direction', 'max'],
        '--direction must be one of minimize, maximize, got "max"; did you mean maximize?',
      ],
    ];
    for (const [args, message] of cases) {
      const out = await cli(args, { ok: false });
      expect([args[0], out.code]).toEqual([args[0], 2]);
      expect(out.stderr).toContain(message);
    }
    expect(exists('tunekit.db')).toBe(false);
  });
});

describe('read-only commands', () => {
  it('refuse a database that does not exist, name its path, exit 3 and leave no file behind', async () => {
    const typo = ['--storage', 'sqlite:./typo.db'];
    const commands = [
      ['studies'],
      ['trials', 's'],
      ['best', 's'],
      ['export', 's'],
      ['importance', 's'],
      ['report', 's'],
      ['delete', 's'],
      ['rename', 's', 't'],
      ['enqueue', 's', '--params', '{"x": 1}'],
      ['tell', 's', '--trial', '0', '--value', '1'],
      ['copy', 's', '--to', 'sqlite:./to.db'],
      ['worker', '--study', 's'],
      ['dashboard', '--port', '0'],
    ];
    for (const args of commands) {
      const out = await cli([...args, ...typo], { ok: false });
      expect([args[0], out.code]).toEqual([args[0], 3]);
      expect(out.stderr).toContain(`tunekit ${args[0]}: no SQLite database at ./typo.db`);
      expect(out.stderr).toContain('[storage_unreachable]');
    }
    expect(readdirSync(sandbox.dir)).toEqual([]);
    // The default storage too: listing in an empty directory does not create ./tunekit.db.
    expect((await cli(['studies'], { ok: false })).code).toBe(3);
    expect(exists('tunekit.db')).toBe(false);
  });
});

describe('one storage rule', () => {
  it('--storage, else $TUNEKIT_STORAGE, else study.storage, else ./tunekit.db, for tune and studies alike', async () => {
    const env = { TUNEKIT_STORAGE: 'sqlite:./env.db' };
    await cli(['tune', config('none.yaml', { name: 'a' }), '--quiet'], { env });
    expect([exists('env.db'), exists('tunekit.db')]).toEqual([true, false]);
    await cli(['tune', config('cfg.yaml', { name: 'b', storage: 'sqlite:./cfg.db' }), '--quiet'], { env });
    expect(exists('cfg.db')).toBe(false);
    await cli(
      [
        'tune',
        config('flag.yaml', { name: 'c', storage: 'sqlite:./cfg.db' }),
        '--storage',
        'sqlite:./flag.db',
        '--quiet',
      ],
      { env },
    );
    expect([exists('flag.db'), exists('cfg.db')]).toEqual([true, false]);
    const listed = JSON.parse((await cli(['studies', '--json'], { env })).stdout) as Array<{
      study: { name: string };
    }>;
    expect(listed.map((s) => s.study.name)).toEqual(['a', 'b']);
    await cli(['tune', config('cfg2.yaml', { name: 'd', storage: 'sqlite:./cfg.db' }), '--quiet']);
    expect([exists('cfg.db'), exists('tunekit.db')]).toEqual([true, false]);
    await cli(['tune', config('none2.yaml', { name: 'e' }), '--quiet', '--workers', '2'], { env });
    expect(exists('tunekit.db')).toBe(false);
    expect((await cli(['trials', 'e', '--json'], { env })).stdout).toContain('"complete"');
  });
});

describe('one seed rule', () => {
  it('takes seed 0, and --seed wins over study.sampler.seed and study.seed', async () => {
    const params = async (file: string, study: Record<string, unknown>, extra: string[]) => {
      await cli(['tune', config(file, { storage: `sqlite:./${file}.db`, ...study }), '--quiet', ...extra]);
      const trials = JSON.parse(
        (await cli(['trials', 's', '--storage', `sqlite:./${file}.db`, '--json'])).stdout,
      ) as Array<{
        params: { x: number };
      }>;
      return trials.map((t) => t.params.x);
    };
    const a = await params('a', { sampler: { kind: 'random', seed: 1 } }, ['--seed', '7']);
    const b = await params('b', { sampler: { kind: 'random', seed: 2 }, seed: 3 }, ['--seed', '7']);
    const c = await params('c', { sampler: { kind: 'random', seed: 2 } }, []);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(
      await params('z', { sampler: { kind: 'random', seed: 0 }, seed: 0 }, ['--seed', '0']),
    ).toHaveLength(3);
    const negative = await cli(['tune', config('n.yaml', {}), '--seed=-1'], { ok: false });
    expect([negative.code, negative.stderr]).toEqual([2, expect.stringContaining('--seed: expected a seed')]);
  });

  it('tunekit demo --seed 0 runs', async () => {
    const out = await cli(['demo', '--seed', '0', '--trials', '2']);
    expect(out.stdout).toMatch(/2 trials in [\d.]+ s/);
  });
});

describe('tune and worker fail loud', () => {
  it('print each failed trial with its reason and exit 1 when no trial completed', async () => {
    const cfg = config('fail.yaml', { storage: 'sqlite:./f.db' }, ALWAYS_EXIT_3);
    const out = await cli(['tune', cfg], { ok: false });
    expect(out.code).toBe(1);
    expect(out.stdout).toContain('study "s": 3 trials (0 complete, 0 pruned, 3 failed)');
    for (const n of [0, 1, 2]) expect(out.stderr).toContain(`Trial ${n} failed: `);
    expect(out.stderr).toContain('exited with code 3; stderr ends with:\ncannot read data.csv');
    expect(out.stderr).toMatch(/tunekit tune: no trial completed; the last failure: .*exited with code 3/);
    // --quiet silences the summary and the trial lines, never a failure.
    const quiet = await cli(['tune', cfg, '--quiet', '--trials', '4'], { ok: false });
    expect([quiet.code, quiet.stdout]).toEqual([1, '']);
    expect(quiet.stderr).toContain('Trial 3 failed: ');
    const joined = await cli(['worker', cfg, '--trials', '5', '--quiet'], { ok: false });
    expect(joined.code).toBe(1);
    expect(joined.stderr).toContain('Trial 4 failed: ');
    expect(joined.stderr).toContain('tunekit worker: no trial completed; the last failure: ');
  });

  it('--workers N: the children print their failures and the parent exits 1 if the study gained no complete trial', async () => {
    const out = await cli(
      ['tune', config('w.yaml', { storage: 'sqlite:./w.db', trials: 4 }, ALWAYS_EXIT_3), '--workers', '2'],
      { ok: false },
    );
    expect(out.code).toBe(1);
    expect(out.stderr.match(/Trial \d failed: /g)).toHaveLength(4);
    expect(out.stderr).toMatch(/tunekit tune: no trial completed; the last failure: .*exited with code 3/);
    expect(out.stdout).toContain('4 trials (0 complete, 0 pruned, 4 failed)');
  });

  it('goes on past a failed trial and exits 0 when others complete', async () => {
    const flaky = [
      'sh',
      '-c',
      'test "$TUNEKIT_TRIAL_NUMBER" = 1 && exit 3; echo "tunekit: {\\"value\\": 1}"',
    ];
    const out = await cli(['tune', config('flaky.yaml', { storage: 'sqlite:./k.db' }, flaky)]);
    expect(out.stdout).toContain('3 trials (2 complete, 0 pruned, 1 failed)');
    expect(out.stderr).toContain('Trial 1 failed: ');
    expect(out.stderr).toContain('Trial 2 complete: 1 · 3/3 · 2 complete, 0 pruned, 1 failed');
  });
});
