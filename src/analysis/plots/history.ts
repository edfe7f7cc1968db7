// Optimisation history: every complete trial's value and the best value found so far, per objective.
import type { Direction, TrialRecord } from '../../index.js';
import { objectiveValue, sign } from './common.js';

export interface HistoryPlot {
  readonly objective: number;
  readonly direction: Direction;
  /** Columns, one entry per complete trial in trial order. */
  readonly numbers: number[];
  readonly values: number[];
  /** Best value among the complete trials up to and including this one. */
  readonly best: number[];
  /** The trial that holds the best value, or null if none completed. */
  readonly bestNumber: number | null;
}

export function historyPlot(
  trials: readonly TrialRecord[],
  directions: readonly Direction[],
  objective = 0,
): HistoryPlot {
  const direction = directions[objective] ?? 'minimize';
  const s = sign(direction);
  const numbers: number[] = [];
  const values: number[] = [];
  const best: number[] = [];
  let bestNumber: number | null = null;
  let bestValue = Infinity;
  for (const t of [...trials].sort((a, b) => a.number - b.number)) {
    const value = objectiveValue(t, objective);
    if (value === null) continue;
    if (s * value < bestValue) {
      bestValue = s * value;
      bestNumber = t.number;
    }
    numbers.push(t.number);
    values.push(value);
    best.push(s * bestValue);
  }
  return { objective, direction, numbers, values, best, bestNumber };
}
