// The package as users get it: the built entry, the bin, and the examples (run by `npm test` after build).
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const run = (args: string[]) =>
  execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: 60_000 });

describe('the built package', () => {
  it('exposes a small, grouped public surface from its entry', async () => {
    const api = await import('tunekit');
    for (const name of [
      'createStudy',
      'loadStudy',
      'Study',
      'Trial',
      'RandomSampler',
      'GridSampler',
      'QmcSampler',
      'InMemoryStorage',
      'TunekitError',
      'TrialPruned',
      'floatDistribution',
    ])
      expect(api, name).toHaveProperty(name);
    const study = await api.createStudy({ seed: 1 });
    await study.optimize((t) => t.suggestFloat('x', 0, 1), { nTrials: 5 });
    expect(await study.trials()).toHaveLength(5);
  });

  it('keeps data pure and the evaluation protocol in tunekit/evaluate', async () => {
    const data = await import('tunekit/data');
    const evaluate = await import('tunekit/evaluate');
    for (const name of ['loadDataset', 'loadCsv', 'trainValTestSplit', 'kFold', 'fitPreprocess', 'augment'])
      expect(data, name).toHaveProperty(name);
    for (const name of [
      'trainerObjective',
      'trainAndEvaluate',
      'evaluateParams',
      'fixedParams',
      'TRAINER_ATTRS',
      'crossValidatedObjective',
      'makeFolds',
      'meanStd',
      'CV_ATTRS',
      'nestedCrossValidation',
      'evaluateOnTest',
      'testEvaluations',
      'successiveHalving',
      'hyperband',
    ]) {
      expect(evaluate, name).toHaveProperty(name);
      expect(data, name).not.toHaveProperty(name);
    }
    // The budgeted drivers need only a study, so the light core entry keeps them too.
    const api = await import('tunekit');
    expect(api.successiveHalving).toBe(evaluate.successiveHalving);
  });

  it('answers tunekit --version and --help through its bin', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
      bin: { tunekit: string };
    };
    expect(run([pkg.bin.tunekit, '--version']).trim()).toBe(pkg.version);
    // npx runs the bin file directly, so the build must leave it executable.
    expect(statSync(new URL(`../${pkg.bin.tunekit}`, import.meta.url)).mode & 0o111).not.toBe(0);
    expect(run([pkg.bin.tunekit, '--help'])).toMatch(/Usage: tunekit <command>/);
  });

  it('runs examples/quadratic.ts', () => {
    const out = run(['--import', 'tsx', 'examples/quadratic.ts']);
    const value = Number(/best value ([\d.]+)/.exec(out)?.[1]);
    expect(value).toBeLessThan(0.05);
  });
});
