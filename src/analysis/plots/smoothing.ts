// Exponentially weighted average of a learning curve, as TensorBoard's smoothing slider draws it. Pure and
// dependency-free: the dashboard page imports it too, so the slider needs no round trip.

/**
 * Smooths `values` with weight `w` in [0, 1): s_t = w·s_{t-1} + (1-w)·v_t with s_0 = 0. Without bias
 * correction the first points are pulled towards 0; with it each point is divided by 1 - w^t, which makes
 * it the weighted mean of the values so far. Non-finite values are passed through and do not enter the
 * average.
 */
export function ewa(values: readonly number[], weight: number, biasCorrection = true): number[] {
  if (!(weight >= 0 && weight < 1)) throw new RangeError(`smoothing weight must be in [0, 1), got ${weight}`);
  const out: number[] = [];
  let average = 0;
  let mass = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) {
      out.push(v);
      continue;
    }
    average = weight * average + (1 - weight) * v;
    mass = weight * mass + (1 - weight);
    out.push(biasCorrection ? average / mass : average);
  }
  return out;
}
