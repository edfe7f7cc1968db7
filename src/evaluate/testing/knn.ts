// Test-only model: k-nearest-neighbours accuracy, fast enough to run hundreds of folds in a test and with
// a hyperparameter (k) that matters, so tuning has something to find.
import type { Dataset } from '../../data/dataset.js';

export function knnAccuracy(train: Dataset, test: Dataset, k: number): number {
  const f = train.features;
  let hits = 0;
  const dist = new Float64Array(train.n);
  const order = Array.from({ length: train.n }, (_, i) => i);
  for (let t = 0; t < test.n; t++) {
    for (let i = 0; i < train.n; i++) {
      let d = 0;
      for (let j = 0; j < f; j++) d += ((train.x[i * f + j] as number) - (test.x[t * f + j] as number)) ** 2;
      dist[i] = d;
    }
    order.sort((a, b) => dist[a]! - dist[b]! || a - b);
    const votes = new Map<number, number>();
    for (let i = 0; i < Math.min(k, train.n); i++) {
      const label = train.y[order[i]!] as number;
      votes.set(label, (votes.get(label) ?? 0) + 1);
    }
    const predicted = [...votes.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
    if (predicted === test.y[t]) hits++;
  }
  return hits / test.n;
}
