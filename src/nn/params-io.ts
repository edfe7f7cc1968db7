// Learned parameters (weights, biases, running statistics) saved and loaded apart from the config that
// built the model: plain JSON with each tensor as base64 little-endian float32, so round trips are exact.

import { TunekitError } from '../errors.js';
import type { Model } from './model.js';

export interface SavedParams {
  format: 'tunekit.nn.params';
  version: 1;
  tensors: { name: string; shape: number[]; data: string }[];
}

export function saveParams(model: Model): SavedParams {
  const h = model.kernels.heap();
  return {
    format: 'tunekit.nn.params',
    version: 1,
    tensors: model.params().map(({ name, param: p }) => {
      const copy = h.slice(p.value, p.value + p.size);
      return {
        name,
        shape: [...p.shape],
        data: Buffer.from(copy.buffer, copy.byteOffset, copy.byteLength).toString('base64'),
      };
    }),
  };
}

/** Loads into a model built from the same config; names and shapes must match exactly. */
export function loadParams(model: Model, saved: SavedParams): void {
  if (saved?.format !== 'tunekit.nn.params' || saved.version !== 1)
    throw new TunekitError('invalid_params', 'not a tunekit.nn.params v1 object');
  const params = model.params();
  if (params.length !== saved.tensors.length)
    throw new TunekitError(
      'invalid_params',
      `model has ${params.length} tensors, saved params have ${saved.tensors.length}; was the model built from the same config?`,
    );
  const decoded = params.map(({ name, param: p }, i) => {
    const t = saved.tensors[i];
    if (t.name !== name || t.shape.join('x') !== p.shape.join('x'))
      throw new TunekitError(
        'invalid_params',
        `tensor ${i}: model has ${name} [${p.shape.join(', ')}], saved has ${t.name} [${t.shape.join(', ')}]`,
      );
    const bytes = Buffer.from(t.data, 'base64');
    if (bytes.byteLength !== p.size * 4)
      throw new TunekitError(
        'invalid_params',
        `tensor ${name}: expected ${p.size * 4} bytes of data, got ${bytes.byteLength}`,
      );
    return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  });
  // Validate everything before writing anything, so a bad file leaves the model untouched.
  const h = model.kernels.heap();
  params.forEach(({ param: p }, i) => h.set(decoded[i], p.value));
}

/** In-memory copy of every parameter (for restoring the best epoch). */
export function snapshot(model: Model): Float32Array[] {
  const h = model.kernels.heap();
  return model.params().map(({ param: p }) => h.slice(p.value, p.value + p.size));
}

export function restore(model: Model, snap: readonly Float32Array[]): void {
  const h = model.kernels.heap();
  model.params().forEach(({ param: p }, i) => h.set(snap[i], p.value));
}
