// examples/tfjs-digits.ts as a user runs it, on the WASM back end: TPE with a median pruner tunes a tfjs
// MLP on the bundled digits; some trials are pruned, none fails, and the tuned model scores the test rows.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;

describe('examples/tfjs-digits.ts', () => {
  it('tunes a tfjs model with pruning on the WASM back end', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'examples/tfjs-digits.ts', 'wasm'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 180_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const [, complete, pruned, failed] = /backend wasm: (\d+) complete, (\d+) pruned, (\d+) failed/.exec(
      out,
    )!;
    expect(Number(complete) + Number(pruned)).toBe(12);
    expect(Number(pruned)).toBeGreaterThan(0);
    expect(Number(failed)).toBe(0);
    expect(Number(/val accuracy ([\d.]+)/.exec(out)![1])).toBeGreaterThan(0.9);
    expect(Number(/test accuracy ([\d.]+)/.exec(out)![1])).toBeGreaterThan(0.85);
  }, 200_000);
});
