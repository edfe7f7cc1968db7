// Normal-distribution functions the model-based samplers share (JavaScript has no erf). Everything that
// can underflow is computed in log space, so the far tails of a Parzen kernel or of EI stay finite.

const SQRT2 = Math.SQRT2;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** exp(x²)·erfc(x) for x >= 0 (Chebyshev fit, relative error < 1.2e-7), the scaled tail used below. */
function erfcxPositive(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  const poly =
    -1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return t * Math.exp(poly);
}

export function erfc(x: number): number {
  return x >= 0 ? erfcxPositive(x) * Math.exp(-x * x) : 2 - erfcxPositive(-x) * Math.exp(-x * x);
}

/** Standard normal CDF Φ. */
export function normCdf(x: number): number {
  return 0.5 * erfc(-x / SQRT2);
}

/** log Φ(x), accurate far into the lower tail. */
export function logNormCdf(x: number): number {
  if (x > 0) return Math.log1p(-0.5 * erfc(x / SQRT2));
  const y = -x / SQRT2;
  return Math.log(0.5 * erfcxPositive(y)) - y * y;
}

export function logNormPdf(x: number): number {
  return -0.5 * x * x - LOG_SQRT_2PI;
}

/** log(Φ(b) − Φ(a)) for a <= b: the log mass of a standard normal on [a, b]. */
export function logGaussMass(a: number, b: number): number {
  if (a >= b) return -Infinity;
  if (a >= 0) return logGaussMass(-b, -a);
  if (b <= 0) {
    const lb = logNormCdf(b);
    const la = logNormCdf(a);
    return lb + Math.log1p(-Math.exp(la - lb));
  }
  return Math.log1p(-normCdf(a) - normCdf(-b));
}

/** Inverse of Φ (Acklam's rational approximation refined by one Halley step). */
export function normPpf(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  let x: number;
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p > 1 - 0.02425) {
    const q = Math.sqrt(-2 * Math.log1p(-p));
    x =
      -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
      (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  }
  const e = normCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp(0.5 * x * x);
  return x - u / (1 + 0.5 * x * u);
}

/**
 * A draw from a standard normal truncated to [a, b], by inverting the CDF on the side of the interval
 * away from the mode, where Φ keeps its precision.
 */
export function truncatedNormal(a: number, b: number, u: number): number {
  if (a >= 0) return -truncatedNormal(-b, -a, 1 - u);
  const pa = normCdf(a);
  const pb = normCdf(b);
  const x = normPpf(pa + u * (pb - pa));
  return Math.min(b, Math.max(a, x));
}

/**
 * log Σ exp(xs[i]), stable. Terms more than 40 below the largest are skipped: they change the sum by less
 * than 1e-17 relative, and with many kernels most are that far from any given point.
 */
export function logSumExp(xs: Float64Array): number {
  const n = xs.length;
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (xs[i]! > max) max = xs[i]!;
  if (max === -Infinity) return -Infinity;
  const floor = max - 40;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = xs[i]!;
    if (x > floor) sum += Math.exp(x - max);
  }
  return max + Math.log(sum);
}
