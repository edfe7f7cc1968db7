// `tunekit export` then `tunekit add` (warm start from known results), end to end with the built CLI: a
// study's finished trials go through a JSON or CSV file into another storage and read back the same.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStudy } from '../src/index.js';
import type { TrialRecord } from '../src/index.js';
import { SqliteStorage } from '../src/storage/sqlite/index.js';
import { cli, freshDirEachTest, sandbox } from './cli-helpers.js';

freshDirEachTest();

/** A study with every kind of finished trial: constraints, reports (non-finite too), attributes, a failure. */
async function writeSource(): Promise<void> {
  const storage = new SqliteStorage(join(sandbox.dir, 'source.db'));
  const study = await createStudy({ storage, studyName: 'source', quiet: true });
  for (let i = 0; i < 6; i++) {
    const trial = await study.ask();
    const x = trial.suggestFloat('x', -2, 2);
    const n = trial.suggestInt('n', 1, 8);
    const act = trial.suggestCategorical('act', ['relu', '1', 2, true]);
    await trial.report(x * x, 0);
    await trial.report(i === 1 ? Number.NaN : x * x + 1, 1);
    await trial.setUserAttr('fold', { i, scores: [0.5, 0.25] });
    await trial.setConstraint([x - 1, -n]);
    if (i === 2) await study.tell(trial, 'pruned');
    else if (i === 3) await study.tell(trial, 'fail', { failReason: 'diverged, "badly"' });
    else await study.tell(trial, x * x + n + (act === 'relu' ? 0 : 1));
  }
  await study.enqueueTrial({ x: 0 }); // waiting: not exported as a result, so not added
  await storage.close();
}

const FIELDS = [
  'number',
  'state',
  'values',
  'params',
  'distributions',
  'intermediateValues',
  'userAttrs',
  'constraints',
  'failReason',
  'startedAt',
  'finishedAt',
] as const;
const pick = (t: TrialRecord) => Object.fromEntries(FIELDS.map((f) => [f, t[f]]));

describe('tunekit add', () => {
  it('round-trips a JSON export into another storage: every finished trial reads back the same', async () => {
    await writeSource();
    await cli(['export', 'source', '--storage', 'sqlite:source.db', '--format', 'json', '--out', 'a.json']);
    const added = await cli(['add', 'copy', '--from', 'a.json', '--storage', 'sqlite:copy.db']);
    expect(added.stdout).toMatch(/added 6 trial\(s\) from a.json to study "copy"/);
    await cli(['export', 'copy', '--storage', 'sqlite:copy.db', '--format', 'json', '--out', 'b.json']);
    const read = (file: string) =>
      (JSON.parse(readFileSync(join(sandbox.dir, file), 'utf8')) as { trials: TrialRecord[] }).trials;
    const finished = read('a.json').filter((t) => t.state !== 'waiting');
    expect(read('b.json').map(pick)).toEqual(finished.map(pick));
    // The best query honours the constraints the trials carried: the same trial is best on both sides.
    const best = async (storage: string, study: string) =>
      JSON.parse((await cli(['best', study, '--storage', storage, '--json'])).stdout).number as number;
    expect(await best('sqlite:copy.db', 'copy')).toBe(await best('sqlite:source.db', 'source'));
    // Adding again appends (numbers go on), and a bad file is refused naming what is wrong.
    await cli(['add', 'copy', '--from', 'a.json', '--storage', 'sqlite:copy.db']);
    expect(read('b.json')).toHaveLength(6);
    const bad = await cli(['add', 'copy', '--from', 'missing.json', '--storage', 'sqlite:copy.db'], {
      ok: false,
    });
    expect(bad.stderr).toMatch(/--from missing.json/);
  });

  it('round-trips a CSV export: exporting what was added gives the same CSV', async () => {
    await writeSource();
    await cli(['export', 'source', '--storage', 'sqlite:source.db', '--format', 'csv', '--out', 'a.csv']);
    const text = readFileSync(join(sandbox.dir, 'a.csv'), 'utf8');
    expect(text.split('\n')[0]).toBe(
      'number,state,value,started_at,finished_at,fail_reason,param_x,param_n,param_act,constraint_0,constraint_1',
    );
    await cli(['add', 'copy', '--from', 'a.csv', '--storage', 'sqlite:copy.db']);
    const again = (await cli(['export', 'copy', '--storage', 'sqlite:copy.db', '--format', 'csv'])).stdout;
    const finishedRows = text.split('\n').filter((line) => !line.includes(',waiting,'));
    expect(again.split('\n')).toEqual(finishedRows);
  });
});
