// Learning-rate schedules as plain data, evaluated once per epoch (epoch 0 uses the base rate unless a
// warm-up says otherwise). Reduce-on-plateau is the one stateful schedule: it watches a metric.

import { checkBoolean, checkKeys, checkKind, checkNumber, fieldError, type NumberRule } from './check.js';
import type { MonitorDirection } from './monitors.js';

export type ScheduleConfig =
  | { kind: 'constant' }
  | { kind: 'step'; stepSize: number; gamma?: number }
  | { kind: 'exponential'; gamma: number }
  /** lr0 / (1 + k·epoch). */
  | { kind: 'inverse_time'; k: number }
  /** Cosine from lr0 to etaMin over tMax epochs; with `restarts`, SGDR restarts, each period tMult times longer. */
  | { kind: 'cosine'; tMax: number; etaMin?: number; restarts?: boolean; tMult?: number }
  /** Linear warm-up from startFactor·lr0 to lr0 over `epochs`, then `then` (counted from the end of warm-up). */
  | { kind: 'warmup'; epochs: number; startFactor?: number; then?: ScheduleConfig }
  | {
      kind: 'reduce_on_plateau';
      factor?: number;
      patience?: number;
      threshold?: number;
      /** Default: follows the watched value ('max' for an accuracy, else 'min'). */
      mode?: 'min' | 'max';
      cooldown?: number;
      minLr?: number;
    };

export interface Schedule {
  /** Called at the start of each epoch; returns the learning rate for it. */
  lr(epoch: number): number;
  /** Called at the end of each epoch with the monitored value (only reduce-on-plateau uses it). */
  observe?(value: number): void;
}

export type ScheduleName = ScheduleConfig['kind'];

/** Each kind's fields, how their values must look, and which are required. */
const FIELDS: Record<
  ScheduleName,
  Record<string, [NumberRule | 'boolean' | 'mode' | 'schedule', boolean?]>
> = {
  constant: {},
  step: { stepSize: ['positiveInt', true], gamma: ['positive'] },
  exponential: { gamma: ['positive', true] },
  inverse_time: { k: ['nonNegative', true] },
  cosine: { tMax: ['positive', true], etaMin: ['nonNegative'], restarts: ['boolean'], tMult: ['positive'] },
  warmup: { epochs: ['positiveInt', true], startFactor: ['nonNegative'], then: ['schedule'] },
  reduce_on_plateau: {
    factor: ['fraction'],
    patience: ['nonNegativeInt'],
    threshold: ['nonNegative'],
    mode: ['mode'],
    cooldown: ['nonNegativeInt'],
    minLr: ['nonNegative'],
  },
};

/** Refuses what createSchedule could not run, naming the field (`schedule.stepSize`); configs call it in their dry run. */
export function checkSchedule(config: unknown, field = 'schedule'): asserts config is ScheduleConfig {
  const kind = checkKind(config, field, Object.keys(FIELDS) as ScheduleName[]);
  const fields = FIELDS[kind];
  const c = checkKeys(config, field, Object.keys(fields));
  for (const [key, [rule, required]] of Object.entries(fields)) {
    if (rule === 'boolean') checkBoolean(c, key, field);
    else if (rule === 'schedule') {
      if (c[key] !== undefined) checkSchedule(c[key], `${field}.${key}`);
    } else if (rule === 'mode') {
      if (c[key] !== undefined && c[key] !== 'min' && c[key] !== 'max')
        throw fieldError(`${field}.${key}`, 'min or max', c[key]);
    } else checkNumber(c, key, field, rule, required);
  }
}

export interface ScheduleOptions {
  /**
   * Which way the value given to `observe` improves: reduce-on-plateau's default mode ('min' for a loss,
   * 'max' for an accuracy) when its config sets none. Default 'minimize'.
   */
  direction?: MonitorDirection;
}

export function createSchedule(
  lr0: number,
  config: ScheduleConfig = { kind: 'constant' },
  options: ScheduleOptions = {},
): Schedule {
  checkSchedule(config);
  return scheduleFor(lr0, config, options);
}

function scheduleFor(lr0: number, c: ScheduleConfig, options: ScheduleOptions): Schedule {
  switch (c.kind) {
    case 'constant':
      return { lr: () => lr0 };
    case 'step':
      return { lr: (e) => lr0 * (c.gamma ?? 0.1) ** Math.floor(e / c.stepSize) };
    case 'exponential':
      return { lr: (e) => lr0 * c.gamma ** e };
    case 'inverse_time':
      return { lr: (e) => lr0 / (1 + c.k * e) };
    case 'cosine':
      return { lr: (e) => cosine(lr0, c.etaMin ?? 0, c.tMax, c.restarts ?? false, c.tMult ?? 1, e) };
    case 'warmup': {
      const start = c.startFactor ?? 1 / 3;
      const after = scheduleFor(lr0, c.then ?? { kind: 'constant' }, options);
      return {
        lr: (e) => (e < c.epochs ? lr0 * (start + ((1 - start) * e) / c.epochs) : after.lr(e - c.epochs)),
        observe: after.observe && ((v) => after.observe!(v)),
      };
    }
    case 'reduce_on_plateau':
      return plateau(lr0, c, options.direction === 'maximize');
  }
}

function cosine(
  lr0: number,
  etaMin: number,
  tMax: number,
  restarts: boolean,
  tMult: number,
  e: number,
): number {
  let tCur = e;
  let tI = tMax;
  if (restarts) {
    if (tMult === 1) tCur = e % tMax;
    else {
      const n = Math.floor(Math.log((e / tMax) * (tMult - 1) + 1) / Math.log(tMult));
      tCur = e - (tMax * (tMult ** n - 1)) / (tMult - 1);
      tI = tMax * tMult ** n;
    }
  }
  return etaMin + ((lr0 - etaMin) * (1 + Math.cos((Math.PI * tCur) / tI))) / 2;
}

/** PyTorch's ReduceLROnPlateau with relative threshold. */
function plateau(
  lr0: number,
  c: Extract<ScheduleConfig, { kind: 'reduce_on_plateau' }>,
  maximizing: boolean,
): Schedule {
  const factor = c.factor ?? 0.1;
  const patience = c.patience ?? 10;
  const threshold = c.threshold ?? 1e-4;
  const max = c.mode ? c.mode === 'max' : maximizing;
  const cooldown = c.cooldown ?? 0;
  const minLr = c.minLr ?? 0;
  let lr = lr0;
  let best = max ? -Infinity : Infinity;
  let bad = 0;
  let cool = 0;
  return {
    lr: () => lr,
    observe(v) {
      const better = max ? v > best * (1 + threshold) : v < best * (1 - threshold);
      if (better) {
        best = v;
        bad = 0;
      } else bad++;
      if (cool > 0) {
        cool--;
        bad = 0;
      }
      if (bad > patience) {
        const next = Math.max(lr * factor, minLr);
        if (lr - next > 1e-8) lr = next;
        cool = cooldown;
        bad = 0;
      }
    },
  };
}
