// Loads the AssemblyScript SIMD kernels (src/nn/wasm/*.wasm, built by `npm run build:wasm`) and
// adapts them to the Kernels interface. One wasm instance, and so one linear memory, per kernels object.

import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { TunekitError } from '../errors.js';
import type { ConvGeometry, Kernels } from './kernels.js';

// The project's lib settings (ES2022, no DOM) carry no WebAssembly types; these are the parts used here.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

// Raw exports take float offsets and numbers only; the typed signatures are the adapter methods below.
type Fn = (...args: number[]) => void;
interface Exports {
  memory: WasmMemory;
  heapBase(): number;
  gemm: Fn;
  activate: Fn;
  activateBackward: Fn;
  colSum: Fn;
  im2col: Fn;
  col2im: Fn;
  maxPool: Fn;
  maxPoolBackward: Fn;
  avgPool: Fn;
  adamStep: Fn;
  momentumStep: Fn;
}

/** Must match KC in assembly/kernels.ts: the packed panel is KC·8 floats, then a 4x8 tile and 8 bias lanes. */
const PACK_FLOATS = 256 * 8 + 64;

export type WasmVariant = 'relaxed' | 'simd';

const compiled = new Map<WasmVariant, object | null>();

/**
 * 'relaxed' uses fused multiply-add from relaxed SIMD (Node >= 22, or Node 20 started with
 * --experimental-wasm-relaxed-simd); 'simd' needs only 128-bit SIMD. Null when it does not validate here.
 */
function wasmModule(variant: WasmVariant): object | null {
  if (!compiled.has(variant)) {
    try {
      const file = variant === 'relaxed' ? './wasm/kernels-relaxed.wasm' : './wasm/kernels.wasm';
      compiled.set(variant, new WA.Module(readFileSync(new URL(file, import.meta.url))));
    } catch {
      compiled.set(variant, null);
    }
  }
  return compiled.get(variant) ?? null;
}

/** The fastest variant this runtime runs, or null when neither loads. */
export function bestWasmVariant(): WasmVariant | null {
  return wasmModule('relaxed') ? 'relaxed' : wasmModule('simd') ? 'simd' : null;
}

/**
 * For Node 20, where relaxed SIMD is behind a flag: turns V8's relaxed-SIMD support on for the whole
 * process (what --experimental-wasm-relaxed-simd does at startup) so that kernels created from now on
 * use the FMA build. Explicit because it is process-wide and cannot be undone; a no-op where relaxed SIMD
 * already loads. Returns the variant new kernels will use.
 */
export function enableRelaxedSimd(): WasmVariant | null {
  if (!wasmModule('relaxed')) {
    setFlagsFromString('--experimental-wasm-relaxed-simd');
    compiled.delete('relaxed');
  }
  return bestWasmVariant();
}

/** Whether the SIMD kernels exist and this runtime validates them. */
export function wasmAvailable(): boolean {
  return bestWasmVariant() !== null;
}

export class WasmKernels implements Kernels {
  readonly name = 'wasm' as const;
  readonly variant: WasmVariant;
  private readonly x: Exports;
  private view: Float32Array;
  private top: number;
  private readonly pack: number;

  constructor(variant: WasmVariant | undefined = bestWasmVariant() ?? undefined) {
    const mod = variant ? wasmModule(variant) : null;
    if (!variant || !mod)
      throw new TunekitError(
        'wasm_unavailable',
        'the WebAssembly SIMD kernels did not load (missing src/nn/wasm/kernels.wasm, or no SIMD support); run `npm run build:wasm` or pass kernels: "ts"',
      );
    this.variant = variant;
    this.x = new WA.Instance(mod, {
      env: {
        abort: () => {
          throw new TunekitError('internal', 'wasm kernel aborted');
        },
      },
    }).exports as unknown as Exports;
    this.view = new Float32Array(this.x.memory.buffer);
    this.top = (this.x.heapBase() + 15) >> 2;
    this.top = (this.top + 3) & ~3;
    this.pack = this.alloc(PACK_FLOATS);
  }

  heap(): Float32Array {
    if (this.view.buffer !== this.x.memory.buffer) this.view = new Float32Array(this.x.memory.buffer);
    return this.view;
  }

  alloc(n: number): number {
    const off = this.top;
    this.top += (n + 3) & ~3;
    const need = this.top * 4 - this.x.memory.buffer.byteLength;
    if (need > 0) {
      // Grow geometrically so a model's many small allocations cost few grow calls; fresh pages are zero.
      const pages = Math.max(Math.ceil(need / 65536), this.x.memory.buffer.byteLength >> 17);
      this.x.memory.grow(pages);
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
    this.x.gemm(+ta, +tb, m, n, k, a, b, c, +acc, bias, +relu, this.pack);
  }

  activate(act: number, alpha: number, z: number, y: number, len: number): void {
    this.x.activate(act, alpha, z, y, len);
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
    this.x.activateBackward(act, alpha, z, y, dy, dz, len);
  }

  colSum(x: number, m: number, n: number, out: number, acc: boolean): void {
    this.x.colSum(x, m, n, out, +acc);
  }

  im2col(x: number, g: ConvGeometry, cols: number): void {
    this.x.im2col(x, ...geometry(g), cols);
  }

  col2im(cols: number, g: ConvGeometry, dx: number): void {
    this.x.col2im(cols, ...geometry(g), dx);
  }

  maxPool(x: number, g: ConvGeometry, y: number, arg: number): void {
    this.x.maxPool(x, g.batch, g.h, g.w, g.c, g.kh, g.strideH, g.outH, g.outW, y, arg);
  }

  maxPoolBackward(dy: number, n: number, arg: number, dx: number, nx: number): void {
    this.x.maxPoolBackward(dy, n, arg, dx, nx);
  }

  avgPool(x: number, g: ConvGeometry, y: number): void {
    this.x.avgPool(x, g.batch, g.h, g.w, g.c, g.kh, g.strideH, g.outH, g.outW, y, 0);
  }

  avgPoolBackward(dy: number, g: ConvGeometry, dx: number): void {
    this.x.avgPool(dy, g.batch, g.h, g.w, g.c, g.kh, g.strideH, g.outH, g.outW, dx, 1);
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
    this.x.adamStep(p, g, m, v, len, lr, b1, b2, eps, c1, c2, l2, decay);
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
    this.x.momentumStep(p, g, buf, len, lr, mu, s, c, +nesterov, l2);
  }
}

/** A convolution's geometry as the argument list the WebAssembly im2col and col2im take. */
function geometry(
  g: ConvGeometry,
): [number, number, number, number, number, number, number, number, number, number, number, number] {
  return [g.batch, g.h, g.w, g.c, g.kh, g.kw, g.strideH, g.strideW, g.padH, g.padW, g.outH, g.outW];
}
