// Studies for the dashboard's tests, end-to-end test and benchmark, written into a real storage by the
// library itself: one with learning curves, pruned and failed trials, a multi-objective one, a hostile name.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RandomSampler, TrialFailed, TrialPruned, createStudy } from '../../index.js';
import type { StudyStorage, Trial } from '../../index.js';

export const HOSTILE_NAME = '<img src=x onerror=alert(1)>';

/** The charts a single-objective study page with learning curves draws (`data-chart` names), live or in a report. */
export const STUDY_CHARTS = [
  'history',
  'intermediate',
  'importance',
  'parallel',
  'slice',
  'contour',
  'rank',
  'timeline',
  'edf',
] as const;

/** Builds the page if it is missing or older than its sources (tests run from source, before `npm run build`). */
export function ensureUiBuilt(): void {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const bundle = `${root}src/dashboard/ui/build/app.js`;
  const sources = ['src/dashboard/ui', 'src/dashboard', 'src/analysis/plots'].flatMap((d) =>
    readdirSync(`${root}${d}`, { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.(ts|css|html)$/.test(f) && !f.startsWith('build'))
      .map((f) => `${root}${d}/${f}`),
  );
  const built = existsSync(bundle) ? statSync(bundle).mtimeMs : 0;
  if (sources.some((f) => statSync(f).mtimeMs > built))
    execFileSync(process.execPath, [`${root}scripts/build-ui.mjs`], { cwd: root, stdio: 'inherit' });
}

/** A training-like objective: a learning curve that settles near a loss shaped by the parameters. */
export async function curveObjective(trial: Trial, epochs = 12): Promise<number> {
  const lr = trial.suggestFloat('lr', 1e-5, 1, { log: true });
  const units = trial.suggestInt('units', 8, 256, { log: true });
  const dropout = trial.suggestFloat('dropout', 0, 0.5);
  const optimizer = trial.suggestCategorical('optimizer', ['sgd', 'momentum', 'adam']);
  const floor =
    (Math.log10(lr) + 2.5) ** 2 / 4 + 1 / Math.sqrt(units) + dropout / 4 + (optimizer === 'sgd' ? 0.3 : 0);
  if (optimizer === 'sgd' && lr > 0.02) throw new TrialFailed('loss diverged to NaN at epoch 3');
  let loss = floor;
  for (let epoch = 0; epoch < epochs; epoch++) {
    loss = floor + 2 * Math.exp(-epoch / 3) * (1 + Math.sin(epoch * 7 + units) * 0.05);
    await trial.report(loss, epoch);
    // A simple, deterministic pruning rule keeps the fixture independent of the pruners' tuning.
    if (epoch === 4 && loss > 1.6) throw new TrialPruned();
  }
  return loss;
}

export async function seedStudies(storage: StudyStorage, options: { trials?: number } = {}): Promise<void> {
  const n = options.trials ?? 40;
  const main = await createStudy({
    studyName: 'curves',
    storage,
    sampler: new RandomSampler({ seed: 7 }),
    worker: 'host-a:1',
  });
  await main.setUserAttr('dataset', 'digits');
  await main.optimize(
    async (trial) => {
      await trial.setUserAttr('fold_scores', [0.91, 0.93, 0.92]);
      return curveObjective(trial);
    },
    { nTrials: n, catch: true },
  );
  const multi = await createStudy({
    studyName: 'two objectives',
    storage,
    directions: ['minimize', 'maximize'],
    sampler: new RandomSampler({ seed: 3 }),
    worker: 'host-b:2',
  });
  await multi.optimize(
    (trial) => {
      const x = trial.suggestFloat('x', 0, 1);
      const y = trial.suggestFloat('y', 0, 1);
      return [x * x + y, 1 - (1 - x) ** 2 + y / 2];
    },
    { nTrials: 30 },
  );
  const hostile = await createStudy({
    studyName: HOSTILE_NAME,
    storage,
    sampler: new RandomSampler({ seed: 1 }),
  });
  await hostile.optimize(
    async (trial) => {
      const v = trial.suggestFloat('<b>bold</b>', 0, 1);
      trial.suggestCategorical('"quoted"', ['<script>alert(2)</script>', 'plain']);
      await trial.setUserAttr('<i>attr</i>', '<img src=y onerror=alert(3)>');
      if (v > 0.8) throw new Error('<img src=z onerror=alert(4)>');
      return v;
    },
    { nTrials: 12, catch: true },
  );
  await createStudy({ studyName: 'empty', storage });
}
