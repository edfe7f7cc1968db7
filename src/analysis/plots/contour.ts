// Contour of two parameters: the plane cut into a grid (log-spaced on log axes, one cell per choice for
// categories), each cell holding the best value of the trials that fell in it, plus the trials as points.
import type { Direction, TrialRecord } from '../../index.js';
import { TunekitError } from '../../errors.js';
import { axisValue, downsample, objectiveValue, paramAxes, sign } from './common.js';
import type { ParamAxis } from './common.js';

export interface ContourGridAxis {
  readonly axis: ParamAxis;
  /** Cell boundaries on the axis (cells + 1 of them); for categories, index ± 0.5. */
  readonly edges: number[];
}

export interface ContourPlot {
  readonly x: ContourGridAxis;
  readonly y: ContourGridAxis;
  readonly direction: Direction;
  /** Non-empty cells: [column, row, best value, trials in the cell]. */
  readonly cells: [number, number, number, number][];
  /** Trial positions and values (sampled beyond `maxPoints`). */
  readonly points: { x: number[]; y: number[]; values: number[]; numbers: number[] };
  readonly totalPoints: number;
}

export interface ContourOptions {
  objective?: number;
  /** Cells along a numeric axis (int axes with fewer values get one per value). Default 20. */
  bins?: number;
  maxPoints?: number;
}

export function contourPlot(
  trials: readonly TrialRecord[],
  directions: readonly Direction[],
  xName: string,
  yName: string,
  options: ContourOptions = {},
): ContourPlot {
  const objective = options.objective ?? 0;
  const direction = directions[objective] ?? 'minimize';
  const s = sign(direction);
  const complete = trials.filter((t) => objectiveValue(t, objective) !== null);
  const axes = paramAxes(complete);
  const find = (name: string): ParamAxis => {
    const axis = axes.find((a) => a.name === name);
    if (!axis)
      throw new TunekitError(
        'invalid_argument',
        `no complete trial has the parameter ${JSON.stringify(name)}`,
        { param: name },
      );
    return axis;
  };
  const x = grid(find(xName), options.bins ?? 20);
  const y = grid(find(yName), options.bins ?? 20);
  const inPlane = complete.filter(
    (t) => axisValue(x.axis, t.params[xName]) !== null && axisValue(y.axis, t.params[yName]) !== null,
  );
  const cells = new Map<string, [number, number, number, number]>();
  for (const t of inPlane) {
    const i = cellOf(x, axisValue(x.axis, t.params[xName]) as number);
    const j = cellOf(y, axisValue(y.axis, t.params[yName]) as number);
    const value = objectiveValue(t, objective) as number;
    const cell = cells.get(`${i},${j}`);
    if (!cell) cells.set(`${i},${j}`, [i, j, value, 1]);
    else {
      if (s * value < s * cell[2]) cell[2] = value;
      cell[3]++;
    }
  }
  const drawn = downsample(
    inPlane,
    options.maxPoints ?? 2000,
    (t) => s * (objectiveValue(t, objective) as number),
  );
  return {
    x,
    y,
    direction,
    cells: [...cells.values()],
    points: {
      x: drawn.map((t) => axisValue(x.axis, t.params[xName]) as number),
      y: drawn.map((t) => axisValue(y.axis, t.params[yName]) as number),
      values: drawn.map((t) => objectiveValue(t, objective) as number),
      numbers: drawn.map((t) => t.number),
    },
    totalPoints: inPlane.length,
  };
}

function grid(axis: ParamAxis, bins: number): ContourGridAxis {
  if (axis.kind === 'categorical')
    return { axis, edges: axis.choices.map((_, i) => i - 0.5).concat(axis.choices.length - 0.5) };
  if (axis.kind === 'int' && axis.high - axis.low + 1 <= bins && !axis.log) {
    const edges: number[] = [];
    for (let v = axis.low; v <= axis.high + 1; v++) edges.push(v - 0.5);
    return { axis, edges };
  }
  if (axis.low === axis.high) return { axis, edges: [axis.low, axis.high] };
  const [lo, hi] = axis.log ? [Math.log(axis.low), Math.log(axis.high)] : [axis.low, axis.high];
  const edges = Array.from({ length: bins + 1 }, (_, k) => lo + ((hi - lo) * k) / bins);
  // Pin the ends: exp(log(x)) is not always x, and the outer edges must be the range itself.
  const out = axis.log ? edges.map(Math.exp) : edges;
  out[0] = axis.low;
  out[bins] = axis.high;
  return { axis, edges: out };
}

function cellOf(g: ContourGridAxis, v: number): number {
  const last = g.edges.length - 2;
  // Binary search for the last edge <= v; values on the top edge belong to the last cell.
  let lo = 0;
  let hi = last;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((g.edges[mid] as number) <= v) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
