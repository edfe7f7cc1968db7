// Non-dominated sorting and crowding distance over loss vectors (every objective minimised): the
// ranking NSGA-II selects by, and how TPE splits good from bad trials when there are several objectives.

/** True if loss vector a is no worse than b everywhere and better somewhere. */
export function dominatesLoss(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]! > b[i]!) return false;
    if (a[i]! < b[i]!) better = true;
  }
  return better;
}

/**
 * Front index of each point: 0 for the Pareto front, 1 for the front once 0 is removed, ... With
 * `violations` (total constraint violation, 0 when feasible), Deb's rule: feasible beats infeasible, and
 * of two infeasible points the one violating less wins.
 */
export function nondominatedRanks(
  losses: readonly ArrayLike<number>[],
  violations?: ArrayLike<number>,
): Int32Array {
  const better = (i: number, j: number): boolean => {
    if (violations) {
      const vi = violations[i]!;
      const vj = violations[j]!;
      if (vi > 0 || vj > 0) return vi < vj;
    }
    return dominatesLoss(losses[i]!, losses[j]!);
  };
  const n = losses.length;
  const ranks = new Int32Array(n).fill(-1);
  const dominatedBy = new Int32Array(n);
  const dominating: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      if (better(i, j)) {
        dominating[i]!.push(j);
        dominatedBy[j]!++;
      } else if (better(j, i)) {
        dominating[j]!.push(i);
        dominatedBy[i]!++;
      }
    }
  let front = [];
  for (let i = 0; i < n; i++) if (dominatedBy[i] === 0) front.push(i);
  for (let rank = 0; front.length > 0; rank++) {
    const next: number[] = [];
    for (const i of front) {
      ranks[i] = rank;
      for (const j of dominating[i]!) if (--dominatedBy[j]! === 0) next.push(j);
    }
    front = next;
  }
  return ranks;
}

/** Crowding distance of each point within its own set (Infinity at the extremes of any objective). */
export function crowdingDistances(losses: readonly ArrayLike<number>[]): Float64Array {
  const n = losses.length;
  const distance = new Float64Array(n);
  if (n === 0) return distance;
  const m = losses[0]!.length;
  for (let k = 0; k < m; k++) {
    const order = Array.from({ length: n }, (_, i) => i).sort(
      (a, b) => losses[a]![k]! - losses[b]![k]! || a - b,
    );
    const low = losses[order[0]!]![k]!;
    const high = losses[order[n - 1]!]![k]!;
    distance[order[0]!] = Infinity;
    distance[order[n - 1]!] = Infinity;
    if (high === low) continue;
    for (let r = 1; r < n - 1; r++)
      distance[order[r]!]! += (losses[order[r + 1]!]![k]! - losses[order[r - 1]!]![k]!) / (high - low);
  }
  return distance;
}
