// A trainer config that cannot train is refused by the dry run, naming its field, before any storage opens.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TunekitError } from '../errors.js';
import { nestedCvFromConfig } from './nested.js';
import { runTune } from './run.js';
import { parseConfig } from './schema.js';
import { planTrainer, type TrainerObjectiveConfig } from './trainer.js';

function config(fit: Record<string, unknown>, space: Record<string, unknown> = {}, storage = 'memory') {
  return parseConfig({
    study: { name: 'dry', storage, trials: 2 },
    space: { units: { type: 'int', low: 4, high: 8 }, ...space },
    objective: {
      trainer: {
        data: 'digits',
        model: { mlp: { hidden: ['$units'] } },
        fit: { epochs: 1, optimizer: { kind: 'adam', lr: 0.01 }, ...fit },
      },
    },
  });
}

function refusal(fit: Record<string, unknown>, space?: Record<string, unknown>): TunekitError {
  const cfg = config(fit, space);
  try {
    planTrainer(cfg.objective as TrainerObjectiveConfig, cfg.space);
  } catch (error) {
    expect(error).toBeInstanceOf(TunekitError);
    return error as TunekitError;
  }
  throw new Error('the dry run accepted the config');
}

describe('the trainer dry run', () => {
  it('refuses a learning rate the optimizer refuses, naming the field', () => {
    const error = refusal({ optimizer: { kind: 'adam', lr: -1 } });
    expect(error.code).toBe('config_invalid');
    expect(error.message).toBe('objective.trainer.fit.optimizer.lr: expected a number > 0, got -1');
    expect(error.details).toEqual({ path: 'objective.trainer.fit.optimizer.lr' });
  });

  it('refuses an unknown schedule key, loss option and early-stopping monitor', () => {
    expect(refusal({ schedule: { kind: 'step', stepSize: 2, gama: 0.5 } }).message).toBe(
      'objective.trainer.fit.schedule.gama: unknown field; expected one of stepSize, gamma',
    );
    expect(refusal({ schedule: { kind: 'zigzag' } }).message).toMatch(
      /^objective.trainer.fit.schedule.kind: expected one of constant, step, .*, got "zigzag"$/,
    );
    expect(refusal({ loss: { kind: 'huber', delta: 0 } }).message).toBe(
      'objective.trainer.fit.loss.delta: expected a number > 0, got 0',
    );
    expect(refusal({ earlyStopping: { monitor: 'val_acc' } }).message).toMatch(
      /^objective.trainer.fit.earlyStopping.monitor: expected one of loss, val_loss, .*val_accuracy.*, got "val_acc"$/,
    );
    expect(refusal({ epochs: 'ten' }).message).toBe(
      'objective.trainer.fit.epochs: expected an integer >= 0, got "ten"',
    );
  });

  it('tries every categorical choice, and says which one failed', () => {
    const error = refusal(
      { optimizer: { kind: '$opt', lr: 0.01 } },
      { opt: { type: 'categorical', choices: ['adam', 'sgd', 'adamm'] } },
    );
    expect(error.message).toMatch(
      /^objective.trainer.fit.optimizer.kind: expected one of .*, got "adamm" \(with opt = "adamm"\)$/,
    );
  });

  it('accepts a config that trains, with an early-stopping metric it adds itself', () => {
    const cfg = config({
      metrics: ['accuracy'],
      earlyStopping: { monitor: 'val_f1', patience: 2 },
      schedule: { kind: 'reduce_on_plateau' },
    });
    expect(() => planTrainer(cfg.objective as TrainerObjectiveConfig, cfg.space)).not.toThrow();
  });

  it('runTune refuses before it opens the storage: no database file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tunekit-dry-'));
    const file = join(dir, 'never.db');
    const cfg = config({ optimizer: { kind: 'adam', lr: -1 } }, {}, `sqlite:${file}`);
    await expect(runTune(cfg)).rejects.toMatchObject({ code: 'config_invalid' });
    expect(existsSync(file)).toBe(false);
  });

  it('nested cross-validation refuses the same configs before its first outer fold', async () => {
    await expect(nestedCvFromConfig(config({ optimizer: { kind: 'adam', lr: -1 } }))).rejects.toMatchObject({
      code: 'config_invalid',
      details: { path: 'objective.trainer.fit.optimizer.lr' },
    });
  });
});
