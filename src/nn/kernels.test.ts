import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ACTIVATION_IDS, convOutSize, type ConvGeometry, type Kernels } from './kernels.js';
import { TsKernels } from './kernels-ts.js';
import { wasmAvailable, WasmKernels } from './kernels-wasm.js';
import { Rng } from '../random.js';

// The WASM path must agree with the TS oracle within float32 rounding of a different summation order.
function both(): [Kernels, Kernels] {
  return [new TsKernels(), new WasmKernels()];
}

function fillRandom(k: Kernels, off: number, n: number, rng: Rng): void {
  const h = k.heap();
  for (let i = 0; i < n; i++) h[off + i] = rng.normal();
}

/** Allocates the same random buffers in both kernels (same offsets relative to each heap's start). */
function setup(ks: Kernels[], sizes: number[], seed: number): number[][] {
  return ks.map((k) => {
    const rng = new Rng(seed);
    return sizes.map((n) => {
      const off = k.alloc(n);
      fillRandom(k, off, n, rng);
      return off;
    });
  });
}

function expectClose(a: Float32Array, b: Float32Array, tol: number): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1 + Math.abs(a[i])));
  expect(worst).toBeLessThanOrEqual(tol);
}

const read = (k: Kernels, off: number, n: number) => k.heap().slice(off, off + n);

// The .wasm files are committed, so on Node >= 20 they must load; without this the suite below could skip silently.
it('the committed wasm kernels load on this runtime', () => expect(wasmAvailable()).toBe(true));

describe.runIf(wasmAvailable())('wasm kernels agree with the TS reference', () => {
  it('loads with SIMD', () => expect(new WasmKernels().name).toBe('wasm'));

  const rng = new Rng(42);
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [3, 5, 7],
    [4, 8, 16],
    [17, 9, 300],
    [33, 65, 513],
    [64, 10, 128],
    [5, 257, 3],
  ];
  for (let i = 0; i < 6; i++) shapes.push([rng.int(1, 70), rng.int(1, 70), rng.int(1, 600)]);
  for (const [m, n, k] of shapes)
    for (const ta of [false, true])
      for (const tb of [false, true])
        it(`gemm ${ta ? 'T' : 'N'}${tb ? 'T' : 'N'} m=${m} n=${n} k=${k}, accumulate + bias + relu`, () => {
          const ks = both();
          const offs = setup(ks, [m * k, k * n, m * n, n], m * 1000 + n + k);
          const acc = (m + n) % 2 === 0;
          const relu = k % 2 === 1;
          for (let i = 0; i < 2; i++)
            ks[i].gemm(ta, tb, m, n, k, offs[i][0], offs[i][1], offs[i][2], acc, offs[i][3], relu);
          expectClose(read(ks[0], offs[0][2], m * n), read(ks[1], offs[1][2], m * n), 2e-5 * Math.sqrt(k));
          for (let i = 0; i < 2; i++)
            ks[i].gemm(ta, tb, m, n, k, offs[i][0], offs[i][1], offs[i][2], false, -1, false);
          expectClose(read(ks[0], offs[0][2], m * n), read(ks[1], offs[1][2], m * n), 2e-5 * Math.sqrt(k));
        });

  for (const [name, id] of Object.entries(ACTIVATION_IDS))
    it(`activation ${name} forward and backward on 4·k+3 elements`, () => {
      const ks = both();
      const n = 103;
      const offs = setup(ks, [n, n, n, n], id);
      for (let i = 0; i < 2; i++) {
        const [z, y, dy, dz] = offs[i];
        ks[i].activate(id, 0.1, z, y, n);
        ks[i].activateBackward(id, 0.1, z, y, dy, dz, n);
      }
      expectClose(read(ks[0], offs[0][1], n), read(ks[1], offs[1][1], n), 1e-5);
      expectClose(read(ks[0], offs[0][3], n), read(ks[1], offs[1][3], n), 1e-5);
    });

  it('colSum on odd widths', () => {
    const ks = both();
    for (const [m, n] of [
      [7, 13],
      [32, 256],
      [1, 3],
    ]) {
      const offs = setup(ks, [m * n, n], m + n);
      for (let i = 0; i < 2; i++) ks[i].colSum(offs[i][0], m, n, offs[i][1], true);
      expectClose(read(ks[0], offs[0][1], n), read(ks[1], offs[1][1], n), 1e-5);
    }
  });

  it('im2col and col2im on random geometries', () => {
    const r = new Rng(7);
    for (let t = 0; t < 8; t++) {
      const kh = r.int(1, 4),
        kw = r.int(1, 4),
        sh = r.int(1, 3),
        sw = r.int(1, 3),
        ph = r.int(0, kh - 1),
        pw = r.int(0, kw - 1);
      const h = kh + r.int(0, 7),
        w = kw + r.int(0, 7),
        c = r.int(1, 6),
        batch = r.int(1, 3);
      const g: ConvGeometry = {
        batch,
        h,
        w,
        c,
        kh,
        kw,
        strideH: sh,
        strideW: sw,
        padH: ph,
        padW: pw,
        outH: convOutSize(h, kh, sh, ph),
        outW: convOutSize(w, kw, sw, pw),
      };
      const nx = batch * h * w * c;
      const ncols = batch * g.outH * g.outW * kh * kw * c;
      const ks = both();
      const offs = setup(ks, [nx, ncols, ncols, nx], t);
      for (let i = 0; i < 2; i++) {
        ks[i].im2col(offs[i][0], g, offs[i][1]);
        ks[i].col2im(offs[i][2], g, offs[i][3]);
      }
      expectClose(read(ks[0], offs[0][1], ncols), read(ks[1], offs[1][1], ncols), 0);
      expectClose(read(ks[0], offs[0][3], nx), read(ks[1], offs[1][3], nx), 1e-5);
    }
  });

  it('max and average pooling, forward and backward, on random geometries', () => {
    const r = new Rng(8);
    for (let t = 0; t < 8; t++) {
      const size = r.int(1, 3),
        stride = r.int(1, 3);
      const h = size + r.int(0, 6),
        w = size + r.int(0, 6),
        c = r.int(1, 9),
        batch = r.int(1, 3);
      const g: ConvGeometry = {
        batch,
        h,
        w,
        c,
        kh: size,
        kw: size,
        strideH: stride,
        strideW: stride,
        padH: 0,
        padW: 0,
        outH: convOutSize(h, size, stride, 0),
        outW: convOutSize(w, size, stride, 0),
      };
      const nx = batch * h * w * c;
      const ny = batch * g.outH * g.outW * c;
      const ks = both();
      const offs = setup(ks, [nx, ny, ny, ny, nx, ny, nx], 100 + t);
      for (let i = 0; i < 2; i++) {
        const [x, y, arg, dy, dx, y2, dx2] = offs[i];
        ks[i].maxPool(x, g, y, arg);
        ks[i].maxPoolBackward(dy, ny, arg, dx, nx);
        ks[i].avgPool(x, g, y2);
        ks[i].avgPoolBackward(dy, g, dx2);
      }
      for (const j of [1, 4, 5, 6]) {
        const n = j === 1 || j === 5 ? ny : nx;
        expectClose(read(ks[0], offs[0][j], n), read(ks[1], offs[1][j], n), 1e-6);
      }
    }
  });

  it('fused adam and momentum steps over several iterations', () => {
    const ks = both();
    const n = 37;
    const offs = setup(ks, [n, n, n, n, n, n, n], 5);
    for (let i = 0; i < 2; i++) {
      const [p, g, m, v, p2, buf] = offs[i];
      const h = ks[i].heap();
      h.fill(0, m, m + n);
      h.fill(0, v, v + n);
      h.fill(0, buf, buf + n);
      for (let t = 1; t <= 5; t++) {
        ks[i].adamStep(
          p,
          g,
          m,
          v,
          n,
          0.01,
          0.9,
          0.999,
          1e-8,
          1 / (1 - 0.9 ** t),
          1 / (1 - 0.999 ** t),
          0.01,
          0.1,
        );
        ks[i].momentumStep(p2, g, buf, n, 0.05, 0.9, 1, 1, t % 2 === 0, 0.02);
      }
    }
    expectClose(read(ks[0], offs[0][0], n), read(ks[1], offs[1][0], n), 1e-5);
    expectClose(read(ks[0], offs[0][4], n), read(ks[1], offs[1][4], n), 1e-5);
  });

  it('the relaxed-SIMD (FMA) build agrees too, in a child process where relaxed SIMD is on', () => {
    const script = new URL('./testing/relaxed-check.ts', import.meta.url).pathname;
    const out = execFileSync(
      process.execPath,
      ['--experimental-wasm-relaxed-simd', '--import', 'tsx', script],
      { encoding: 'utf8' },
    );
    const r = JSON.parse(out) as { variant: string; worst: number };
    expect(r.variant).toBe('relaxed');
    expect(r.worst).toBeLessThan(2e-5);
  });

  it('enableRelaxedSimd() switches a plain Node 20 process to the FMA build', () => {
    const script = new URL('./testing/enable-relaxed-check.ts', import.meta.url).pathname;
    const out = JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8' }),
    ) as Record<string, string>;
    expect(out.after).toBe('relaxed');
    expect(out.kernels).toBe('relaxed');
  });

  it('keeps data across heap growth', () => {
    const k = new WasmKernels();
    const a = k.alloc(10);
    k.heap()[a + 3] = 42;
    const big = k.alloc(8 << 20);
    k.heap()[big + 5] = 1;
    expect(k.heap()[a + 3]).toBe(42);
    expect(k.heap().length).toBeGreaterThanOrEqual(big + (8 << 20));
  });
});
