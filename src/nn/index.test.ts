import { describe, expect, it } from 'vitest';
import * as nn from './index.js';

// The public surface of `tunekit/nn`, used the way a tuning objective would use it.
describe('tunekit/nn public surface', () => {
  it('builds from plain config, trains with a pruning callback, and round-trips parameters', async () => {
    const n = 64;
    const x = Float32Array.from({ length: n * 4 }, (_, i) => Math.sin(i * 1.3));
    const y = Int32Array.from({ length: n }, (_, i) => (x[i * 4] + x[i * 4 + 1] > 0 ? 1 : 0));
    const config: nn.ModelConfig = nn.mlp({ inputs: 4, hidden: [16], outputs: 2, activation: 'tanh' });
    const model = nn.buildModel(JSON.parse(JSON.stringify(config)) as nn.ModelConfig, { seed: 3 });
    const reported: number[] = [];
    const pruned = new Error('pruned');
    await expect(
      nn.fit(
        model,
        { x, y, n },
        {
          epochs: 20,
          batchSize: 'auto',
          loss: 'softmax_cross_entropy',
          optimizer: { kind: 'adam', lr: 0.02 },
          validation: { x, y, n },
          metrics: ['accuracy'],
          onEpochEnd: (epoch, logs) => {
            reported.push(logs.val.accuracy!);
            if (epoch === 9) throw pruned;
          },
        },
      ),
    ).rejects.toBe(pruned);
    expect(reported).toHaveLength(10);
    expect(reported.at(-1)).toBeGreaterThan(0.8);
    const saved = nn.saveParams(model);
    const copy = nn.buildModel(model.config!, { seed: 99 });
    nn.loadParams(copy, saved);
    expect(copy.predict(x)).toEqual(model.predict(x));
  });

  it('exports both kernel implementations and reports which wasm build loads', () => {
    expect(new nn.TsKernels().name).toBe('ts');
    expect(['relaxed', 'simd', null]).toContain(nn.bestWasmVariant());
    expect(nn.createKernels('ts')).toBeInstanceOf(nn.TsKernels);
  });
});
