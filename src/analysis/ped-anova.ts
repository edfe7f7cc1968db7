// PED-ANOVA (Watanabe, Bansal and Hutter, IJCAI 2023): a parameter matters as much as the distribution of
// its values among the best trials differs from its distribution among all trials (Pearson divergence of two
// one-dimensional Parzen estimates). Linear in the trial count, no model to fit: the estimator for big studies.
import { TunekitError } from '../errors.js';
import type { Dataset } from './forest.js';

export interface PedAnovaOptions {
  /** Share of the trials that count as the best. Default 0.1, as the paper and Optuna. */
  quantile?: number;
  /** Grid points a numeric density is compared on. Default 50, as Optuna. */
  steps?: number;
}

/**
 * One divergence per feature (not normalised). Lower targets are better: callers negate maximised values.
 * Numeric features are unit positions, so log ranges are compared in log space.
 */
export function pedAnova(data: Dataset, options: PedAnovaOptions = {}): number[] {
  const { quantile = 0.1, steps = 50 } = options;
  if (!(quantile > 0 && quantile < 1))
    throw new TunekitError('invalid_argument', `quantile must be in (0, 1), got ${quantile}`);
  const n = data.y.length;
  // Two is the fewest points a bandwidth can be estimated from.
  const nTop = Math.min(n, Math.max(2, Math.ceil(quantile * n)));
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (data.y[a] as number) - (data.y[b] as number),
  );
  const top = order.slice(0, nTop);
  const all = order;
  return data.features.map((feature, f) => {
    const column = (rows: readonly number[]): number[] =>
      rows.map((r) => (data.x[r] as readonly number[])[f] as number);
    const [pTop, pAll] =
      feature.kind === 'categorical'
        ? [categorical(column(top), feature.choices), categorical(column(all), feature.choices)]
        : [parzen(column(top), steps), parzen(column(all), steps)];
    let divergence = 0;
    pAll.forEach((p, g) => (divergence += p * ((pTop[g] as number) / p - 1) ** 2));
    return divergence;
  });
}

/** A Gaussian Parzen estimate on [0, 1], as probabilities of `steps` equal cells (so truncation needs no care). */
function parzen(values: readonly number[], steps: number): number[] {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  // Scott's rule, floored at one cell so a cluster of equal values (an int parameter) still spreads a little.
  const h = Math.max(1.059 * std * n ** -0.2, 1 / steps);
  const p = Array.from({ length: steps }, (_, g) => {
    const x = (g + 0.5) / steps;
    let s = 0;
    for (const v of values) s += Math.exp(-0.5 * ((x - v) / h) ** 2);
    return s;
  });
  const total = p.reduce((a, b) => a + b, 0);
  return p.map((v) => v / total);
}

/** Choice frequencies with one pseudo-observation spread over the choices, so no choice has probability 0. */
function categorical(values: readonly number[], k: number): number[] {
  const counts = new Array<number>(k).fill(1 / k);
  for (const v of values) counts[v]! += 1;
  return counts.map((c) => c / (values.length + 1));
}
