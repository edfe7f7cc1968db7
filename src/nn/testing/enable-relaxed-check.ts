// Run in a plain child process (no flags): enableRelaxedSimd() must switch new kernels to the FMA build.
// Prints {"before", "after", "kernels"} as JSON.

import { bestWasmVariant, enableRelaxedSimd, WasmKernels } from '../kernels-wasm.js';

const before = bestWasmVariant();
const after = enableRelaxedSimd();
console.log(JSON.stringify({ before, after, kernels: new WasmKernels().variant }));
