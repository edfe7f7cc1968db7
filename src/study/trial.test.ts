// A trial, define-by-run: suggestions, conditional spaces, user attributes, reports.
import { describe, expect, it } from 'vitest';
import { createStudy } from '../create-study.js';
import { TunekitError } from '../errors.js';

describe('Trial', () => {
  it('returns the same value for the same name and distribution, and refuses another distribution', async () => {
    const study = await createStudy({ seed: 9 });
    const trial = await study.ask();
    const x = trial.suggestFloat('x', 0, 1);
    expect(trial.suggestFloat('x', 0, 1)).toBe(x);
    expect(() => trial.suggestFloat('x', 0, 2)).toThrow(/"x" was already suggested as float in \[0, 1\]/);
    expect(() => trial.suggestInt('x', 0, 1)).toThrow(TunekitError);
    expect(trial.params).toEqual({ x });
    await study.tell(trial, x);
    expect((await study.bestTrial()).distributions.x).toEqual({
      kind: 'float',
      low: 0,
      high: 1,
      log: false,
      step: null,
    });
  });

  it('supports conditional spaces', async () => {
    const study = await createStudy({ seed: 10 });
    await study.optimize(
      (t) => {
        const kind = t.suggestCategorical('kind', ['linear', 'tree']);
        return kind === 'linear'
          ? t.suggestFloat('c', 1e-3, 1e3, { log: true })
          : t.suggestInt('depth', 1, 10);
      },
      { nTrials: 40 },
    );
    for (const t of await study.trials()) {
      expect(Object.keys(t.params).sort()).toEqual(
        t.params.kind === 'linear' ? ['c', 'kind'] : ['depth', 'kind'],
      );
    }
  });

  it('stores user attributes and refuses values that are not JSON', async () => {
    const study = await createStudy();
    const trial = await study.ask();
    await trial.setUserAttr('fold_scores', [0.9, 0.8]);
    expect(() => trial.setUserAttr('bad', 10n as never)).toThrow(/must be JSON-serialisable/);
    await study.tell(trial, 1);
    expect((await study.trials())[0]!.userAttrs).toEqual({ fold_scores: [0.9, 0.8] });
  });

  it('validates report arguments', async () => {
    const trial = await (await createStudy()).ask();
    expect(() => trial.report(1, -1)).toThrow(/step must be a non-negative integer/);
    expect(() => trial.report('1' as never, 0)).toThrow(/value must be a number/);
  });
});
