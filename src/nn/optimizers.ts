// Optimizers share one loop over parameters and differ only in the update rule. Adam/AdamW and the
// SGD family run as one fused kernel pass per tensor; RMSProp and Adagrad loop over the heap in TS.

import { checkBoolean, checkKeys, checkKind, checkNumber, type NumberRule } from './check.js';
import type { Kernels } from './kernels.js';
import type { Param } from './layers/layer.js';

export type OptimizerConfig =
  | { kind: 'sgd'; lr: number; weightDecay?: number }
  /** v = β·v + (1−β)·g, optionally bias-corrected v/(1−βᵗ); p −= lr·v. The averaged form. */
  | { kind: 'momentum'; lr: number; beta?: number; biasCorrection?: boolean; weightDecay?: number }
  /** v = μ·v + g; p −= lr·v. The classic heavy-ball form (PyTorch SGD with momentum). */
  | { kind: 'heavy_ball'; lr: number; momentum?: number; weightDecay?: number }
  /** v = μ·v + g; p −= lr·(g + μ·v) (PyTorch SGD with nesterov=True). */
  | { kind: 'nesterov'; lr: number; momentum?: number; weightDecay?: number }
  | { kind: 'rmsprop'; lr: number; decay?: number; eps?: number; momentum?: number; weightDecay?: number }
  | {
      kind: 'adam';
      lr: number;
      beta1?: number;
      beta2?: number;
      eps?: number;
      biasCorrection?: boolean;
      weightDecay?: number;
    }
  | {
      kind: 'adamw';
      lr: number;
      beta1?: number;
      beta2?: number;
      eps?: number;
      biasCorrection?: boolean;
      weightDecay?: number;
    }
  | { kind: 'adagrad'; lr: number; eps?: number; initialAccumulator?: number; weightDecay?: number };

export type OptimizerName = OptimizerConfig['kind'];

/** Updates parameters in place from their gradients; `lr` comes from the schedule each step. */
export interface Optimizer {
  readonly config: OptimizerConfig;
  /**
   * Called once per batch after back-propagation. `weightDecay` in the config applies to every parameter
   * (as in PyTorch); `l2`, the L2 penalty's gradient factor, only to those marked `decay` (weights).
   */
  step(lr: number, l2?: number): void;
}

type Rule = (k: Kernels, p: Param, state: number[], t: number, lr: number, l2: number) => void;

interface RuleSpec {
  slots: number;
  fill?: number;
  rule: Rule;
}

function ruleFor(c: OptimizerConfig): RuleSpec {
  const wd = c.weightDecay ?? 0;
  switch (c.kind) {
    case 'sgd':
      return {
        slots: 0,
        rule: (k, p, _s, _t, lr, l2) =>
          k.momentumStep(p.value, p.grad, -1, p.size, lr, 0, 1, 1, false, l2 + wd),
      };
    case 'momentum': {
      const beta = c.beta ?? 0.9;
      const bc = c.biasCorrection ?? false;
      return {
        slots: 1,
        rule: (k, p, s, t, lr, l2) =>
          k.momentumStep(
            p.value,
            p.grad,
            s[0],
            p.size,
            lr,
            beta,
            1 - beta,
            bc ? 1 / (1 - beta ** t) : 1,
            false,
            l2 + wd,
          ),
      };
    }
    case 'heavy_ball':
    case 'nesterov': {
      const mu = c.momentum ?? 0.9;
      const nesterov = c.kind === 'nesterov';
      return {
        slots: 1,
        rule: (k, p, s, _t, lr, l2) =>
          k.momentumStep(p.value, p.grad, s[0], p.size, lr, mu, 1, 1, nesterov, l2 + wd),
      };
    }
    case 'adam':
    case 'adamw': {
      const b1 = c.beta1 ?? 0.9;
      const b2 = c.beta2 ?? 0.999;
      const eps = c.eps ?? 1e-8;
      const bc = c.biasCorrection ?? true;
      const decoupled = c.kind === 'adamw';
      const decay = decoupled ? (c.weightDecay ?? 0.01) : 0;
      return {
        slots: 2,
        rule: (k, p, s, t, lr, l2) =>
          k.adamStep(
            p.value,
            p.grad,
            s[0],
            s[1],
            p.size,
            lr,
            b1,
            b2,
            eps,
            bc ? 1 / (1 - b1 ** t) : 1,
            bc ? 1 / (1 - b2 ** t) : 1,
            l2 + (decoupled ? 0 : wd),
            decay,
          ),
      };
    }
    case 'rmsprop': {
      const alpha = c.decay ?? 0.99;
      const eps = c.eps ?? 1e-8;
      const mu = c.momentum ?? 0;
      return {
        slots: 2,
        rule: (k, p, s, _t, lr, l2) => {
          const h = k.heap();
          const [sq, buf] = s;
          const l = l2 + wd;
          for (let i = 0; i < p.size; i++) {
            const g = h[p.grad + i] + l * h[p.value + i];
            const a = (h[sq + i] = alpha * h[sq + i] + (1 - alpha) * g * g);
            const step = g / (Math.sqrt(a) + eps);
            if (mu > 0) h[p.value + i] -= lr * (h[buf + i] = mu * h[buf + i] + step);
            else h[p.value + i] -= lr * step;
          }
        },
      };
    }
    case 'adagrad': {
      const eps = c.eps ?? 1e-10;
      return {
        slots: 1,
        fill: c.initialAccumulator ?? 0,
        rule: (k, p, s, _t, lr, l2) => {
          const h = k.heap();
          const l = l2 + wd;
          for (let i = 0; i < p.size; i++) {
            const g = h[p.grad + i] + l * h[p.value + i];
            const acc = (h[s[0] + i] += g * g);
            h[p.value + i] -= (lr * g) / (Math.sqrt(acc) + eps);
          }
        },
      };
    }
  }
}

/** Each kind's fields beside `lr` and how their values must look. */
const FIELDS: Record<OptimizerName, Record<string, NumberRule | 'boolean'>> = {
  sgd: { weightDecay: 'nonNegative' },
  momentum: { beta: 'fraction', biasCorrection: 'boolean', weightDecay: 'nonNegative' },
  heavy_ball: { momentum: 'fraction', weightDecay: 'nonNegative' },
  nesterov: { momentum: 'fraction', weightDecay: 'nonNegative' },
  rmsprop: { decay: 'fraction', eps: 'positive', momentum: 'fraction', weightDecay: 'nonNegative' },
  adam: {
    beta1: 'fraction',
    beta2: 'fraction',
    eps: 'positive',
    biasCorrection: 'boolean',
    weightDecay: 'nonNegative',
  },
  adamw: {
    beta1: 'fraction',
    beta2: 'fraction',
    eps: 'positive',
    biasCorrection: 'boolean',
    weightDecay: 'nonNegative',
  },
  adagrad: { eps: 'positive', initialAccumulator: 'nonNegative', weightDecay: 'nonNegative' },
};

/** Refuses what createOptimizer could not run, naming the field (`optimizer.lr`); configs call it in their dry run. */
export function checkOptimizer(config: unknown, field = 'optimizer'): asserts config is OptimizerConfig {
  const kind = checkKind(config, field, Object.keys(FIELDS) as OptimizerName[]);
  const fields = FIELDS[kind];
  const c = checkKeys(config, field, ['lr', ...Object.keys(fields)]);
  checkNumber(c, 'lr', field, 'positive', true);
  for (const [key, rule] of Object.entries(fields))
    if (rule === 'boolean') checkBoolean(c, key, field);
    else checkNumber(c, key, field, rule);
}

export function createOptimizer(k: Kernels, params: readonly Param[], config: OptimizerConfig): Optimizer {
  checkOptimizer(config);
  const spec = ruleFor(config);
  const trainable = params.filter((p) => p.grad >= 0);
  const state = trainable.map((p) => {
    const slots: number[] = [];
    for (let s = 0; s < spec.slots; s++) slots.push(k.alloc(p.size));
    if (spec.fill) k.heap().fill(spec.fill, slots[0], slots[0] + p.size);
    return slots;
  });
  let t = 0;
  return {
    config,
    step(lr: number, l2 = 0) {
      t++;
      trainable.forEach((p, i) => spec.rule(k, p, state[i], t, lr, p.decay ? l2 : 0));
    },
  };
}
