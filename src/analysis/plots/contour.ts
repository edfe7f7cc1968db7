// Contour of two parameters: the objective smoothed over the plane (a Gaussian kernel in axis units, log
// where the axis is log, one row per choice for categories), its iso-lines, and the trials as points.
import type { Direction, TrialRecord } from '../../index.js';
import { TunekitError } from '../../errors.js';
import { axisValue, downsample, objectiveValue, paramAxes, sign } from './common.js';
import type { ParamAxis } from './common.js';

export interface ContourGridAxis {
  readonly axis: ParamAxis;
  /** Where the surface is evaluated, in axis values (choice indices for categories). */
  readonly nodes: number[];
  /** Cell boundaries around the nodes (nodes + 1 of them; midway between nodes, geometric on log axes). */
  readonly edges: number[];
}

export interface ContourLine {
  readonly level: number;
  /** Line pieces as [x1, y1, x2, y2] in axis values. */
  readonly segments: [number, number, number, number][];
}

export interface ContourPlot {
  readonly x: ContourGridAxis;
  readonly y: ContourGridAxis;
  readonly direction: Direction;
  /** The smoothed objective at each node, z[row (y)][column (x)]; null where no trial is near. */
  readonly z: (number | null)[][];
  /** Kernel width as a share of each numeric axis (in log units on log axes). */
  readonly bandwidth: number;
  /** Iso-lines at evenly spaced levels; none when an axis is categorical (there is nothing between choices). */
  readonly lines: ContourLine[];
  /** Trial positions and values (sampled beyond `maxPoints`). */
  readonly points: { x: number[]; y: number[]; values: number[]; numbers: number[] };
  readonly totalPoints: number;
}

export interface ContourOptions {
  objective?: number;
  /** Nodes along a numeric axis (int axes with fewer values get one per value). Default 40. */
  resolution?: number;
  /** Kernel width as a share of an axis. Default 0.08. */
  bandwidth?: number;
  /** Iso-lines. Default 8. */
  levels?: number;
  maxPoints?: number;
}

/** Beyond this many kernel widths from every trial, the surface is left empty rather than extrapolated. */
const REACH = 2.5;
/** Trials further than this many widths add under 1e-5 of a near one's weight: skipped. */
const CUTOFF = 5;
/** The surface is fitted on at most this many trials, evenly spaced (not the best: that would bias it). */
const MAX_FIT = 2000;

export function contourPlot(
  trials: readonly TrialRecord[],
  directions: readonly Direction[],
  xName: string,
  yName: string,
  options: ContourOptions = {},
): ContourPlot {
  const objective = options.objective ?? 0;
  const direction = directions[objective] ?? 'minimize';
  const resolution = options.resolution ?? 40;
  const bandwidth = options.bandwidth ?? 0.08;
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
  const x = gridAxis(find(xName), resolution);
  const y = gridAxis(find(yName), resolution);
  const inPlane = complete.filter(
    (t) => axisValue(x.axis, t.params[xName]) !== null && axisValue(y.axis, t.params[yName]) !== null,
  );
  const px = inPlane.map((t) => axisValue(x.axis, t.params[xName]) as number);
  const py = inPlane.map((t) => axisValue(y.axis, t.params[yName]) as number);
  const values = inPlane.map((t) => objectiveValue(t, objective) as number);
  const fit = downsample(
    inPlane.map((_, i) => i),
    MAX_FIT,
  );
  const z = smooth(
    x,
    y,
    fit.map((i) => px[i] as number),
    fit.map((i) => py[i] as number),
    fit.map((i) => values[i] as number),
    bandwidth,
  );
  const categorical = x.axis.kind === 'categorical' || y.axis.kind === 'categorical';
  const drawn = downsample(
    inPlane.map((_, i) => i),
    options.maxPoints ?? 2000,
    (i) => sign(direction) * (values[i] as number),
  );
  return {
    x,
    y,
    direction,
    z,
    bandwidth,
    lines: categorical ? [] : isoLines(x, y, z, options.levels ?? 8),
    points: {
      x: drawn.map((i) => px[i] as number),
      y: drawn.map((i) => py[i] as number),
      values: drawn.map((i) => values[i] as number),
      numbers: drawn.map((i) => (inPlane[i] as TrialRecord).number),
    },
    totalPoints: inPlane.length,
  };
}

/** A position in [0, 1] along a numeric axis (log units on log axes); categories stay as indices. */
function unit(axis: ParamAxis, v: number): number {
  if (axis.kind === 'categorical') return v;
  const [lo, hi] = axis.log ? [Math.log(axis.low), Math.log(axis.high)] : [axis.low, axis.high];
  return hi > lo ? ((axis.log ? Math.log(v) : v) - lo) / (hi - lo) : 0;
}

function gridAxis(axis: ParamAxis, resolution: number): ContourGridAxis {
  let nodes: number[];
  if (axis.kind === 'categorical') nodes = axis.choices.map((_, i) => i);
  else if (axis.kind === 'int' && !axis.log && axis.high - axis.low + 1 <= resolution)
    nodes = Array.from({ length: axis.high - axis.low + 1 }, (_, k) => axis.low + k);
  else if (axis.low === axis.high) nodes = [axis.low];
  else {
    const [lo, hi] = axis.log ? [Math.log(axis.low), Math.log(axis.high)] : [axis.low, axis.high];
    nodes = Array.from({ length: resolution }, (_, k) => lo + ((hi - lo) * k) / (resolution - 1));
    if (axis.log) nodes = nodes.map(Math.exp);
    // Pin the ends: exp(log(x)) is not always x, and the outer nodes must be the range itself.
    nodes[0] = axis.low;
    nodes[resolution - 1] = axis.high;
  }
  const log = axis.log && axis.kind !== 'categorical';
  const mid = (a: number, b: number) => (log ? Math.sqrt(a * b) : (a + b) / 2);
  // One node per choice or per integer: cells reach half a step out, so each value sits in its cell's middle.
  const perValue = axis.kind === 'categorical' || (axis.kind === 'int' && nodes.length < resolution);
  const first = nodes[0] as number;
  const last = nodes.at(-1) as number;
  const edges = [perValue || nodes.length === 1 ? first - 0.5 : first];
  for (let k = 1; k < nodes.length; k++) edges.push(mid(nodes[k - 1] as number, nodes[k] as number));
  edges.push(perValue || nodes.length === 1 ? last + 0.5 : last);
  return { axis, nodes, edges };
}

/**
 * Nadaraya-Watson: each node holds the Gaussian-weighted mean of the trials' values, distance measured in
 * axis units. A categorical axis has no distance between choices, so each choice is smoothed on its own.
 */
function smooth(
  x: ContourGridAxis,
  y: ContourGridAxis,
  px: number[],
  py: number[],
  values: number[],
  bandwidth: number,
): (number | null)[][] {
  const ux = Float64Array.from(px, (v) => unit(x.axis, v));
  const uy = Float64Array.from(py, (v) => unit(y.axis, v));
  const inv = 1 / (2 * bandwidth * bandwidth);
  const reach2 = (REACH * bandwidth) ** 2;
  const cutoff2 = (CUTOFF * bandwidth) ** 2;
  return y.nodes.map((ny) => {
    const vy = unit(y.axis, ny);
    return x.nodes.map((nx) => {
      const vx = unit(x.axis, nx);
      let weight = 0;
      let sum = 0;
      let near = false;
      for (let i = 0; i < values.length; i++) {
        const dx = x.axis.kind === 'categorical' ? (ux[i] === vx ? 0 : Infinity) : (ux[i] as number) - vx;
        const dy = y.axis.kind === 'categorical' ? (uy[i] === vy ? 0 : Infinity) : (uy[i] as number) - vy;
        const d2 = dx * dx + dy * dy;
        if (!(d2 <= cutoff2)) continue;
        if (d2 <= reach2) near = true;
        const w = Math.exp(-d2 * inv);
        weight += w;
        sum += w * (values[i] as number);
      }
      return near ? sum / weight : null;
    });
  });
}

/** Marching squares over the node grid: where each level crosses a cell's edges, by linear interpolation. */
function isoLines(
  x: ContourGridAxis,
  y: ContourGridAxis,
  z: (number | null)[][],
  count: number,
): ContourLine[] {
  const all = z.flat().filter((v): v is number => v !== null);
  if (all.length === 0 || x.nodes.length < 2 || y.nodes.length < 2) return [];
  let [lo, hi] = [Infinity, -Infinity];
  for (const v of all) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  if (!(hi > lo)) return [];
  // Interpolate positions in unit space so lines bend correctly on log axes.
  const at = (g: ContourGridAxis, k: number, t: number): number => {
    const [a, b] = [g.nodes[k] as number, g.nodes[k + 1] as number];
    return g.axis.log ? Math.exp(Math.log(a) + t * (Math.log(b) - Math.log(a))) : a + t * (b - a);
  };
  const lines: ContourLine[] = [];
  for (let l = 1; l <= count; l++) {
    const level = lo + ((hi - lo) * l) / (count + 1);
    const segments: [number, number, number, number][] = [];
    for (let j = 0; j + 1 < y.nodes.length; j++)
      for (let i = 0; i + 1 < x.nodes.length; i++) {
        const c = [z[j]?.[i], z[j]?.[i + 1], z[j + 1]?.[i + 1], z[j + 1]?.[i]];
        if (c.some((v) => v === null || v === undefined)) continue;
        const [v0, v1, v2, v3] = c as number[];
        // Corners in order around the cell: (i, j), (i+1, j), (i+1, j+1), (i, j+1).
        const crossings: [number, number][] = [];
        const edge = (va: number, vb: number, point: (t: number) => [number, number]) => {
          if (va < level !== vb < level) crossings.push(point((level - va) / (vb - va)));
        };
        edge(v0!, v1!, (t) => [at(x, i, t), y.nodes[j]!]);
        edge(v1!, v2!, (t) => [x.nodes[i + 1]!, at(y, j, t)]);
        edge(v3!, v2!, (t) => [at(x, i, t), y.nodes[j + 1]!]);
        edge(v0!, v3!, (t) => [x.nodes[i]!, at(y, j, t)]);
        // Two crossings: one piece; four (a saddle): pair them around the cell.
        for (let k = 0; k + 1 < crossings.length; k += 2)
          segments.push([...crossings[k]!, ...crossings[k + 1]!] as [number, number, number, number]);
      }
    if (segments.length > 0) lines.push({ level, segments });
  }
  return lines;
}
