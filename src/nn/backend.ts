// Picks the kernels implementation: WebAssembly SIMD when it loads, the TypeScript reference otherwise
// (or when asked for by name, e.g. to cross-check the fast path).

import type { Kernels } from './kernels.js';
import { TsKernels } from './kernels-ts.js';
import { wasmAvailable, WasmKernels } from './kernels-wasm.js';

export type KernelsChoice = 'wasm' | 'ts' | Kernels;

export function createKernels(choice?: KernelsChoice): Kernels {
  if (typeof choice === 'object') return choice;
  if (choice === 'ts') return new TsKernels();
  if (choice === 'wasm') return new WasmKernels();
  return wasmAvailable() ? new WasmKernels() : new TsKernels();
}
