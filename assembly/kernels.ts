// WebAssembly SIMD kernels (AssemblyScript), the fast path behind src/nn/kernels-wasm.ts.
// Arguments are float offsets into linear memory (JS owns allocation); `pack` is a scratch area of
// KC·8 + 64 floats. The GEMM packs 8-column panels of B and runs a 4x8 register-tiled micro-kernel.

const KC: i32 = 256;

// a·b + c. Built twice (package.json `build:wasm`): with relaxed SIMD this is one fused multiply-add
// (about 1.3x faster GEMM), without it a multiply then an add; the loader takes the first that validates.
@inline
function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

export function heapBase(): usize {
  return __heap_base;
}

// Micro-kernel: C[rows x 8] at c (row stride ldc bytes) from A (row stride ars, k stride acs, bytes)
// and a packed panel bp (kc x 8). mode 0: start from zero, 1: from C, 2: from the bias, 3: from C + bias.
@inline
function mk4(ap: usize, ars: usize, acs: usize, bp: usize, kc: i32, c: usize, ldc: usize, mode: i32, bias: usize, relu: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  if (mode == 1) {
    c00 = v128.load(c); c01 = v128.load(c, 16);
    c10 = v128.load(c + ldc); c11 = v128.load(c + ldc, 16);
    c20 = v128.load(c + 2 * ldc); c21 = v128.load(c + 2 * ldc, 16);
    c30 = v128.load(c + 3 * ldc); c31 = v128.load(c + 3 * ldc, 16);
  } else if (mode == 2) {
    c00 = v128.load(bias); c01 = v128.load(bias, 16);
    c10 = c00; c11 = c01; c20 = c00; c21 = c01; c30 = c00; c31 = c01;
  } else if (mode == 3) {
    const b0 = v128.load(bias), b1 = v128.load(bias, 16);
    c00 = f32x4.add(v128.load(c), b0); c01 = f32x4.add(v128.load(c, 16), b1);
    c10 = f32x4.add(v128.load(c + ldc), b0); c11 = f32x4.add(v128.load(c + ldc, 16), b1);
    c20 = f32x4.add(v128.load(c + 2 * ldc), b0); c21 = f32x4.add(v128.load(c + 2 * ldc, 16), b1);
    c30 = f32x4.add(v128.load(c + 3 * ldc), b0); c31 = f32x4.add(v128.load(c + 3 * ldc, 16), b1);
  }
  const a1o = ars, a2o = ars * 2, a3o = ars * 3;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    const a0 = v128.load32_splat(ap);
    c00 = madd(a0, b0, c00);
    c01 = madd(a0, b1, c01);
    const a1 = v128.load32_splat(ap + a1o);
    c10 = madd(a1, b0, c10);
    c11 = madd(a1, b1, c11);
    const a2 = v128.load32_splat(ap + a2o);
    c20 = madd(a2, b0, c20);
    c21 = madd(a2, b1, c21);
    const a3 = v128.load32_splat(ap + a3o);
    c30 = madd(a3, b0, c30);
    c31 = madd(a3, b1, c31);
    bp += 32;
    ap += acs;
  }
  if (relu) {
    const z = f32x4.splat(0);
    c00 = f32x4.max(c00, z); c01 = f32x4.max(c01, z); c10 = f32x4.max(c10, z); c11 = f32x4.max(c11, z);
    c20 = f32x4.max(c20, z); c21 = f32x4.max(c21, z); c30 = f32x4.max(c30, z); c31 = f32x4.max(c31, z);
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + ldc, c10); v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20); v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30); v128.store(c + 3 * ldc, c31, 16);
}

@inline
function mk1(ap: usize, acs: usize, bp: usize, kc: i32, c: usize, mode: i32, bias: usize, relu: bool): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
  if (mode == 1) { c0 = v128.load(c); c1 = v128.load(c, 16); }
  else if (mode == 2) { c0 = v128.load(bias); c1 = v128.load(bias, 16); }
  else if (mode == 3) { c0 = f32x4.add(v128.load(c), v128.load(bias)); c1 = f32x4.add(v128.load(c, 16), v128.load(bias, 16)); }
  for (let p = 0; p < kc; p++) {
    const a = v128.load32_splat(ap);
    c0 = madd(a, v128.load(bp), c0);
    c1 = madd(a, v128.load(bp, 16), c1);
    bp += 32;
    ap += acs;
  }
  if (relu) { c0 = f32x4.max(c0, f32x4.splat(0)); c1 = f32x4.max(c1, f32x4.splat(0)); }
  v128.store(c, c0); v128.store(c, c1, 16);
}

// Packs B[k0..k0+kc, j0..j0+nb] (zero-padded to 8 columns) into dst, 8 floats per k.
function packB(b: usize, tb: bool, n: i32, k: i32, k0: i32, kc: i32, j0: i32, nb: i32, dst: usize): void {
  if (!tb && nb == 8) {
    let src = b + ((<usize>k0 * n + j0) << 2);
    const stride = <usize>n << 2;
    for (let p = 0; p < kc; p++) {
      v128.store(dst, v128.load(src));
      v128.store(dst, v128.load(src, 16), 16);
      src += stride;
      dst += 32;
    }
    return;
  }
  for (let p = 0; p < kc; p++) {
    for (let jj = 0; jj < 8; jj++) {
      let v: f32 = 0;
      if (jj < nb) v = tb ? load<f32>(b + ((<usize>(j0 + jj) * k + k0 + p) << 2)) : load<f32>(b + ((<usize>(k0 + p) * n + j0 + jj) << 2));
      store<f32>(dst + (<usize>jj << 2), v);
    }
    dst += 32;
  }
}

export function gemm(ta: i32, tb: i32, m: i32, n: i32, k: i32, a: i32, b: i32, c: i32, acc: i32, bias: i32, relu: i32, pack: i32): void {
  const A = <usize>a << 2, B = <usize>b << 2, C = <usize>c << 2, P = <usize>pack << 2;
  const tile = P + (<usize>KC << 5); // 4x8 scratch tile for ragged right edges
  const biasTmp = tile + 128;
  const ars: usize = ta ? 4 : <usize>k << 2;
  const acs: usize = ta ? <usize>m << 2 : 4;
  const ldc = <usize>n << 2;
  for (let k0 = 0; k0 < k; k0 += KC) {
    const kc = min(KC, k - k0);
    const first = k0 == 0;
    const lastK = k0 + kc >= k;
    const mode = first ? (bias >= 0 ? (acc ? 3 : 2) : acc ? 1 : 0) : 1;
    const doRelu = relu != 0 && lastK;
    for (let j0 = 0; j0 < n; j0 += 8) {
      const nb = min(8, n - j0);
      packB(B, tb != 0, n, k, k0, kc, j0, nb, P);
      const a0 = A + <usize>k0 * acs;
      if (nb == 8) {
        const bj = (<usize>bias << 2) + (<usize>j0 << 2);
        let i0 = 0;
        for (; i0 + 4 <= m; i0 += 4) mk4(a0 + <usize>i0 * ars, ars, acs, P, kc, C + <usize>i0 * ldc + (<usize>j0 << 2), ldc, mode, bj, doRelu);
        for (; i0 < m; i0++) mk1(a0 + <usize>i0 * ars, acs, P, kc, C + <usize>i0 * ldc + (<usize>j0 << 2), mode, bj, doRelu);
      } else {
        // Ragged edge: stage the tile in scratch so the micro-kernel can read and write all 8 lanes.
        for (let jj = 0; jj < 8; jj++) store<f32>(biasTmp + (<usize>jj << 2), jj < nb && bias >= 0 ? load<f32>((<usize>(bias + j0 + jj)) << 2) : 0);
        for (let i0 = 0; i0 < m; i0 += 4) {
          const rows = min(4, m - i0);
          for (let r = 0; r < rows; r++)
            for (let jj = 0; jj < 8; jj++) {
              let v: f32 = 0;
              if (jj < nb) v = (mode & 1 ? load<f32>(C + <usize>(i0 + r) * ldc + (<usize>(j0 + jj) << 2)) : 0) + (mode >= 2 ? load<f32>(biasTmp + (<usize>jj << 2)) : 0);
              store<f32>(tile + (<usize>r << 5) + (<usize>jj << 2), v);
            }
          if (rows == 4) mk4(a0 + <usize>i0 * ars, ars, acs, P, kc, tile, 32, 1, 0, doRelu);
          else for (let r = 0; r < rows; r++) mk1(a0 + <usize>(i0 + r) * ars, acs, P, kc, tile + (<usize>r << 5), 1, 0, doRelu);
          for (let r = 0; r < rows; r++)
            for (let jj = 0; jj < nb; jj++) store<f32>(C + <usize>(i0 + r) * ldc + (<usize>(j0 + jj) << 2), load<f32>(tile + (<usize>r << 5) + (<usize>jj << 2)));
        }
      }
    }
  }
}

// Activation ids match ACTIVATION_IDS in src/nn/kernels.ts.
@inline
function erff(x: f32): f32 {
  const s: f32 = x < 0 ? -1 : 1;
  const ax = Mathf.abs(x);
  const t: f32 = 1 / (1 + 0.3275911 * ax);
  const y: f32 = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Mathf.exp(-ax * ax);
  return s * y;
}

export function activate(act: i32, alpha: f32, z: i32, y: i32, len: i32): void {
  let zp = <usize>z << 2, yp = <usize>y << 2;
  let i = 0;
  if (act == 1) {
    const zero = f32x4.splat(0);
    for (; i + 4 <= len; i += 4, zp += 16, yp += 16) v128.store(yp, f32x4.max(v128.load(zp), zero));
  }
  for (; i < len; i++, zp += 4, yp += 4) {
    const v = load<f32>(zp);
    let r: f32 = v;
    if (act == 1) r = v > 0 ? v : 0;
    else if (act == 2) r = v > 0 ? v : alpha * v;
    else if (act == 3) r = v > 0 ? v : alpha * (Mathf.exp(v) - 1);
    else if (act == 4) r = 0.5 * v * (1 + erff(v * 0.70710678118654752));
    else if (act == 5) r = 1 / (1 + Mathf.exp(-v));
    else if (act == 6) r = Mathf.tanh(v);
    store<f32>(yp, r);
  }
}

export function activateBackward(act: i32, alpha: f32, z: i32, y: i32, dy: i32, dz: i32, len: i32): void {
  let zp = <usize>z << 2, yp = <usize>y << 2, gp = <usize>dy << 2, op = <usize>dz << 2;
  let i = 0;
  if (act == 1) {
    const zero = f32x4.splat(0);
    for (; i + 4 <= len; i += 4, zp += 16, gp += 16, op += 16) v128.store(op, v128.and(v128.load(gp), f32x4.gt(v128.load(zp), zero)));
    yp += <usize>i << 2;
  }
  for (; i < len; i++, zp += 4, yp += 4, gp += 4, op += 4) {
    const v = load<f32>(zp), o = load<f32>(yp);
    let d: f32 = 1;
    if (act == 1) d = v > 0 ? 1 : 0;
    else if (act == 2) d = v > 0 ? 1 : alpha;
    else if (act == 3) d = v > 0 ? 1 : o + alpha;
    else if (act == 4) d = 0.5 * (1 + erff(v * 0.70710678118654752)) + v * Mathf.exp(-0.5 * v * v) * 0.3989422804014327;
    else if (act == 5) d = o * (1 - o);
    else if (act == 6) d = 1 - o * o;
    store<f32>(op, load<f32>(gp) * d);
  }
}

export function colSum(x: i32, m: i32, n: i32, out: i32, acc: i32): void {
  const X = <usize>x << 2, O = <usize>out << 2, ld = <usize>n << 2;
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    let s = acc ? v128.load(O + (<usize>j << 2)) : f32x4.splat(0);
    let p = X + (<usize>j << 2);
    for (let i = 0; i < m; i++, p += ld) s = f32x4.add(s, v128.load(p));
    v128.store(O + (<usize>j << 2), s);
  }
  for (; j < n; j++) {
    let s: f32 = acc ? load<f32>(O + (<usize>j << 2)) : 0;
    let p = X + (<usize>j << 2);
    for (let i = 0; i < m; i++, p += ld) s += load<f32>(p);
    store<f32>(O + (<usize>j << 2), s);
  }
}

// Copies (or, with add, accumulates) n floats; runs here are short (kw·c floats), too short for memory.copy.
@inline
function moveRun(dst: usize, src: usize, n: i32, add: bool): void {
  let i = 0;
  for (; i + 4 <= n; i += 4, dst += 16, src += 16) v128.store(dst, add ? f32x4.add(v128.load(dst), v128.load(src)) : v128.load(src));
  for (; i < n; i++, dst += 4, src += 4) store<f32>(dst, add ? load<f32>(dst) + load<f32>(src) : load<f32>(src));
}

// Walks every (output pixel, kernel row): the kw·c patch floats of one kernel row are contiguous in NHWC
// input whenever the row lies inside the image, so they move as one run. toCols: x → cols, else cols → +dx.
// (im2col has its own faster loop; this serves col2im.)
function patches(x: usize, batch: i32, h: i32, w: i32, c: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, oh: i32, ow: i32, cols: usize, toCols: bool): void {
  let o = cols;
  const rowRun = kw * c;
  for (let b = 0; b < batch; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        const ix0 = ox * sw - pw;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - ph + ky;
          const rowBase = x + ((<usize>((b * h + iy) * w) * c) << 2);
          if (iy < 0 || iy >= h) {
            if (toCols) memory.fill(o, 0, <usize>rowRun << 2);
          } else if (ix0 >= 0 && ix0 + kw <= w) {
            const src = rowBase + ((<usize>ix0 * c) << 2);
            if (toCols) moveRun(o, src, rowRun, false);
            else moveRun(src, o, rowRun, true);
          } else
            for (let kx = 0; kx < kw; kx++) {
              const ix = ix0 + kx;
              const d = o + ((<usize>(kx * c)) << 2);
              if (ix >= 0 && ix < w) {
                const src = rowBase + ((<usize>ix * c) << 2);
                if (toCols) moveRun(d, src, c, false);
                else moveRun(src, d, c, true);
              } else if (toCols) memory.fill(d, 0, <usize>c << 2);
            }
          o += <usize>rowRun << 2;
        }
      }
}

export function im2col(x: i32, batch: i32, h: i32, w: i32, c: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, oh: i32, ow: i32, cols: i32): void {
  // The hot case on its own loop: a kernel row fully inside the image is one contiguous copy.
  const X = <usize>x << 2, COLS = <usize>cols << 2;
  const rowRun = kw * c;
  const patch = <usize>(kh * rowRun) << 2;
  for (let b = 0; b < batch; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ky = 0; ky < kh; ky++) {
        const iy = oy * sh - ph + ky;
        let d = COLS + ((<usize>((b * oh + oy) * ow) * kh * rowRun + <usize>(ky * rowRun)) << 2);
        const rowBase = X + ((<usize>((b * h + iy) * w) * c) << 2);
        for (let ox = 0; ox < ow; ox++, d += patch) {
          const ix0 = ox * sw - pw;
          if (iy < 0 || iy >= h) memory.fill(d, 0, <usize>rowRun << 2);
          else if (ix0 >= 0 && ix0 + kw <= w) {
            let src = rowBase + ((<usize>ix0 * c) << 2);
            let dst = d;
            let i = 0;
            for (; i + 4 <= rowRun; i += 4, src += 16, dst += 16) v128.store(dst, v128.load(src));
            for (; i < rowRun; i++, src += 4, dst += 4) store<f32>(dst, load<f32>(src));
          } else
            for (let kx = 0; kx < kw; kx++) {
              const ix = ix0 + kx;
              const dst = d + ((<usize>(kx * c)) << 2);
              if (ix >= 0 && ix < w) moveRun(dst, rowBase + ((<usize>ix * c) << 2), c, false);
              else memory.fill(dst, 0, <usize>c << 2);
            }
        }
      }
}

export function col2im(cols: i32, batch: i32, h: i32, w: i32, c: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, oh: i32, ow: i32, dx: i32): void {
  memory.fill(<usize>dx << 2, 0, <usize>batch * h * w * c * 4);
  patches(<usize>dx << 2, batch, h, w, c, kh, kw, sh, sw, ph, pw, oh, ow, <usize>cols << 2, false);
}

// Pooling without padding over NHWC; arg (an i32 buffer) records each max's input index for backward.
// Branch-free: on random data a compare-and-branch mispredicts about half the time. Four channels at
// once when the channel count allows (ties keep the first index, as the scalar path does).
export function maxPool(x: i32, batch: i32, h: i32, w: i32, c: i32, size: i32, stride: i32, oh: i32, ow: i32, y: i32, arg: i32): void {
  let yo = <usize>y << 2, ao = <usize>arg << 2;
  const X = <usize>x << 2;
  const lanes = i32x4(0, 1, 2, 3);
  const c4 = (c & 3) == 0 ? c : 0;
  for (let b = 0; b < batch; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        let ch = 0;
        for (; ch < c4; ch += 4, yo += 16, ao += 16) {
          let best = f32x4.splat(-Infinity);
          let bi = i32x4.splat(0);
          for (let ky = 0; ky < size; ky++) {
            let i = ((b * h + oy * stride + ky) * w + ox * stride) * c + ch;
            for (let kx = 0; kx < size; kx++, i += c) {
              const v = v128.load(X + (<usize>i << 2));
              const gt = f32x4.gt(v, best);
              best = v128.bitselect(v, best, gt);
              bi = v128.bitselect(i32x4.add(i32x4.splat(i), lanes), bi, gt);
            }
          }
          v128.store(yo, best);
          v128.store(ao, bi);
        }
        for (; ch < c; ch++, yo += 4, ao += 4) {
          let best: f32 = -Infinity;
          let bi: i32 = 0;
          for (let ky = 0; ky < size; ky++) {
            let i = ((b * h + oy * stride + ky) * w + ox * stride) * c + ch;
            for (let kx = 0; kx < size; kx++, i += c) {
              const v = load<f32>(X + (<usize>i << 2));
              const gt = v > best;
              best = select(v, best, gt);
              bi = select(i, bi, gt);
            }
          }
          store<f32>(yo, best);
          store<i32>(ao, bi);
        }
      }
}

export function maxPoolBackward(dy: i32, n: i32, arg: i32, dx: i32, nx: i32): void {
  const D = <usize>dx << 2, G = <usize>dy << 2, A = <usize>arg << 2;
  memory.fill(D, 0, <usize>nx << 2);
  for (let o = 0; o < n; o++) {
    const p = D + (<usize>load<i32>(A + (<usize>o << 2)) << 2);
    store<f32>(p, load<f32>(p) + load<f32>(G + (<usize>o << 2)));
  }
}

export function avgPool(x: i32, batch: i32, h: i32, w: i32, c: i32, size: i32, stride: i32, oh: i32, ow: i32, y: i32, backward: i32): void {
  // Forward: y = mean of the window. Backward (x = dy, y = dx, roles swapped): dx += dy / size².
  const inv: f32 = 1 / <f32>(size * size);
  const X = <usize>x << 2, Y = <usize>y << 2;
  if (backward) memory.fill(Y, 0, <usize>batch * h * w * c * 4);
  let o: usize = 0;
  for (let b = 0; b < batch; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let ch = 0; ch < c; ch++, o++) {
          let sum: f32 = 0;
          const g: f32 = backward ? load<f32>(X + (o << 2)) * inv : 0;
          for (let ky = 0; ky < size; ky++) {
            let i = ((b * h + oy * stride + ky) * w + ox * stride) * c + ch;
            for (let kx = 0; kx < size; kx++, i += c) {
              if (backward) store<f32>(Y + (<usize>i << 2), load<f32>(Y + (<usize>i << 2)) + g);
              else sum += load<f32>(X + (<usize>i << 2));
            }
          }
          if (!backward) store<f32>(Y + (o << 2), sum * inv);
        }
}

export function adamStep(p: i32, g: i32, m: i32, v: i32, len: i32, lr: f32, b1: f32, b2: f32, eps: f32, c1: f32, c2: f32, l2: f32, decay: f32): void {
  let P = <usize>p << 2, G = <usize>g << 2, M = <usize>m << 2, V = <usize>v << 2;
  const keep: f32 = 1 - lr * decay;
  const vb1 = f32x4.splat(b1), vb1c = f32x4.splat(1 - b1), vb2 = f32x4.splat(b2), vb2c = f32x4.splat(1 - b2);
  const vl2 = f32x4.splat(l2), vkeep = f32x4.splat(keep), vstep = f32x4.splat(lr * c1), vc2 = f32x4.splat(c2), veps = f32x4.splat(eps);
  let i = 0;
  for (; i + 4 <= len; i += 4, P += 16, G += 16, M += 16, V += 16) {
    const pv = v128.load(P);
    const gv = f32x4.add(v128.load(G), f32x4.mul(vl2, pv));
    const mv = f32x4.add(f32x4.mul(vb1, v128.load(M)), f32x4.mul(vb1c, gv));
    const vv = f32x4.add(f32x4.mul(vb2, v128.load(V)), f32x4.mul(vb2c, f32x4.mul(gv, gv)));
    v128.store(M, mv);
    v128.store(V, vv);
    const den = f32x4.add(f32x4.sqrt(f32x4.mul(vv, vc2)), veps);
    v128.store(P, f32x4.sub(f32x4.mul(pv, vkeep), f32x4.div(f32x4.mul(vstep, mv), den)));
  }
  for (; i < len; i++, P += 4, G += 4, M += 4, V += 4) {
    const pv = load<f32>(P);
    const gv = load<f32>(G) + l2 * pv;
    const mv = b1 * load<f32>(M) + (1 - b1) * gv;
    const vv = b2 * load<f32>(V) + (1 - b2) * gv * gv;
    store<f32>(M, mv);
    store<f32>(V, vv);
    store<f32>(P, pv * keep - (lr * c1 * mv) / (Mathf.sqrt(vv * c2) + eps));
  }
}

export function momentumStep(p: i32, g: i32, buf: i32, len: i32, lr: f32, mu: f32, s: f32, c: f32, nesterov: i32, l2: f32): void {
  let P = <usize>p << 2, G = <usize>g << 2, B = <usize>buf << 2;
  const vl2 = f32x4.splat(l2), vlr = f32x4.splat(lr), vmu = f32x4.splat(mu), vs = f32x4.splat(s), vc = f32x4.splat(c);
  let i = 0;
  for (; i + 4 <= len; i += 4, P += 16, G += 16, B += 16) {
    const pv = v128.load(P);
    const gv = f32x4.add(v128.load(G), f32x4.mul(vl2, pv));
    if (mu == 0) {
      v128.store(P, f32x4.sub(pv, f32x4.mul(vlr, gv)));
      continue;
    }
    const bv = f32x4.add(f32x4.mul(vmu, v128.load(B)), f32x4.mul(vs, gv));
    v128.store(B, bv);
    const upd = nesterov ? f32x4.add(gv, f32x4.mul(vmu, bv)) : f32x4.mul(vc, bv);
    v128.store(P, f32x4.sub(pv, f32x4.mul(vlr, upd)));
  }
  for (; i < len; i++, P += 4, G += 4, B += 4) {
    const pv = load<f32>(P);
    const gv = load<f32>(G) + l2 * pv;
    if (mu == 0) {
      store<f32>(P, pv - lr * gv);
      continue;
    }
    const bv = mu * load<f32>(B) + s * gv;
    store<f32>(B, bv);
    store<f32>(P, pv - lr * (nesterov ? gv + mu * bv : c * bv));
  }
}
