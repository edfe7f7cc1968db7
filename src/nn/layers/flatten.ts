// Flatten: a shape change only. Activations are contiguous NHWC already, so data passes through.

import { product, type Layer, type Param } from './layer.js';

export class Flatten implements Layer {
  readonly kind = 'flatten';
  readonly outShape: readonly number[];

  constructor(inShape: readonly number[]) {
    this.outShape = [product(inShape)];
  }

  params(): Param[] {
    return [];
  }

  forward(x: number): number {
    return x;
  }

  backward(dy: number, _batch: number, needInputGrad: boolean): number {
    return needInputGrad ? dy : -1;
  }
}
