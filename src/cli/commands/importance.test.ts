import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RandomSampler, createStudy } from '../../index.js';
import { importanceCommand } from './importance.js';

async function run(argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
  try {
    return { code: await importanceCommand.run(argv), out: lines.join('\n') };
  } finally {
    spy.mockRestore();
  }
}

describe('tunekit importance', () => {
  const url = `sqlite:${join(mkdtempSync(join(tmpdir(), 'tunekit-importance-')), 't.db')}`;
  afterEach(() => vi.restoreAllMocks());

  it('prints importances with bars, interactions and advice; --json gives the same as data', async () => {
    const study = await createStudy({
      studyName: 's',
      storage: url,
      sampler: new RandomSampler({ seed: 2 }),
    });
    await study.optimize(
      (t) => {
        const a = t.suggestFloat('a', 0, 1);
        const b = t.suggestFloat('b', 0, 1);
        t.suggestCategorical('c', ['x', 'y']);
        return 5 * a + b;
      },
      { nTrials: 60 },
    );
    await study.storage.close();
    const text = await run(['s', '--storage', url]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^study "s": 60 complete trials, fANOVA/);
    // Importance, its spread over the trees, then the bar.
    expect(text.out).toMatch(/\na\s+0\.9\d\d\s+0\.\d{3}\s+█{30}\n/);
    expect(text.out).toMatch(/\na × b\s+0\.\d{3}/);
    expect(text.out).toMatch(/advice: narrow a to [\d.]+ \.\. [\d.]+; b and c barely matter$/);
    const json = JSON.parse((await run(['s', '--storage', url, '--json', '--evaluator', 'ped-anova'])).out);
    expect(json.importance.evaluator).toBe('ped-anova');
    expect(json.importance.params[0].param).toBe('a');
    expect(json.interactions.pairs.length).toBeGreaterThan(0);
    expect(typeof json.advice.summary).toBe('string');
  });

  it('asks which objective of a multi-objective study to explain', async () => {
    const study = await createStudy({
      studyName: 'm',
      storage: url,
      directions: ['minimize', 'maximize'],
      sampler: new RandomSampler({ seed: 3 }),
    });
    await study.optimize((t) => [t.suggestFloat('a', 0, 1), t.suggestFloat('b', 0, 1)], { nTrials: 30 });
    await study.storage.close();
    await expect(run(['m', '--storage', url])).rejects.toMatchObject({ code: 'invalid_argument' });
    const json = JSON.parse((await run(['m', '--storage', url, '--objective', '1', '--json'])).out);
    expect(json.importance.params[0].param).toBe('b');
  });
});
