// The problems of `npm run bench:samplers`, mirrored one for one in bench/samplers_optuna.py. Each
// suggests its parameters on a trial and returns the value to minimise; `trueValue` recomputes it
// without noise from stored params, so regret is measured the same way for every sampler.
import { Rng } from '../src/random.js';
import type { ParamValue, Trial } from '../src/index.js';
import {
  ackley,
  branin,
  hartmann6,
  levy,
  rosenbrock,
  styblinskiTang,
} from '../src/samplers/testing/functions.js';
import type { TestFunction } from '../src/samplers/testing/functions.js';

export interface Problem {
  readonly name: string;
  readonly dims: number;
  readonly objective: (trial: Trial, noiseSeed: number) => number | Promise<number>;
  readonly trueValue: (params: Readonly<Record<string, ParamValue>>) => number;
  readonly optimum: number;
}

function fromFunction(fn: TestFunction, name = fn.name, noise = 0): Problem {
  const names = fn.bounds.map((_, i) => `x${i}`);
  const value = (p: Readonly<Record<string, ParamValue>>) => fn.f(names.map((n) => p[n] as number));
  return {
    name,
    dims: names.length,
    objective: (trial, noiseSeed) => {
      const x = fn.bounds.map(([lo, hi], i) => trial.suggestFloat(names[i]!, lo, hi));
      return fn.f(x) + (noise > 0 ? noise * Rng.derive(noiseSeed, 'noise', trial.number).normal() : 0);
    },
    trueValue: value,
    optimum: fn.optimum,
  };
}

const ACTIVATION_COST: Record<string, number> = { relu: 0, elu: 0.1, tanh: 0.3, sigmoid: 1 };

/** Mixed: a float, a log float, a stepped int, a small int and a categorical; optimum 0. */
const mixed: Problem = {
  name: 'mixed_int_cat',
  dims: 5,
  objective: (t) =>
    mixed.trueValue({
      x: t.suggestFloat('x', -5, 5),
      lr: t.suggestFloat('lr', 1e-5, 1, { log: true }),
      units: t.suggestInt('units', 16, 512, { step: 16 }),
      layers: t.suggestInt('layers', 1, 8),
      activation: t.suggestCategorical('activation', ['relu', 'tanh', 'sigmoid', 'elu']),
    }),
  trueValue: (p) =>
    ((p.x as number) - 1.2) ** 2 / 4 +
    (Math.log10(p.lr as number) + 2.5) ** 2 / 2 +
    (((p.units as number) - 240) / 128) ** 2 +
    ((p.layers as number) - 3) ** 2 / 4 +
    (ACTIVATION_COST[p.activation as string] as number),
  optimum: 0,
};

/** Conditional: a model choice, each branch with its own parameters; the Branin branch holds the optimum. */
const conditional: Problem = {
  name: 'conditional',
  dims: 6,
  objective: (t) => {
    const model = t.suggestCategorical('model', ['branin', 'sphere', 'hartmann3']);
    if (model === 'branin') return branin.f([t.suggestFloat('b1', -5, 10), t.suggestFloat('b2', 0, 15)]);
    if (model === 'sphere')
      return 2 + (t.suggestFloat('s1', -2, 2) - 0.5) ** 2 + (t.suggestFloat('s2', -2, 2) + 0.5) ** 2;
    return (
      1 + hartmann6.f([t.suggestFloat('h1', 0, 1), t.suggestFloat('h2', 0, 1), 0.3, 0.3, 0.3, 0.6]) + 3.3224
    );
  },
  trueValue: (p) => {
    if (p.model === 'branin') return branin.f([p.b1 as number, p.b2 as number]);
    if (p.model === 'sphere') return 2 + ((p.s1 as number) - 0.5) ** 2 + ((p.s2 as number) + 0.5) ** 2;
    return 1 + hartmann6.f([p.h1 as number, p.h2 as number, 0.3, 0.3, 0.3, 0.6]) + 3.3224;
  },
  optimum: branin.optimum,
};

export function problems(): Problem[] {
  return [
    fromFunction(branin),
    fromFunction(hartmann6),
    fromFunction(rosenbrock(4)),
    fromFunction(rosenbrock(10)),
    fromFunction(ackley(5)),
    fromFunction(levy(5)),
    fromFunction(styblinskiTang(8)),
    mixed,
    conditional,
    fromFunction(hartmann6, 'hartmann6_noisy', 0.1),
  ];
}
