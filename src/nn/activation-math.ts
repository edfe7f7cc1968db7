// Scalar definitions of the elementwise activations and their derivatives: the reference the TS
// kernels loop over and the finite-difference tests check. `alpha` is the leaky-relu slope or elu scale.

const SQRT1_2 = Math.SQRT1_2;

/** erf with |error| < 1.5e-7 (Abramowitz & Stegun 7.1.26), ample for float32 activations. */
export function erf(x: number): number {
  const s = x < 0 ? -1 : 1;
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * ax);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-ax * ax);
  return s * y;
}

export function activationValue(act: number, alpha: number, z: number): number {
  switch (act) {
    case 0:
      return z;
    case 1:
      return z > 0 ? z : 0;
    case 2:
      return z > 0 ? z : alpha * z;
    case 3:
      return z > 0 ? z : alpha * (Math.exp(z) - 1);
    case 4:
      return 0.5 * z * (1 + erf(z * SQRT1_2));
    case 5:
      return 1 / (1 + Math.exp(-z));
    case 6:
      return Math.tanh(z);
    default:
      throw new Error(`unknown activation id ${act}`);
  }
}

/** f'(z), given z and y = f(z) (whichever is cheaper). */
export function activationDerivative(act: number, alpha: number, z: number, y: number): number {
  switch (act) {
    case 0:
      return 1;
    case 1:
      return z > 0 ? 1 : 0;
    case 2:
      return z > 0 ? 1 : alpha;
    case 3:
      return z > 0 ? 1 : y + alpha;
    case 4: {
      const pdf = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
      return 0.5 * (1 + erf(z * SQRT1_2)) + z * pdf;
    }
    case 5:
      return y * (1 - y);
    case 6:
      return 1 - y * y;
    default:
      throw new Error(`unknown activation id ${act}`);
  }
}
