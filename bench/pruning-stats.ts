// How sure is a ratio that bench:pruning measures? Its seeds, and random search's pooled runs, are
// resampled with replacement; the ratios of medians over 4,000 resamples give a 90% interval and the
// share of resamples that meet the goal. Two methods are also compared seed by seed (same seeds, same
// start-up trials), with an exact two-sided sign test. bench/pruning.ts prints this after a run;
// `npx tsx bench/pruning-stats.ts [file.json …]` prints it again from saved runs (default
// bench/results/pruning.json), merging several runs of one commit.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Rng } from '../src/random.js';

/** One (data set, method, seed) run, as bench/pruning.json's `per_seed` holds it. */
export interface SeedRun {
  dataset: string;
  method: string;
  seed: number;
  target: number;
  epochs_to_target: number | null;
  /** Final val accuracy of each full-budget model, in the order they finished. */
  full_budget_vals: number[];
}

/** Full budget (R) of every task in the bench, in epochs. */
export const MAX_EPOCHS = 27;
const GOAL = 1 / 3;
const RESAMPLES = 4000;

/** Linear interpolation between order statistics; Infinity ("never") sorts last and wins any mix. */
export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  const lo = s[Math.floor(at)]!;
  const hi = s[Math.ceil(at)]!;
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return Infinity;
  return lo + (hi - lo) * (at - Math.floor(at));
}

export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

/**
 * Random search's epochs to the target, from its runs pooled: they are independent draws, so with
 * p = hits / runs the trials to the first hit are geometric; the q-quantile is ⌈ln(1 − q) / ln(1 − p)⌉
 * trials of R epochs. Infinity if no run hit.
 */
export function pooledEpochs(vals: readonly number[], target: number, q: number): number {
  const p = vals.filter((v) => v >= target).length / vals.length;
  if (p === 0) return Infinity;
  return (p === 1 ? 1 : Math.ceil(Math.log(1 - q) / Math.log(1 - p))) * MAX_EPOCHS;
}

const epochsOf = (r: SeedRun) => r.epochs_to_target ?? Infinity;

export interface RatioInterval {
  /** 5th, 50th and 95th percentile of the resampled ratio (Infinity: "never"). */
  low: number;
  mid: number;
  high: number;
  /** Share of resamples whose ratio is at most the goal. */
  meetsGoal: number;
}

/** The ratio of `method`'s median epochs to random search's, resampled over seeds. */
export function bootstrapRatio(runs: readonly SeedRun[], dataset: string, method: string): RatioInterval {
  const rng = Rng.derive(0, 'pruning-bootstrap', dataset, method);
  const pick = <T>(xs: readonly T[]): T[] => xs.map(() => xs[Math.floor(rng.next() * xs.length)]!);
  const mine = runs.filter((r) => r.dataset === dataset && r.method === method).map(epochsOf);
  const random = runs.filter((r) => r.dataset === dataset && r.method === 'random-full');
  const target = random[0]!.target;
  const ratios: number[] = [];
  for (let i = 0; i < RESAMPLES; i++) {
    const pooled = pick(random).flatMap((r) => r.full_budget_vals);
    ratios.push(median(pick(mine)) / pooledEpochs(pooled, target, 0.5));
  }
  return {
    low: quantile(ratios, 0.05),
    mid: quantile(ratios, 0.5),
    high: quantile(ratios, 0.95),
    meetsGoal: ratios.filter((r) => r <= GOAL).length / RESAMPLES,
  };
}

/** Seeds at which `a` needs fewer / more / as many epochs as `b`, and the exact two-sided sign test. */
export function pairedCounts(
  runs: readonly SeedRun[],
  dataset: string,
  a: string,
  b: string,
): { fewer: number; more: number; ties: number; p: number } {
  const bySeed = (method: string) =>
    new Map(
      runs.filter((r) => r.dataset === dataset && r.method === method).map((r) => [r.seed, epochsOf(r)]),
    );
  const as = bySeed(a);
  const bs = bySeed(b);
  let fewer = 0;
  let more = 0;
  let ties = 0;
  for (const [seed, x] of as) {
    const y = bs.get(seed);
    if (y === undefined) continue;
    if (x < y) fewer++;
    else if (x > y) more++;
    else ties++;
  }
  return { fewer, more, ties, p: signTest(fewer, more) };
}

/** P(a split at least as uneven as k : n − k) when each side is a fair coin, both tails. */
function signTest(k: number, l: number): number {
  const n = k + l;
  if (n === 0) return 1;
  let logC = 0; // log C(n, 0)
  let tail = 0;
  for (let i = 0; i <= Math.min(k, l); i++) {
    tail += Math.exp(logC - n * Math.LN2);
    logC += Math.log(n - i) - Math.log(i + 1);
  }
  return Math.min(1, 2 * tail);
}

const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'never');

export function printIntervals(runs: readonly SeedRun[]): void {
  for (const dataset of [...new Set(runs.map((r) => r.dataset))]) {
    const methods = [...new Set(runs.filter((r) => r.dataset === dataset).map((r) => r.method))].filter(
      (m) => m !== 'random-full',
    );
    console.log(`\n**${dataset}**: ratio to random search, resampled over seeds (${RESAMPLES} resamples)\n`);
    console.log('| method | ratio (median of resamples) | 90% interval | resamples at or under 1/3 |');
    console.log('|---|---|---|---|');
    for (const method of methods) {
      const r = bootstrapRatio(runs, dataset, method);
      console.log(
        `| ${method} | ${fmt(r.mid)} | [${fmt(r.low)}, ${fmt(r.high)}] | ${(r.meetsGoal * 100).toFixed(0)}% |`,
      );
    }
    for (const other of methods.filter((m) => m.startsWith('tpe-hyperband-')))
      if (methods.includes('tpe-hyperband')) {
        const c = pairedCounts(runs, dataset, 'tpe-hyperband', other);
        console.log(
          `tpe-hyperband vs ${other}, seed by seed: fewer epochs at ${c.fewer} seeds, more at ${c.more}, ` +
            `as many at ${c.ties} (sign test p = ${c.p.toPrecision(2)})`,
        );
      }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // Several files (runs of the same commit with different BENCH_METHODS) are merged; a run that is in
  // more than one (random search is in every one) is taken once.
  const files =
    process.argv.length > 2 ? process.argv.slice(2) : [new URL('./results/pruning.json', import.meta.url)];
  const runs = new Map<string, SeedRun>();
  for (const file of files)
    for (const run of (JSON.parse(readFileSync(file, 'utf8')) as { per_seed: SeedRun[] }).per_seed) {
      const key = `${run.dataset}/${run.method}/${run.seed}`;
      if (!runs.has(key)) runs.set(key, run);
    }
  printIntervals([...runs.values()]);
}
