// Progress as a person running a study sees it: on a terminal (a pseudo-terminal from `script`) a bar
// redrawn in place with done/total, states, best, elapsed and ETA; in a log one line per trial counting
// every worker; a worker with nothing left to do says so; and the library's optimize({ showProgress }).
import { execFile, execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cli, freshDirEachTest, sandbox, writeConfig } from './cli-helpers.js';

freshDirEachTest();
const exec = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'dist/cli/main.js');
const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Runs a command line on a pseudo-terminal (util-linux `script`) and returns what the terminal received. */
async function onTerminal(command: string): Promise<string> {
  const { stdout } = await exec('script', ['-qec', command, '/dev/null'], {
    cwd: sandbox.dir,
    timeout: 120_000,
    env: { ...process.env, COLUMNS: '200' },
  });
  return stdout.replaceAll('\x1b[K', '<K>');
}

const quadratic = (name: string, trials: number) =>
  writeConfig(`${name}.yaml`, {
    study: { name, storage: `sqlite:./${name}.db`, trials, sampler: { kind: 'random', seed: 1 } },
    space: { x: { type: 'float', low: -3, high: 3 } },
    objective: {
      command: ['sh', '-c', 'sleep 0.05; echo "tunekit: {\\"value\\": $TUNEKIT_PARAM_X}"'],
    },
  });

describe('progress of tune and worker', () => {
  it('off a terminal, prints one line per trial of every worker, with the counts', async () => {
    const out = await cli(['tune', quadratic('lines', 10), '--workers', '3']);
    const lines = out.stderr.split('\n').filter((l) => /^Trial \d+ /.test(l));
    expect(lines).toHaveLength(10);
    const numbers = lines.map((l) => Number(/^Trial (\d+)/.exec(l)![1])).sort((a, b) => a - b);
    expect(numbers).toEqual([...Array(10).keys()]);
    for (const line of lines)
      expect(line).toMatch(/^Trial \d+ complete: -?[\d.e-]+ · \d+\/10 · \d+ complete, 0 pruned, 0 failed · /);
    expect(lines.at(-1)).toMatch(
      / · 10\/10 · 10 complete, 0 pruned, 0 failed · best -?[\d.e-]+ \(trial \d+\) · [\d.]+s elapsed$/,
    );
    expect(out.stdout).toContain('study "lines": 10 trials (10 complete, 0 pruned, 0 failed)');
  });

  it('a worker that joins a finished study says there is nothing left to do', async () => {
    const config = quadratic('done', 3);
    await cli(['tune', config]);
    const out = await cli(['worker', config]);
    expect(out.stderr).toContain(
      'tunekit worker: nothing left to do: study "done" holds 3 trials of its budget of 3',
    );
  });

  it.skipIf(!hasScript)(
    'on a terminal, redraws one bar with done/total, states, best, elapsed and ETA',
    async () => {
      const config = quadratic('bar', 6);
      const screen = await onTerminal(`${process.execPath} ${bin} tune ${config}`);
      const frames = screen.split(/\r(?:<K>)?/).filter((f) => f.startsWith('['));
      expect(frames.length).toBeGreaterThan(1);
      expect(frames.at(-1)).toMatch(
        /^\[#{20}\] 6\/6 · 6 complete, 0 pruned, 0 failed · best -?[\d.e-]+ \(trial \d\) · [\d.]+s elapsed/,
      );
      expect(screen).toMatch(/\[[#.]{20}\] \d\/6 .*ETA [\d.:]+s?/);
      // Each finished trial's line is written above the bar, never spliced into it.
      for (let n = 0; n < 6; n++)
        expect(screen).toMatch(new RegExp(`(^|\\n|<K>)Trial ${n} complete: [-\\d.e]+\\r?\\n`));
    },
  );

  it.skipIf(!hasScript)(
    'optimize({ showProgress: true }) draws the bar on a terminal under the log lines',
    async () => {
      const program = join(sandbox.dir, 'program.mjs');
      writeFileSync(
        program,
        `import { createStudy } from ${JSON.stringify(join(root, 'dist/index.js'))};
const study = await createStudy({ seed: 1 });
await study.optimize(async (t) => { await new Promise((r) => setTimeout(r, 30)); return t.suggestFloat('x', 0, 1); }, { nTrials: 8, showProgress: true });
`,
      );
      const screen = await onTerminal(`${process.execPath} ${program}`);
      expect(screen).toMatch(
        /\[tunekit info\] Trial 7 finished with value [\d.]+; best is trial \d with value [\d.]+\r?\n/,
      );
      expect(screen).toMatch(
        /\[#{20}\] 8\/8 · 8 complete, 0 pruned, 0 failed · best [\d.]+ \(trial \d\) · [\d.]+s elapsed\r?\n$/,
      );
    },
  );
});
