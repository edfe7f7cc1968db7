// Weight initialisers as plain data. Fan-in/fan-out follow the usual convention: for a dense layer the
// input and output sizes, for a convolution those times the kernel area.

import { TunekitError } from '../errors.js';
import type { Rng } from '../random.js';

export type InitName =
  | 'zeros'
  | 'uniform'
  | 'normal'
  | 'xavier_uniform'
  | 'xavier_normal'
  | 'he_uniform'
  | 'he_normal'
  | 'lecun_uniform'
  | 'lecun_normal';

/** A name, or uniform/normal with an explicit scale (defaults: limit 0.05, std 0.05, as in Keras). */
export type InitConfig = InitName | { kind: 'uniform'; limit: number } | { kind: 'normal'; std: number };

type Dist = { uniform: number } | { normal: number } | 'zeros';

function distribution(init: InitConfig, fanIn: number, fanOut: number): Dist {
  const name = typeof init === 'string' ? init : init.kind;
  switch (name) {
    case 'zeros':
      return 'zeros';
    case 'uniform':
      return { uniform: typeof init === 'object' && 'limit' in init ? init.limit : 0.05 };
    case 'normal':
      return { normal: typeof init === 'object' && 'std' in init ? init.std : 0.05 };
    case 'xavier_uniform':
      return { uniform: Math.sqrt(6 / (fanIn + fanOut)) };
    case 'xavier_normal':
      return { normal: Math.sqrt(2 / (fanIn + fanOut)) };
    case 'he_uniform':
      return { uniform: Math.sqrt(6 / fanIn) };
    case 'he_normal':
      return { normal: Math.sqrt(2 / fanIn) };
    case 'lecun_uniform':
      return { uniform: Math.sqrt(3 / fanIn) };
    case 'lecun_normal':
      return { normal: Math.sqrt(1 / fanIn) };
    default:
      throw new TunekitError(
        'invalid_argument',
        `unknown initialiser ${JSON.stringify(init)}; use one of zeros, uniform, normal, xavier_uniform, xavier_normal, he_uniform, he_normal, lecun_uniform, lecun_normal`,
      );
  }
}

/** Fills out[0..len) in place. */
export function initialize(
  out: Float32Array,
  init: InitConfig,
  fanIn: number,
  fanOut: number,
  rng: Rng,
): void {
  const d = distribution(init, fanIn, fanOut);
  if (d === 'zeros') out.fill(0);
  else if ('uniform' in d) for (let i = 0; i < out.length; i++) out[i] = rng.uniform(-d.uniform, d.uniform);
  else for (let i = 0; i < out.length; i++) out[i] = rng.normal() * d.normal;
}

/** He for the relu family, Glorot otherwise: the pairing each was derived for. */
export function defaultInit(activation: string): InitName {
  return activation === 'relu' || activation === 'leaky_relu' || activation === 'elu' || activation === 'gelu'
    ? 'he_uniform'
    : 'xavier_uniform';
}
