// Limited-memory BFGS for the GP's smooth problems (kernel hyperparameters, the acquisition function),
// with optional box bounds handled by projecting each step onto the box.

export interface Objective {
  /** Value and gradient at x (the gradient is written into `grad`). */
  (x: Float64Array, grad: Float64Array): number;
}

export interface LbfgsOptions {
  maxIterations?: number;
  /** Stop when the largest projected-gradient entry falls below this. */
  gradientTolerance?: number;
  lower?: Float64Array;
  upper?: Float64Array;
  memory?: number;
}

/** Minimises f from x0; returns the best point found and its value. */
export function minimize(
  f: Objective,
  x0: Float64Array,
  options: LbfgsOptions = {},
): { x: Float64Array; value: number } {
  const n = x0.length;
  const { maxIterations = 100, gradientTolerance = 1e-6, lower, upper, memory = 8 } = options;
  const project = (x: Float64Array) => {
    if (lower && upper) for (let i = 0; i < n; i++) x[i] = Math.min(upper[i]!, Math.max(lower[i]!, x[i]!));
    return x;
  };
  let x = project(Float64Array.from(x0));
  let g = new Float64Array(n);
  let fx = f(x, g);
  if (!Number.isFinite(fx)) return { x, value: fx };
  const ss: Float64Array[] = [];
  const ys: Float64Array[] = [];
  const rhos: number[] = [];
  const alpha = new Float64Array(memory);
  for (let iter = 0; iter < maxIterations; iter++) {
    // Projected gradient: entries pushing against an active bound do not count.
    let pgMax = 0;
    for (let i = 0; i < n; i++) {
      let gi = g[i]!;
      if (lower && upper && ((x[i]! <= lower[i]! && gi > 0) || (x[i]! >= upper[i]! && gi < 0))) gi = 0;
      pgMax = Math.max(pgMax, Math.abs(gi));
    }
    if (pgMax < gradientTolerance) break;
    // Two-loop recursion for the quasi-Newton direction.
    const q = Float64Array.from(g);
    for (let k = ss.length - 1; k >= 0; k--) {
      alpha[k] = rhos[k]! * dot(ss[k]!, q);
      axpy(-alpha[k]!, ys[k]!, q);
    }
    if (ss.length > 0) {
      const last = ss.length - 1;
      const gamma = dot(ss[last]!, ys[last]!) / dot(ys[last]!, ys[last]!);
      for (let i = 0; i < n; i++) q[i]! *= gamma;
    } else {
      const scale = 1 / Math.max(1, Math.sqrt(dot(g, g)));
      for (let i = 0; i < n; i++) q[i]! *= scale;
    }
    for (let k = 0; k < ss.length; k++) {
      const beta = rhos[k]! * dot(ys[k]!, q);
      axpy(alpha[k]! - beta, ss[k]!, q);
    }
    let direction = q.map((v) => -v);
    if (dot(direction, g) >= 0) {
      direction = g.map((v) => -v);
      ss.length = ys.length = rhos.length = 0;
    }
    // Backtracking (Armijo) along the projected path.
    let step = 1;
    let accepted = false;
    const xNew = new Float64Array(n);
    const gNew = new Float64Array(n);
    let fNew = fx;
    for (let tries = 0; tries < 30; tries++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i]! + step * direction[i]!;
      project(xNew);
      let decrease = 0;
      for (let i = 0; i < n; i++) decrease += g[i]! * (xNew[i]! - x[i]!);
      fNew = f(xNew, gNew);
      if (Number.isFinite(fNew) && fNew <= fx + 1e-4 * decrease) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i]! - x[i]!;
      y[i] = gNew[i]! - g[i]!;
    }
    const sy = dot(s, y);
    if (sy > 1e-12) {
      ss.push(s);
      ys.push(y);
      rhos.push(1 / sy);
      if (ss.length > memory) {
        ss.shift();
        ys.shift();
        rhos.shift();
      }
    }
    const improvement = fx - fNew;
    x = Float64Array.from(xNew);
    g = Float64Array.from(gNew);
    fx = fNew;
    if (improvement <= 1e-12 * Math.max(1, Math.abs(fx))) break;
  }
  return { x, value: fx };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i]! += a * x[i]!;
}
