// The small set of numeric kernels every layer and optimizer is written against. Two implementations:
// `kernels-ts.ts` (plain TypeScript, the oracle in tests) and `kernels-wasm.ts` (AssemblyScript, SIMD).
//
// All buffers live in one Float32Array heap owned by the kernels instance and are addressed by float
// offsets, so the WebAssembly path never copies between JS and wasm memory. The heap may be replaced
// when it grows: call `heap()` again after `alloc`, never keep a view across an allocation.

/** Elementwise activations, by the integer id the kernels switch on. Softmax is row-wise and separate. */
export const ACTIVATION_IDS = {
  linear: 0,
  relu: 1,
  leaky_relu: 2,
  elu: 3,
  gelu: 4,
  sigmoid: 5,
  tanh: 6,
} as const;

export type ElementwiseActivation = keyof typeof ACTIVATION_IDS;

export interface Kernels {
  readonly name: 'ts' | 'wasm';
  /** The current heap view; valid until the next `alloc`. */
  heap(): Float32Array;
  /** Reserves `n` zeroed floats, 16-byte aligned; returns the float offset. Never freed: a model owns its kernels. */
  alloc(n: number): number;

  /**
   * C[m,n] (+)= op(A)[m,k] · op(B)[k,n] (+ bias[n]), row-major. op(A) = A^T when `transA` (A stored k×m),
   * op(B) = B^T when `transB` (B stored n×k). `bias` < 0 means none; `relu` applies max(0, ·) to the result.
   * Bias and relu are applied once, to the final value, so a layer's forward pass is a single call.
   */
  gemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    a: number,
    b: number,
    c: number,
    accumulate: boolean,
    bias: number,
    relu: boolean,
  ): void;

  /** y = f(z) elementwise; y may equal z. */
  activate(act: number, alpha: number, z: number, y: number, len: number): void;
  /** dz = dy · f'(z), using z (pre-activation) and y = f(z); dz may equal dy. */
  activateBackward(
    act: number,
    alpha: number,
    z: number,
    y: number,
    dy: number,
    dz: number,
    len: number,
  ): void;
  /** out[n] (+)= Σ_rows x[m,n]: the bias gradient. */
  colSum(x: number, m: number, n: number, out: number, accumulate: boolean): void;

  /** NHWC image batch → rows of patches [b·oh·ow, kh·kw·c] (zero padding outside the image). */
  im2col(x: number, g: ConvGeometry, cols: number): void;
  /** The adjoint of im2col: dx (zeroed here) accumulates patch gradients back onto pixels. */
  col2im(cols: number, g: ConvGeometry, dx: number): void;

  /**
   * Max pooling without padding, window g.kh × g.kw at strides g.strideH, g.strideW. `arg` is a heap buffer
   * of one int32 per output (the floats reinterpreted) recording each maximum's input index for backward.
   */
  maxPool(x: number, g: ConvGeometry, y: number, arg: number): void;
  /** dx (nx floats, zeroed here) receives each of the n output gradients at its recorded argmax. */
  maxPoolBackward(dy: number, n: number, arg: number, dx: number, nx: number): void;
  /** Average pooling without padding (square window g.kh, stride g.strideH). */
  avgPool(x: number, g: ConvGeometry, y: number): void;
  /** dx (zeroed here) receives each output gradient spread evenly over its window. */
  avgPoolBackward(dy: number, g: ConvGeometry, dx: number): void;

  /**
   * One fused Adam/AdamW step over a parameter tensor. c1, c2 are the bias-correction factors
   * 1/(1-β^t) (or 1 when correction is off); l2 adds l2·p to the gradient (coupled, Adam);
   * decay multiplies p by (1 - lr·decay) first (decoupled, AdamW).
   */
  adamStep(
    p: number,
    g: number,
    m: number,
    v: number,
    len: number,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    c1: number,
    c2: number,
    l2: number,
    decay: number,
  ): void;

  /**
   * One fused SGD-family step: g' = g + l2·p; buf = mu·buf + s·g'; p -= lr·(nesterov ? g' + mu·buf : c·buf).
   * mu = 0 is plain SGD (buf ignored). s = 1 is the heavy-ball form, s = 1-β the averaged form; c its bias correction.
   */
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
  ): void;
}

/** Geometry of a 2-D convolution or pooling window over an NHWC batch. */
export interface ConvGeometry {
  batch: number;
  h: number;
  w: number;
  c: number;
  kh: number;
  kw: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  outH: number;
  outW: number;
}

export function convOutSize(size: number, kernel: number, stride: number, pad: number): number {
  return Math.floor((size + 2 * pad - kernel) / stride) + 1;
}
