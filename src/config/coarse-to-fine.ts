// Coarse-to-fine search: each round narrows every numeric range to the span of the best trials so far,
// plus a margin (in log space for log ranges), and drops categorical choices none of them used.
import { floatDistribution, intDistribution, snap } from '../search-space/index.js';
import type { Distribution, ParamValue } from '../search-space/index.js';
import { bestFirst } from '../study/pareto.js';
import type { Direction, TrialRecord } from '../study/types.js';
import type { SpaceEntry } from './space.js';

export function narrowSpace(
  space: readonly SpaceEntry[],
  trials: readonly TrialRecord[],
  direction: Direction,
  options: { top: number; margin: number },
): SpaceEntry[] {
  const top = bestFirst(trials, direction).slice(0, options.top);
  if (top.length === 0) return [...space];
  return space.map((entry) => {
    const values = top.map((t) => t.params[entry.name]).filter((v): v is ParamValue => v !== undefined);
    if (values.length === 0) return entry;
    return { ...entry, distribution: narrow(entry.name, entry.distribution, values, options.margin) };
  });
}

function narrow(name: string, d: Distribution, values: readonly ParamValue[], margin: number): Distribution {
  if (d.kind === 'categorical') {
    const kept = d.choices.filter((c) => values.some((v) => Object.is(v, c)));
    return { kind: 'categorical', choices: kept };
  }
  // A single value has nothing to narrow (and log/exp would not give it back exactly).
  if (d.low === d.high) return d;
  const scale = d.log ? Math.log : (x: number) => x;
  const unscale = d.log ? Math.exp : (x: number) => x;
  const xs = values.map((v) => scale(v as number));
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const pad = margin * Math.max(hi - lo, (scale(d.high) - scale(d.low)) * 0.02);
  let low = Math.max(d.low, unscale(lo - pad));
  let high = Math.min(d.high, unscale(hi + pad));
  if (d.kind === 'int' || d.step !== null) {
    // Snap outward to the grid so both ends remain points of the original distribution.
    const step = d.step ?? 1;
    low = snap(d, d.low + Math.floor((low - d.low) / step + 1e-9) * step);
    high = snap(d, d.low + Math.ceil((high - d.low) / step - 1e-9) * step);
    return d.kind === 'int'
      ? intDistribution(name, low, high, d.log ? { log: true } : { step })
      : floatDistribution(name, low, high, { step });
  }
  return floatDistribution(name, low, high, { log: d.log });
}
