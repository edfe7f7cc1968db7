// Real programs as trials: sh and python3 scripts, pruned, timed out, failing, flooding, and hostile values.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStudy } from '../create-study.js';
import type { Pruner } from '../study/pruner.js';
import type { TrialRecord } from '../study/types.js';
import { runCommandTrial } from './command-trial.js';
import type { CommandSpec } from './command-trial.js';

async function runOne(
  spec: CommandSpec,
  options: { pruner?: Pruner; params?: Record<string, string | number> } = {},
): Promise<TrialRecord> {
  const study = await createStudy({ ...(options.pruner ? { pruner: options.pruner } : {}) });
  await study.optimize(
    (trial) => {
      const params = options.params ?? { lr: trial.suggestFloat('lr', 0.001, 0.1, { log: true }) };
      return runCommandTrial(spec, trial, params);
    },
    { nTrials: 1, catch: true },
  );
  return (await study.trials())[0]!;
}

const sh = (script: string, extra: Partial<CommandSpec> = {}): CommandSpec => ({
  argv: ['sh', '-c', script],
  ...extra,
});

describe('command trials', () => {
  it('pass parameters as argv, environment and a JSON file, and read intermediate and final values', async () => {
    const py = [
      'import json, os, sys',
      'lr = float(sys.argv[1])',
      'assert abs(lr - float(os.environ["TUNEKIT_PARAM_LR"])) < 1e-12',
      'assert json.load(open(os.environ["TUNEKIT_PARAMS_FILE"]))["lr"] == lr',
      'for step in range(3): print("tunekit:", json.dumps({"step": step, "value": lr * step}), flush=True)',
      'print("some other output")',
      'print("tunekit:", json.dumps({"value": lr * 10}))',
    ].join('\n');
    const t = await runOne({ argv: ['python3', '-c', py, '{lr}'] });
    expect(t.state).toBe('complete');
    const lr = t.params.lr as number;
    expect(t.values![0]).toBeCloseTo(lr * 10, 12);
    expect(Object.keys(t.intermediateValues)).toEqual(['0', '1', '2']);
  });

  it('terminate the program when the trial is pruned', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'tk-')), 'survived');
    const pruner: Pruner = { prune: (_ctx, trial) => Object.keys(trial.intermediateValues).length >= 3 };
    const script = `i=0; while [ $i -lt 50 ]; do echo "tunekit: {\\"step\\": $i, \\"value\\": $i}"; i=$((i+1)); sleep 0.05; done; touch ${marker}; echo 'tunekit: {"value": 1}'`;
    const t = await runOne(sh(script), { pruner });
    expect(t.state).toBe('pruned');
    expect(t.values).toEqual([2]);
    await new Promise((r) => setTimeout(r, 300));
    expect(existsSync(marker)).toBe(false);
  });

  it('kill the program on timeout', async () => {
    const started = Date.now();
    const t = await runOne(sh('sleep 20', { timeoutMs: 300, killGraceMs: 200 }));
    expect(t.state).toBe('fail');
    expect(t.failReason).toMatch(/timed out after 300 ms/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('fail cleanly with the tail of stderr, a missing final value, a signal, a malformed line, a missing program', async () => {
    expect((await runOne(sh('echo "Traceback: bad things" >&2; exit 3'))).failReason).toMatch(
      /exited with code 3; stderr ends with:\nTraceback: bad things/,
    );
    expect((await runOne(sh('echo done'))).failReason).toMatch(/exited without printing a final value/);
    expect((await runOne(sh('kill -9 $$'))).failReason).toMatch(/killed by SIGKILL/);
    expect((await runOne(sh('echo "tunekit: {\\"value\\": oops}"; sleep 5'))).failReason).toMatch(
      /malformed metric line .*not JSON/,
    );
    expect((await runOne({ argv: ['/nonexistent/program'] })).failReason).toMatch(
      /could not start "\/nonexistent\/program"/,
    );
  });

  it('survive a program that floods stdout', async () => {
    const t = await runOne(
      sh(
        'head -c 20000000 /dev/zero | tr "\\0" x; echo; yes "noise line" | head -n 200000; echo \'tunekit: {"value": 7}\'',
      ),
    );
    expect(t).toMatchObject({ state: 'complete', values: [7] });
  });

  it('never pass values through a shell', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-'));
    const hostile = `; rm -rf ${dir} $(touch ${dir}/pwned) \`touch ${dir}/pwned2\``;
    const py =
      'import json,os,sys; ok = sys.argv[1] == os.environ["TUNEKIT_PARAM_CMD"]; print("tunekit:", json.dumps({"value": 1 if ok else 0}))';
    const t = await runOne({ argv: ['python3', '-c', py, '{cmd}'] }, { params: { cmd: hostile } });
    expect(t).toMatchObject({ state: 'complete', values: [1] });
    expect(existsSync(dir)).toBe(true);
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
    expect(existsSync(join(dir, 'pwned2'))).toBe(false);
  });
});
