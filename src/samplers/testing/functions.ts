// Standard optimisation test functions with known optima, shared by the samplers' seeded tests and by
// bench/samplers.ts. Each takes a point in its own box and returns the value to minimise.

export interface TestFunction {
  readonly name: string;
  readonly bounds: ReadonlyArray<readonly [number, number]>;
  /** The global minimum's value. */
  readonly optimum: number;
  readonly f: (x: readonly number[]) => number;
}

export const branin: TestFunction = {
  name: 'branin',
  bounds: [
    [-5, 10],
    [0, 15],
  ],
  optimum: 0.39788735772973816,
  f: ([x1, x2]) => {
    const a = 1;
    const b = 5.1 / (4 * Math.PI ** 2);
    const c = 5 / Math.PI;
    const t = 1 / (8 * Math.PI);
    return a * (x2! - b * x1! ** 2 + c * x1! - 6) ** 2 + 10 * (1 - t) * Math.cos(x1!) + 10;
  },
};

const H6_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const H6_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
];
const H6_ALPHA = [1, 1.2, 3, 3.2];

export const hartmann6: TestFunction = {
  name: 'hartmann6',
  bounds: Array.from({ length: 6 }, () => [0, 1] as const),
  optimum: -3.322368011391339,
  f: (x) => {
    let sum = 0;
    for (let i = 0; i < 4; i++) {
      let inner = 0;
      for (let j = 0; j < 6; j++) inner += H6_A[i]![j]! * (x[j]! - H6_P[i]![j]! * 1e-4) ** 2;
      sum += H6_ALPHA[i]! * Math.exp(-inner);
    }
    return -sum;
  },
};

export function rosenbrock(dims: number): TestFunction {
  return {
    name: `rosenbrock${dims}`,
    bounds: Array.from({ length: dims }, () => [-5, 10] as const),
    optimum: 0,
    f: (x) => {
      let s = 0;
      for (let i = 0; i < x.length - 1; i++) s += 100 * (x[i + 1]! - x[i]! ** 2) ** 2 + (1 - x[i]!) ** 2;
      return s;
    },
  };
}

export function ackley(dims: number): TestFunction {
  return {
    name: `ackley${dims}`,
    bounds: Array.from({ length: dims }, () => [-32.768, 32.768] as const),
    optimum: 0,
    f: (x) => {
      const n = x.length;
      const sq = x.reduce((s, v) => s + v * v, 0);
      const cs = x.reduce((s, v) => s + Math.cos(2 * Math.PI * v), 0);
      return -20 * Math.exp(-0.2 * Math.sqrt(sq / n)) - Math.exp(cs / n) + 20 + Math.E;
    },
  };
}

export function levy(dims: number): TestFunction {
  return {
    name: `levy${dims}`,
    bounds: Array.from({ length: dims }, () => [-10, 10] as const),
    optimum: 0,
    f: (x) => {
      const w = x.map((v) => 1 + (v - 1) / 4);
      const d = w.length;
      let s = Math.sin(Math.PI * w[0]!) ** 2;
      for (let i = 0; i < d - 1; i++) s += (w[i]! - 1) ** 2 * (1 + 10 * Math.sin(Math.PI * w[i]! + 1) ** 2);
      s += (w[d - 1]! - 1) ** 2 * (1 + Math.sin(2 * Math.PI * w[d - 1]!) ** 2);
      return s;
    },
  };
}

export function styblinskiTang(dims: number): TestFunction {
  return {
    name: `styblinski_tang${dims}`,
    bounds: Array.from({ length: dims }, () => [-5, 5] as const),
    optimum: -39.16616570377142 * dims,
    f: (x) => x.reduce((s, v) => s + v ** 4 - 16 * v ** 2 + 5 * v, 0) / 2,
  };
}
