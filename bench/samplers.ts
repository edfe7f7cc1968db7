// `npm run bench:samplers [-- --quick]`: simple regret of tunekit's samplers (random, QMC, TPE, GP,
// CMA-ES, the default) on standard problems at budgets 16-128 over seeds, side by side with Optuna's TPE
// (bench/samplers_optuna.py, when Debian's python3-optuna is installed), plus ask overhead at 100, 1,000
// and 5,000 trials. Prints tables; writes bench/results/samplers.json. `--overhead-only` times asks only.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import {
  AutoSampler,
  CmaEsSampler,
  GpSampler,
  QmcSampler,
  RandomSampler,
  TpeSampler,
  createStudy,
} from '../src/index.js';
import type { Sampler, Study } from '../src/index.js';
import { problems } from './sampler-problems.js';
import type { Problem } from './sampler-problems.js';
import { trainerProblem } from './sampler-trainer.js';

const quick = process.argv.includes('--quick');
/** Only the ask-overhead table (both sides), written to samplers-overhead.json. */
const overheadOnly = process.argv.includes('--overhead-only');
const BUDGETS = quick ? [16, 32, 64] : [16, 32, 64, 128];
const SEEDS = Array.from({ length: quick ? 3 : 10 }, (_, i) => i);
const QUICK_PROBLEMS = ['branin', 'hartmann6', 'mixed_int_cat', 'conditional'];
const OVERHEAD_TRIALS = quick ? [100, 1000] : [100, 1000, 5000];
const OVERHEAD_DIMS = 10;
const OVERHEAD_REPEATS = quick ? 5 : 21;
// Asks before the timed ones, on both sides: a sampler in a study of n trials has run n asks before, so its
// steady state is what a user meets (V8 optimises hot code after some calls; Python has no such phase).
const OVERHEAD_WARMUP = quick ? 5 : 20;
/** Medians within 1% of each other (or both below 1e-6) count as a tie. */
const TIE = (a: number, b: number) =>
  Math.abs(a - b) <= 0.01 * Math.max(Math.abs(a), Math.abs(b)) || Math.max(a, b) < 1e-6;

const SAMPLERS: Record<string, (seed: number) => Sampler> = {
  random: (seed) => new RandomSampler({ seed }),
  qmc: (seed) => new QmcSampler({ seed }),
  tpe: (seed) => new TpeSampler({ seed }),
  tpe_mv: (seed) => new TpeSampler({ seed, multivariate: true, group: true }),
  gp: (seed) => new GpSampler({ seed }),
  cmaes: (seed) => new CmaEsSampler({ seed }),
  default: (seed) => new AutoSampler({ seed }),
};

interface Cell {
  problem: string;
  sampler: string;
  seed: number;
  regrets: number[];
}

async function regretCurve(
  problem: Problem,
  sampler: Sampler,
  seed: number,
  budgets = BUDGETS,
): Promise<number[]> {
  const study = await createStudy({ sampler, quiet: true });
  await study.optimize((t) => problem.objective(t, seed), { nTrials: Math.max(...budgets) });
  const out: number[] = [];
  let best = Infinity;
  let bestTrue = Infinity;
  (await study.trials()).forEach((t, i) => {
    if (t.state === 'complete' && t.values![0]! < best) {
      best = t.values![0]!;
      const exact = problem.trueValue(t.params);
      bestTrue = Number.isNaN(exact) ? best : exact;
    }
    if (budgets.includes(i + 1)) out.push(bestTrue - problem.optimum);
  });
  return out;
}

function runOptuna(
  problemNames: string[],
): Promise<{ version: string; cells: Cell[]; askMs: Record<string, number> } | null> {
  const request = {
    problems: problemNames,
    seeds: SEEDS,
    budgets: BUDGETS,
    overheadTrials: OVERHEAD_TRIALS,
    overheadDims: OVERHEAD_DIMS,
    overheadRepeats: OVERHEAD_REPEATS,
    overheadWarmup: OVERHEAD_WARMUP,
  };
  return new Promise((resolve) => {
    const child = spawn('/usr/bin/python3', ['bench/samplers_optuna.py'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', () => resolve(null));
    child.on('close', (code) => {
      if (code !== 0) {
        console.log(`Optuna side failed (exit ${code}); is python3-optuna installed? Continuing without it.`);
        return resolve(null);
      }
      resolve(JSON.parse(out));
    });
    child.stdin.end(JSON.stringify(request));
  });
}

/** Median ask time (ask + suggesting every parameter) with n complete trials in a 10-dimensional space. */
async function askOverhead(make: () => Sampler, n: number): Promise<number> {
  const rng = new RandomSampler({ seed: 0 });
  const study: Study = await createStudy({ sampler: rng, quiet: true });
  const names = Array.from({ length: OVERHEAD_DIMS }, (_, i) => `x${i}`);
  let k = 0;
  await study.optimize(
    (t) => names.reduce((s, name) => s + t.suggestFloat(name, 0, 1), 0) * 0 + ((k++ * 7919) % 1000) / 1000,
    { nTrials: n },
  );
  const timed = await createStudy({
    quiet: true,
    storage: study.storage,
    studyName: study.name,
    loadIfExists: true,
    sampler: make(),
  });
  const times: number[] = [];
  for (let r = 0; r < OVERHEAD_WARMUP + OVERHEAD_REPEATS; r++) {
    const t0 = performance.now();
    const trial = await timed.ask();
    for (const name of names) trial.suggestFloat(name, 0, 1);
    await trial.flush();
    if (r >= OVERHEAD_WARMUP) times.push(performance.now() - t0);
    await timed.tell(trial, ((k++ * 7919) % 1000) / 1000);
  }
  return median(times);
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (pos - lo);
}

const median = (xs: number[]) => quantile(xs, 0.5);
const fmt = (x: number) =>
  x === 0
    ? '0'
    : Math.abs(x) >= 100
      ? x.toFixed(0)
      : Math.abs(x) >= 0.01
        ? x.toPrecision(3)
        : x.toExponential(1);

async function main(): Promise<void> {
  const started = performance.now();
  const all = overheadOnly ? [] : problems().filter((p) => !quick || QUICK_PROBLEMS.includes(p.name));
  const trainer = quick || overheadOnly ? null : await trainerProblem();
  const optunaRun = runOptuna(all.map((p) => p.name));
  const cells: Cell[] = [];
  for (const problem of [...all, ...(trainer ? [trainer] : [])]) {
    const t0 = performance.now();
    for (const [name, make] of Object.entries(SAMPLERS))
      for (const seed of SEEDS)
        cells.push({
          problem: problem.name,
          sampler: name,
          seed,
          regrets: await regretCurve(problem, make(seed), seed),
        });
    console.error(`tunekit: ${problem.name} done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  const overhead: Record<string, Record<string, number | null>> = {};
  const overheadSamplers: Record<string, () => Sampler> = {
    random: () => new RandomSampler({ seed: 1 }),
    tpe: () => new TpeSampler({ seed: 1 }),
    tpe_mv: () => new TpeSampler({ seed: 1, multivariate: true, group: true }),
    gp: () => new GpSampler({ seed: 1 }),
    cmaes: () => new CmaEsSampler({ seed: 1 }),
    default: () => new AutoSampler({ seed: 1 }),
  };
  for (const [name, make] of Object.entries(overheadSamplers)) {
    overhead[name] = {};
    // The GP is O(n³): past a few hundred trials the default hands over to TPE, so it is not timed there.
    for (const n of OVERHEAD_TRIALS)
      overhead[name]![n] = name === 'gp' && n > 300 ? null : await askOverhead(make, n);
  }
  const optuna = await optunaRun;
  if (optuna) cells.push(...optuna.cells);

  // Tables: per problem, one row per budget, median [q1, q3] of simple regret per sampler.
  const samplerNames = [...Object.keys(SAMPLERS), ...(optuna ? ['optuna_tpe', 'optuna_tpe_mv'] : [])];
  const problemNames = [...new Set(cells.map((c) => c.problem))];
  const summaryCells: Array<{
    problem: string;
    budget: number;
    sampler: string;
    median: number;
    q1: number;
    q3: number;
  }> = [];
  const score = { win: 0, tie: 0, loss: 0 };
  const losses: string[] = [];
  for (const problem of problemNames) {
    const seeds = new Set(cells.filter((c) => c.problem === problem).map((c) => c.seed)).size;
    console.log(`\n${problem}: simple regret, median [q1, q3] over ${seeds} seeds`);
    console.log(['budget', ...samplerNames].map((s) => s.padEnd(s === 'budget' ? 6 : 24)).join(' '));
    BUDGETS.forEach((budget, b) => {
      const row = [String(budget).padEnd(6)];
      const medians: Record<string, number> = {};
      for (const sampler of samplerNames) {
        const values = cells
          .filter((c) => c.problem === problem && c.sampler === sampler && c.regrets[b] !== undefined)
          .map((c) => c.regrets[b]!);
        if (values.length === 0) {
          row.push('-'.padEnd(24));
          continue;
        }
        const [q1, m, q3] = [quantile(values, 0.25), median(values), quantile(values, 0.75)];
        medians[sampler] = m;
        summaryCells.push({ problem, budget, sampler, median: m, q1, q3 });
        row.push(`${fmt(m)} [${fmt(q1)}, ${fmt(q3)}]`.padEnd(24));
      }
      console.log(row.join(' '));
      const a = medians.default;
      const o = medians.optuna_tpe;
      if (a !== undefined && o !== undefined) {
        if (TIE(a, o)) score.tie++;
        else if (a < o) score.win++;
        else {
          score.loss++;
          losses.push(`${problem}@${budget}: ${fmt(a)} vs ${fmt(o)}`);
        }
      }
    });
  }

  console.log(
    `\nask overhead, ms (median of ${OVERHEAD_REPEATS} after ${OVERHEAD_WARMUP} untimed asks), ${OVERHEAD_DIMS} float parameters`,
  );
  console.log(
    ['trials', ...Object.keys(overhead), ...(optuna ? ['optuna_tpe'] : [])]
      .map((s) => s.padEnd(10))
      .join(' '),
  );
  for (const n of OVERHEAD_TRIALS) {
    const row = [
      String(n),
      ...Object.values(overhead).map((o) => (o[n] === null ? 'n/a' : o[n]!.toFixed(2))),
    ];
    if (optuna) row.push(optuna.askMs[String(n)]!.toFixed(2));
    console.log(row.map((s) => s.padEnd(10)).join(' '));
  }
  const tpeAt1000 = overhead.tpe![1000] ?? null;
  const optunaAt1000 = optuna?.askMs['1000'] ?? null;
  if (optuna && !overheadOnly) {
    console.log(
      `\ndefault vs Optuna ${optuna.version} TPE (defaults), lower median regret per problem and budget: win ${score.win}, tie ${score.tie}, loss ${score.loss}`,
    );
    if (losses.length > 0) console.log(`losses: ${losses.join('; ')}`);
  }
  if (optuna) {
    if (tpeAt1000 !== null && optunaAt1000 !== null)
      console.log(
        `TPE ask at 1,000 trials: tunekit ${tpeAt1000.toFixed(2)} ms, Optuna ${optunaAt1000.toFixed(2)} ms (${(optunaAt1000 / tpeAt1000).toFixed(0)}× lower)`,
      );
  } else console.log('\nOptuna not available: no side-by-side comparison.');

  mkdirSync('bench/results', { recursive: true });
  const result = {
    summary: {
      default_vs_optuna_tpe: optuna ? score : null,
      tpe_ask_ms_at_1000: tpeAt1000,
      optuna_tpe_ask_ms_at_1000: optunaAt1000,
    },
    mode: quick ? 'quick' : 'full',
    optunaVersion: optuna?.version ?? null,
    budgets: BUDGETS,
    seeds: SEEDS,
    askMs: overhead,
    optunaAskMs: optuna?.askMs ?? null,
    medians: summaryCells,
    cells,
    seconds: (performance.now() - started) / 1000,
  };
  const file = overheadOnly ? 'bench/results/samplers-overhead.json' : 'bench/results/samplers.json';
  writeFileSync(file, JSON.stringify(result, null, 1));
  console.log(`\nwrote ${file} (${result.seconds.toFixed(0)} s)`);
}

await main();
