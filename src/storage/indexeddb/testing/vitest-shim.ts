// Just enough of vitest for the storage contract suite to run inside a browser page: describe, it and the
// hooks collect cases, `expect` is vitest's own (its matchers on chai), and runSuite runs them in order.
import * as chai from 'chai';
import { JestAsymmetricMatchers, JestChaiExpect, JestExtend } from '@vitest/expect';

chai.use(JestExtend);
chai.use(JestChaiExpect);
chai.use(JestAsymmetricMatchers);

export const expect = chai.expect as unknown as typeof import('vitest').expect;

type Fn = () => unknown | Promise<unknown>;
interface Case {
  name: string;
  fn: Fn;
  before: Fn[];
  after: Fn[];
}

const cases: Case[] = [];
const prefix: string[] = [];
let before: Fn[] = [];
let after: Fn[] = [];

export function describe(name: string, body: () => void): void {
  const saved = [before, after];
  prefix.push(name);
  [before, after] = [[...before], [...after]];
  body();
  prefix.pop();
  [before, after] = saved as [Fn[], Fn[]];
}

export function it(name: string, fn: Fn): void {
  cases.push({ name: [...prefix, name].join(' > '), fn, before, after });
}

export const beforeEach = (fn: Fn): void => void before.push(fn);
export const afterEach = (fn: Fn): void => void after.push(fn);

export interface CaseResult {
  name: string;
  error: string | null;
  ms: number;
}

/** Runs every collected case with its hooks, one at a time, each bounded by `timeoutMs`. */
export async function runSuite(timeoutMs = 20_000): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of cases) {
    const t0 = performance.now();
    let error: string | null = null;
    try {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([
          (async () => {
            for (const h of c.before) await h();
            try {
              await c.fn();
            } finally {
              for (const h of c.after) await h();
            }
          })(),
          timeout,
        ]);
      } finally {
        clearTimeout(timer);
      }
    } catch (e) {
      error = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
    }
    results.push({ name: c.name, error, ms: Math.round(performance.now() - t0) });
  }
  return results;
}
