// Plain TypeScript kernels: portable, straightforward loops, and the oracle the WebAssembly path is
// tested against. Also the fallback where WebAssembly SIMD is unavailable.

import { activationDerivative, activationValue } from './activation-math.js';
import type { ConvGeometry, Kernels } from './kernels.js';

export class TsKernels implements Kernels {
  readonly name = 'ts' as const;
  private h = new Float32Array(1 << 16);
  private top = 0;

  heap(): Float32Array {
    return this.h;
  }

  alloc(n: number): number {
    const off = this.top;
    this.top += (n + 3) & ~3;
    if (this.top > this.h.length) {
      const next = new Float32Array(Math.max(this.top, this.h.length * 2));
      next.set(this.h);
      this.h = next;
    }
    return off;
  }

  gemm(
    ta: boolean,
    tb: boolean,
    m: number,
    n: number,
    k: number,
    a: number,
    b: number,
    c: number,
    acc: boolean,
    bias: number,
    relu: boolean,
  ): void {
    const h = this.h;
    // A transposed is read through strides; B transposed is copied once so the inner loop runs over
    // contiguous memory. Rows accumulate in float64 (the more accurate oracle), two at a time so each
    // load of B serves both.
    const ars = ta ? 1 : k;
    const acs = ta ? m : 1;
    let bm: Float32Array = h;
    let bo0 = b;
    if (tb) {
      bm = new Float32Array(k * n);
      for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) bm[p * n + j] = h[b + j * k + p];
      bo0 = 0;
    }
    const r0 = new Float64Array(n);
    const r1 = new Float64Array(n);
    for (let i = 0; i < m; i += 2) {
      const two = i + 1 < m;
      r0.fill(0);
      r1.fill(0);
      for (let p = 0; p < k; p++) {
        const a0 = h[a + i * ars + p * acs];
        const a1 = two ? h[a + (i + 1) * ars + p * acs] : 0;
        const bo = bo0 + p * n;
        for (let j = 0; j < n; j++) {
          const bv = bm[bo + j];
          r0[j] += a0 * bv;
          r1[j] += a1 * bv;
        }
      }
      this.store(r0, c + i * n, n, acc, bias, relu);
      if (two) this.store(r1, c + (i + 1) * n, n, acc, bias, relu);
    }
  }

  private store(row: Float64Array, co: number, n: number, acc: boolean, bias: number, relu: boolean): void {
    const h = this.h;
    for (let j = 0; j < n; j++) {
      let v = row[j] + (acc ? h[co + j] : 0) + (bias >= 0 ? h[bias + j] : 0);
      if (relu && v < 0) v = 0;
      h[co + j] = v;
    }
  }

  activate(act: number, alpha: number, z: number, y: number, len: number): void {
    const h = this.h;
    for (let i = 0; i < len; i++) h[y + i] = activationValue(act, alpha, h[z + i]);
  }

  activateBackward(
    act: number,
    alpha: number,
    z: number,
    y: number,
    dy: number,
    dz: number,
    len: number,
  ): void {
    const h = this.h;
    for (let i = 0; i < len; i++)
      h[dz + i] = h[dy + i] * activationDerivative(act, alpha, h[z + i], h[y + i]);
  }

  colSum(x: number, m: number, n: number, out: number, acc: boolean): void {
    const h = this.h;
    for (let j = 0; j < n; j++) {
      let s = acc ? h[out + j] : 0;
      for (let i = 0; i < m; i++) s += h[x + i * n + j];
      h[out + j] = s;
    }
  }

  im2col(x: number, g: ConvGeometry, cols: number): void {
    const h = this.h;
    let o = cols;
    for (let b = 0; b < g.batch; b++)
      for (let oy = 0; oy < g.outH; oy++)
        for (let ox = 0; ox < g.outW; ox++)
          for (let ky = 0; ky < g.kh; ky++) {
            const iy = oy * g.strideH - g.padH + ky;
            for (let kx = 0; kx < g.kw; kx++) {
              const ix = ox * g.strideW - g.padW + kx;
              const inside = iy >= 0 && iy < g.h && ix >= 0 && ix < g.w;
              const src = x + ((b * g.h + iy) * g.w + ix) * g.c;
              for (let ch = 0; ch < g.c; ch++) h[o++] = inside ? h[src + ch] : 0;
            }
          }
  }

  col2im(cols: number, g: ConvGeometry, dx: number): void {
    const h = this.h;
    h.fill(0, dx, dx + g.batch * g.h * g.w * g.c);
    let o = cols;
    for (let b = 0; b < g.batch; b++)
      for (let oy = 0; oy < g.outH; oy++)
        for (let ox = 0; ox < g.outW; ox++)
          for (let ky = 0; ky < g.kh; ky++) {
            const iy = oy * g.strideH - g.padH + ky;
            for (let kx = 0; kx < g.kw; kx++) {
              const ix = ox * g.strideW - g.padW + kx;
              if (iy >= 0 && iy < g.h && ix >= 0 && ix < g.w) {
                const dst = dx + ((b * g.h + iy) * g.w + ix) * g.c;
                for (let ch = 0; ch < g.c; ch++) h[dst + ch] += h[o + ch];
              }
              o += g.c;
            }
          }
  }

  private ints(): Int32Array {
    return new Int32Array(this.h.buffer, this.h.byteOffset, this.h.length);
  }

  maxPool(x: number, g: ConvGeometry, y: number, arg: number): void {
    const h = this.h;
    const ints = this.ints();
    let o = 0;
    for (let b = 0; b < g.batch; b++)
      for (let oy = 0; oy < g.outH; oy++)
        for (let ox = 0; ox < g.outW; ox++)
          for (let ch = 0; ch < g.c; ch++, o++) {
            let best = -Infinity;
            let bi = 0;
            for (let ky = 0; ky < g.kh; ky++)
              for (let kx = 0; kx < g.kw; kx++) {
                const i = ((b * g.h + oy * g.strideH + ky) * g.w + ox * g.strideW + kx) * g.c + ch;
                if (h[x + i] > best) {
                  best = h[x + i];
                  bi = i;
                }
              }
            h[y + o] = best;
            ints[arg + o] = bi;
          }
  }

  maxPoolBackward(dy: number, n: number, arg: number, dx: number, nx: number): void {
    const h = this.h;
    const ints = this.ints();
    h.fill(0, dx, dx + nx);
    for (let o = 0; o < n; o++) h[dx + ints[arg + o]] += h[dy + o];
  }

  avgPool(x: number, g: ConvGeometry, y: number): void {
    this.avg(x, g, y, false);
  }

  avgPoolBackward(dy: number, g: ConvGeometry, dx: number): void {
    this.h.fill(0, dx, dx + g.batch * g.h * g.w * g.c);
    this.avg(dy, g, dx, true);
  }

  private avg(src: number, g: ConvGeometry, dst: number, backward: boolean): void {
    const h = this.h;
    const inv = 1 / (g.kh * g.kw);
    let o = 0;
    for (let b = 0; b < g.batch; b++)
      for (let oy = 0; oy < g.outH; oy++)
        for (let ox = 0; ox < g.outW; ox++)
          for (let ch = 0; ch < g.c; ch++, o++) {
            let sum = 0;
            for (let ky = 0; ky < g.kh; ky++)
              for (let kx = 0; kx < g.kw; kx++) {
                const i = ((b * g.h + oy * g.strideH + ky) * g.w + ox * g.strideW + kx) * g.c + ch;
                if (backward) h[dst + i] += h[src + o] * inv;
                else sum += h[src + i];
              }
            if (!backward) h[dst + o] = sum * inv;
          }
  }

  adamStep(
    p: number,
    g: number,
    m: number,
    v: number,
    len: number,
    lr: number,
    b1: number,
    b2: number,
    eps: number,
    c1: number,
    c2: number,
    l2: number,
    decay: number,
  ): void {
    const h = this.h;
    const keep = 1 - lr * decay;
    for (let i = 0; i < len; i++) {
      const pv = h[p + i];
      const gv = h[g + i] + l2 * pv;
      const mv = (h[m + i] = b1 * h[m + i] + (1 - b1) * gv);
      const vv = (h[v + i] = b2 * h[v + i] + (1 - b2) * gv * gv);
      h[p + i] = pv * keep - (lr * (mv * c1)) / (Math.sqrt(vv * c2) + eps);
    }
  }

  momentumStep(
    p: number,
    g: number,
    buf: number,
    len: number,
    lr: number,
    mu: number,
    s: number,
    c: number,
    nesterov: boolean,
    l2: number,
  ): void {
    const h = this.h;
    for (let i = 0; i < len; i++) {
      const pv = h[p + i];
      const gv = h[g + i] + l2 * pv;
      if (mu === 0) {
        h[p + i] = pv - lr * gv;
        continue;
      }
      const bv = (h[buf + i] = mu * h[buf + i] + s * gv);
      h[p + i] = pv - lr * (nesterov ? gv + mu * bv : c * bv);
    }
  }
}
