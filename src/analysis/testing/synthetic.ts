// Synthetic studies with known structure, shared by the analysis tests and the Optuna side-by-side bench:
// trial records sampled uniformly (in each distribution's unit space) from a seeded stream.
import { Rng } from '../../random.js';
import {
  categoricalDistribution,
  floatDistribution,
  fromUnit,
  intDistribution,
} from '../../search-space/index.js';
import type { Distribution, ParamValue } from '../../search-space/index.js';
import type { TrialRecord } from '../../study/types.js';
import { trialRecord } from '../../testing/records.js';

export interface SyntheticStudy {
  readonly name: string;
  readonly space: Readonly<Record<string, Distribution>>;
  readonly objective: (p: Readonly<Record<string, ParamValue>>, rng: Rng) => number;
  /** The parameters in their true order of importance (main effects), most important first. */
  readonly expected: readonly string[];
}

export function record(
  number: number,
  params: Record<string, ParamValue>,
  space: Readonly<Record<string, Distribution>>,
  value: number,
): TrialRecord {
  return trialRecord({ id: number + 1, number, values: [value], params, distributions: space });
}

export function sampleTrials(study: SyntheticStudy, n: number, seed: number): TrialRecord[] {
  const rng = Rng.derive(seed, 'synthetic', study.name);
  return Array.from({ length: n }, (_, i) => {
    const params: Record<string, ParamValue> = {};
    for (const [name, d] of Object.entries(study.space)) params[name] = fromUnit(d, rng.next());
    return record(i, params, study.space, study.objective(params, rng));
  });
}

const num = (p: Readonly<Record<string, ParamValue>>, name: string): number => p[name] as number;

export const linear: SyntheticStudy = {
  name: 'linear',
  space: {
    x1: floatDistribution('x1', 0, 1),
    x2: floatDistribution('x2', 0, 1),
    x3: floatDistribution('x3', 0, 1),
    color: categoricalDistribution('color', ['red', 'green', 'blue']),
  },
  objective: (p, rng) => 10 * num(p, 'x1') + num(p, 'x2') + 0.05 * rng.normal(),
  expected: ['x1', 'x2'],
};

export const product: SyntheticStudy = {
  name: 'product',
  space: {
    x1: floatDistribution('x1', -1, 1),
    x2: floatDistribution('x2', -1, 1),
    x3: floatDistribution('x3', -1, 1),
  },
  objective: (p, rng) => num(p, 'x1') * num(p, 'x2') + 0.01 * rng.normal(),
  expected: [],
};

// Shaped like a real validation loss: the learning rate matters most (on a log scale), the optimizer
// matters, the width a little, the batch size not at all.
export const training: SyntheticStudy = {
  name: 'training',
  space: {
    learning_rate: floatDistribution('learning_rate', 1e-5, 1, { log: true }),
    units: intDistribution('units', 8, 512, { log: true }),
    optimizer: categoricalDistribution('optimizer', ['sgd', 'momentum', 'adam']),
    batch_size: intDistribution('batch_size', 16, 256, { step: 16 }),
  },
  objective: (p, rng) => {
    const best = p.optimizer === 'adam' ? -3 : -2.5;
    return (
      (Math.log10(num(p, 'learning_rate')) - best) ** 2 / 4 +
      1 / Math.sqrt(num(p, 'units')) +
      (p.optimizer === 'sgd' ? 0.6 : 0) +
      0.02 * rng.normal()
    );
  },
  expected: ['learning_rate', 'optimizer', 'units'],
};

export const studies: readonly SyntheticStudy[] = [linear, product, training];
