// `npm run bench:importance [-- --quick]`: tunekit's fANOVA and PED-ANOVA side by side with Optuna's
// FanovaImportanceEvaluator (bench/importance_optuna.py, Debian's python3-optuna) on the same exported trials
// of synthetic studies with known structure, plus the timings behind the automatic choice of evaluator.
// Prints tables; writes bench/results/importance.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importance } from '../src/index.js';
import { sampleTrials, studies, training } from '../src/analysis/testing/synthetic.js';

const quick = process.argv.includes('--quick');
const SIZES = quick ? [100] : [100, 300];
const SEEDS = quick ? [1, 2] : [1, 2, 3, 4, 5];
const TIMING_SIZES = quick ? [250, 1000] : [250, 500, 1000, 2000, 4000];

interface Case {
  study: string;
  n: number;
  seed: number;
  expected: readonly string[];
  tunekit: string[];
  ped: string[];
  optuna: string[];
  tunekitValues: Record<string, number>;
  optunaValues: Record<string, number>;
  tunekitSeconds: number;
  optunaSeconds: number;
}

/** Spearman's rank correlation of two orderings of the same names. */
function spearman(a: readonly string[], b: readonly string[]): number {
  const n = a.length;
  if (n < 2) return 1;
  const d2 = a.reduce((s, name, i) => s + (i - b.indexOf(name)) ** 2, 0);
  return 1 - (6 * d2) / (n * (n * n - 1));
}

/** Whether a ranking starts with the expected names in order. */
const startsWith = (ranking: readonly string[], expected: readonly string[]) =>
  expected.every((name, i) => ranking[i] === name);

function main(): void {
  const started = performance.now();
  const exported: unknown[] = [];
  const cases: Omit<Case, 'optuna' | 'optunaValues' | 'optunaSeconds'>[] = [];
  for (const study of studies)
    for (const n of SIZES)
      for (const seed of SEEDS) {
        const trials = sampleTrials(study, n, seed);
        const t0 = performance.now();
        const fanova = importance(trials, { evaluator: 'fanova', seed });
        const tunekitSeconds = (performance.now() - t0) / 1000;
        const ped = importance(trials, { evaluator: 'ped-anova' });
        cases.push({
          study: study.name,
          n,
          seed,
          expected: study.expected,
          tunekit: fanova.params.map((p) => p.param),
          ped: ped.params.map((p) => p.param),
          tunekitValues: Object.fromEntries(fanova.params.map((p) => [p.param, p.importance])),
          tunekitSeconds,
        });
        exported.push({
          name: `${study.name}/${n}/${seed}`,
          space: study.space,
          trials: trials.map((t) => ({ params: t.params, value: t.values![0] })),
        });
      }

  const dir = mkdtempSync(join(tmpdir(), 'tunekit-importance-'));
  const file = join(dir, 'trials.json');
  writeFileSync(file, JSON.stringify(exported));
  let optuna: {
    optuna: string;
    studies: { name: string; importances: Record<string, number>; seconds: number }[];
  };
  try {
    optuna = JSON.parse(
      execFileSync('/usr/bin/python3', ['bench/importance_optuna.py', file, '0'], {
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      }),
    );
  } catch (error) {
    console.log(
      `Optuna side failed (${(error as Error).message.split('\n')[0]}); is python3-optuna installed?`,
    );
    return;
  }
  const full: Case[] = cases.map((c, i) => {
    const o = optuna.studies[i]!;
    return {
      ...c,
      optuna: Object.keys(o.importances).sort((a, b) => o.importances[b]! - o.importances[a]!),
      optunaValues: o.importances,
      optunaSeconds: o.seconds,
    };
  });

  console.log(
    `tunekit fANOVA vs Optuna ${optuna.optuna} FanovaImportanceEvaluator (64 trees each), same trials`,
  );
  console.log(
    'study     n    seed  tunekit ranking                                        optuna ranking                                         rho    top1  max|diff|',
  );
  for (const c of full) {
    const diff = Math.max(...c.tunekit.map((p) => Math.abs(c.tunekitValues[p]! - (c.optunaValues[p] ?? 0))));
    console.log(
      `${c.study.padEnd(9)} ${String(c.n).padEnd(4)} ${String(c.seed).padEnd(5)} ${c.tunekit.join(' > ').padEnd(54)} ${c.optuna.join(' > ').padEnd(54)} ${spearman(c.tunekit, c.optuna).toFixed(2).padStart(5)}  ${c.tunekit[0] === c.optuna[0] ? 'yes ' : 'no  '}  ${diff.toFixed(3)}`,
    );
  }

  console.log('\nsummary per study (over sizes and seeds)');
  console.log(
    'study     cases  mean rho  top-1 agree  expected order found: tunekit fANOVA / Optuna fANOVA / tunekit PED-ANOVA',
  );
  const summary = studies.map((s) => {
    const cs = full.filter((c) => c.study === s.name);
    const row = {
      study: s.name,
      cases: cs.length,
      meanRho: cs.reduce((a, c) => a + spearman(c.tunekit, c.optuna), 0) / cs.length,
      top1: cs.filter((c) => c.tunekit[0] === c.optuna[0]).length,
      expectedTunekit: cs.filter((c) => startsWith(c.tunekit, s.expected)).length,
      expectedOptuna: cs.filter((c) => startsWith(c.optuna, s.expected)).length,
      expectedPed: cs.filter((c) => startsWith(c.ped, s.expected)).length,
    };
    const expected =
      s.expected.length === 0
        ? 'n/a (no main effect)'
        : `${row.expectedTunekit}/${row.cases} / ${row.expectedOptuna}/${row.cases} / ${row.expectedPed}/${row.cases}`;
    console.log(
      `${s.name.padEnd(9)} ${String(row.cases).padEnd(6)} ${row.meanRho.toFixed(2).padEnd(9)} ${`${row.top1}/${row.cases}`.padEnd(12)} ${expected}`,
    );
    return row;
  });
  const time = (k: 'tunekitSeconds' | 'optunaSeconds', n: number) =>
    full.filter((c) => c.n === n).reduce((a, c) => a + c[k], 0) / full.filter((c) => c.n === n).length;
  for (const n of SIZES)
    console.log(
      `mean seconds at ${n} trials: tunekit ${time('tunekitSeconds', n).toFixed(2)}, Optuna ${time('optunaSeconds', n).toFixed(2)}`,
    );

  console.log('\ntiming behind evaluator "auto" (training study, one core)');
  console.log('trials  fANOVA s  PED-ANOVA s');
  const timing = TIMING_SIZES.map((n) => {
    const trials = sampleTrials(training, n, 7);
    let t = performance.now();
    importance(trials, { evaluator: 'fanova' });
    const fanovaSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    importance(trials, { evaluator: 'ped-anova' });
    const pedSeconds = (performance.now() - t) / 1000;
    console.log(`${String(n).padEnd(7)} ${fanovaSeconds.toFixed(2).padEnd(9)} ${pedSeconds.toFixed(3)}`);
    return { n, fanovaSeconds, pedSeconds };
  });

  mkdirSync('bench/results', { recursive: true });
  writeFileSync(
    'bench/results/importance.json',
    JSON.stringify(
      { optuna: optuna.optuna, cases: full, summary, timing, seconds: (performance.now() - started) / 1000 },
      null,
      1,
    ),
  );
  console.log(
    `\nwrote bench/results/importance.json (${((performance.now() - started) / 1000).toFixed(0)} s)`,
  );
}

main();
