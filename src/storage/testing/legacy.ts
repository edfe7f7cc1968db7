// Checks a database written by the old schema (src/storage/fixtures/make-legacy.ts), once migrated: every
// value the script wrote, typed field by typed field, against what the old code read back from it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { StudyStorage } from '../../study/storage.js';
import { stagesOf } from '../../study/stages.js';
import type { JsonValue, StudyInfo, TrialRecord } from '../../study/types.js';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

type Bag = Record<string, JsonValue>;
type OldStudy = Omit<
  StudyInfo,
  'stopRequests' | 'testEvaluations' | 'config' | 'notes' | 'onceKeys' | 'stage' | 'reproducible'
> & {
  systemAttrs: Bag;
};
/** A study as schemas before 6 read it: no stage link, no reproducible mode. */
type OldInfo = Omit<StudyInfo, 'stage' | 'reproducible'>;
type OldTrial = Omit<
  TrialRecord,
  'fixedParams' | 'gridId' | 'retriedFrom' | 'retriedBy' | 'retryCount' | 'samplerMemo' | 'constraints'
> & { systemAttrs: Bag };

function readFixture(file: string): { studies: OldStudy[]; trials: Record<string, OldTrial[]> } {
  return JSON.parse(readFileSync(join(FIXTURES, file), 'utf8'), (_key, value) =>
    value && typeof value === 'object' && 'nonFinite' in value ? Number(value.nonFinite) : value,
  );
}

/** What the old bag's keys say the new fields hold (the keys as make-legacy.ts and the old code wrote them). */
function expectedStudy(old: OldStudy): StudyInfo {
  const { systemAttrs: bag, ...rest } = old;
  const notes: Record<number, string> = {};
  const onceKeys: string[] = [];
  const others: Bag = {};
  for (const [key, value] of Object.entries(bag)) {
    if (key.startsWith('dashboard:note:')) notes[Number(key.slice(15))] = value as string;
    else if (key.startsWith('once:')) onceKeys.push(key.slice(5));
    else if (!['stop_requests', 'test_evaluations', 'config'].includes(key)) others[`system:${key}`] = value;
  }
  return {
    ...rest,
    userAttrs: { ...old.userAttrs, ...others },
    stopRequests: (bag.stop_requests as number | undefined) ?? 0,
    testEvaluations: (bag.test_evaluations as unknown as StudyInfo['testEvaluations'] | undefined) ?? [],
    config: bag.config ?? null,
    notes,
    onceKeys,
    stage: null,
    reproducible: null,
  };
}

function expectedTrial(old: OldTrial, studyId: number): TrialRecord {
  const { systemAttrs: bag, ...rest } = old;
  const own = ['fixed_params', 'grid_id', 'retried_from', 'retried_by', 'retry_count'];
  const samplerMemo: Bag = {};
  const others: Bag = {};
  for (const [key, value] of Object.entries(bag))
    if (key.startsWith('sampler:')) samplerMemo[key.slice(8)] = value;
    else if (!own.includes(key)) others[`system:${key}`] = value;
  return {
    ...rest,
    studyId,
    userAttrs: { ...old.userAttrs, ...others },
    fixedParams: (bag.fixed_params as TrialRecord['fixedParams'] | undefined) ?? null,
    gridId: (bag.grid_id as number | undefined) ?? null,
    retriedFrom: (bag.retried_from as number | undefined) ?? null,
    retriedBy: (bag.retried_by as number | undefined) ?? null,
    retryCount: (bag.retry_count as number | undefined) ?? 0,
    samplerMemo,
    constraints: null,
  };
}

const STUDY_FIELDS = [
  'id',
  'name',
  'directions',
  'createdAt',
  'userAttrs',
  'stopRequests',
  'testEvaluations',
];
const TRIAL_FIELDS: ReadonlyArray<keyof TrialRecord> = [
  'id',
  'studyId',
  'number',
  'state',
  'values',
  'params',
  'distributions',
  'intermediateValues',
  'userAttrs',
  'fixedParams',
  'gridId',
  'retriedFrom',
  'retriedBy',
  'retryCount',
  'samplerMemo',
  'constraints',
  'failReason',
  'worker',
  'createdAt',
  'startedAt',
  'finishedAt',
  'heartbeatAt',
];

/** Checks every value of the migrated legacy studies in `storage`, then that they still work as studies. */
export async function checkMigratedLegacy(storage: StudyStorage, fixture: string): Promise<void> {
  const old = readFixture(fixture);
  for (const oldStudy of old.studies) {
    const study = await storage.getStudy(oldStudy.name);
    const want = expectedStudy(oldStudy);
    for (const field of [...STUDY_FIELDS, 'config', 'notes', 'onceKeys'] as const)
      expect(study[field as keyof StudyInfo], `study ${study.name}: ${field}`).toEqual(
        want[field as keyof StudyInfo],
      );
    expect(study).toEqual(want);
    const trials = await storage.getTrials(study.id);
    expect(trials).toHaveLength(old.trials[study.name]!.length);
    old.trials[study.name]!.forEach((oldTrial, i) => {
      const expected = expectedTrial(oldTrial, study.id);
      for (const field of TRIAL_FIELDS)
        expect(trials[i]![field], `${study.name} trial ${i}: ${field}`).toEqual(expected[field]);
      expect(trials[i]).toEqual(expected);
    });
  }

  // The same values, spelled out as make-legacy.ts wrote them.
  const legacy = await storage.getStudy('legacy');
  expect(legacy).toMatchObject({
    userAttrs: { dataset: 'digits', 'system:custom_study_key': { x: 1 } },
    stopRequests: 2,
    config: { study: { name: 'legacy', sampler: { kind: 'cmaes', seed: 3 } } },
    notes: { 0: 'best so far', 2: 'diverged: lr too high' },
    onceKeys: ['grid:abc123:2'],
  });
  expect(legacy.testEvaluations.map((e) => [e.trial, e.status, e.score, e.forced])).toEqual([
    [0, 'complete', 0.875, false],
    [6, 'failed', null, true],
  ]);
  const t = await storage.getTrials(legacy.id);
  expect(t.map((x) => x.state)).toEqual([
    'complete',
    'pruned',
    'fail',
    'fail',
    'complete',
    'running',
    'complete',
    'waiting',
    'waiting',
  ]);
  expect(t[0]!.samplerMemo).toEqual({
    cmaes: { space: 'lr|units', restart: 0, generation: 2 },
    gp: { names: ['lr'], theta: [0.5], scale: 1.5, noise: 1e-6 },
  });
  expect(t[0]!.params.lr).toBe(0.0012345678901234567);
  expect(t[0]!.intermediateValues).toEqual({ 0: 0.9, 1: 0.5, 2: 0.30000000000000004 });
  expect(t[1]!.intermediateValues).toEqual({ 0: NaN, 5: Infinity, 10: 0.8 });
  expect(t[2]!.intermediateValues).toEqual({ 0: -Infinity });
  expect(t[3]).toMatchObject({
    retriedBy: 4,
    retryCount: 0,
    samplerMemo: { tpe: { below: [0] } },
    userAttrs: { note: 'first attempt', 'system:custom_trial_key': { kept: [1, 'two'] } },
  });
  expect(t[4]).toMatchObject({
    retriedFrom: 3,
    retriedBy: null,
    retryCount: 1,
    fixedParams: { lr: 0.05 },
    userAttrs: { note: 'first attempt', 'system:custom_trial_key': { kept: [1, 'two'] } },
  });
  expect(t[5]).toMatchObject({ fixedParams: null, params: { units: 32 }, intermediateValues: { 0: 1.25 } });
  expect(t.slice(6, 8).map((x) => [x.gridId, x.fixedParams])).toEqual([
    [0, { lr: 0.001, units: 64 }],
    [1, { lr: 0.01, units: 64 }],
  ]);
  expect(t[8]).toMatchObject({
    fixedParams: { lr: 0.02, act: 'relu' },
    userAttrs: { enqueued_by: 'dashboard' },
  });
  const mo = await storage.getStudy('legacy-mo');
  expect(mo).toMatchObject({ directions: ['minimize', 'maximize'], userAttrs: { kind: 'pareto' } });
  expect((await storage.getTrials(mo.id)).map((x) => x.values)).toEqual([
    [0.1, 0.9],
    [0.3, 0.95],
    [0.2, 0.5],
    null,
  ]);

  // And the migrated study works on: the grid is not enqueued again, waiting trials keep their params.
  expect(await storage.enqueueTrials(legacy.id, [{ fixedParams: {} }], { onceKey: 'grid:abc123:2' })).toBe(
    false,
  );
  const claimed = await storage.startTrial(legacy.id, 'new-worker');
  expect(claimed).toMatchObject({ number: 7, gridId: 1, fixedParams: { lr: 0.01, units: 64 } });
  await storage.finishTrial(claimed!.id, { state: 'complete', values: [0.125] }, { worker: 'new-worker' });
  expect((await storage.startTrial(legacy.id, 'new-worker'))!.number).toBe(9);
  expect((await storage.writeStudy(legacy.id, { stopRequests: 3 })).stopRequests).toBe(3);
}

/**
 * Checks a schema-4 database (src/storage/fixtures/make-schema-4.ts) once migrated: every record reads back
 * as that code read it, with no constraints; then a migrated running trial takes constraints.
 */
export async function checkMigratedSchema4(storage: StudyStorage, fixture: string): Promise<void> {
  const old = JSON.parse(readFileSync(join(FIXTURES, fixture), 'utf8'), (_key, value) =>
    value && typeof value === 'object' && 'nonFinite' in value ? Number(value.nonFinite) : value,
  ) as { studies: OldInfo[]; trials: Record<string, Omit<TrialRecord, 'constraints'>[]> };
  for (const oldStudy of old.studies) {
    const study = await storage.getStudy(oldStudy.name);
    expect(study).toEqual({ ...oldStudy, stage: null, reproducible: null });
    const trials = await storage.getTrials(study.id);
    expect(trials).toEqual(old.trials[study.name]!.map((t) => ({ ...t, constraints: null })));
  }
  const study = await storage.getStudy('schema4');
  const running = (await storage.getTrials(study.id, { states: ['running'] }))[0]!;
  await storage.writeTrial(running.id, { constraints: [0.5, -1] });
  const { finished } = await storage.finishTrial(running.id, { state: 'complete', values: [1] });
  expect(finished).toMatchObject({ state: 'complete', constraints: [0.5, -1] });
}

const bitsOf = (x: number): string => {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
};

/**
 * Checks a PostgreSQL schema-4 database (src/storage/fixtures/make-postgres-schema-4.ts) once its intermediate
 * values are rows: every record reads back as that code read it, each intermediate value bit for bit.
 */
export async function checkMigratedReports(storage: StudyStorage, fixture: string): Promise<void> {
  const old = JSON.parse(readFileSync(join(FIXTURES, fixture), 'utf8'), (_key, value) =>
    value && typeof value === 'object' && 'nonFinite' in value ? Number(value.nonFinite) : value,
  ) as { studies: OldInfo[]; trials: Record<string, TrialRecord[]> };
  for (const oldStudy of old.studies) {
    const study = await storage.getStudy(oldStudy.name);
    expect(study).toEqual({ ...oldStudy, stage: null, reproducible: null });
    const trials = await storage.getTrials(study.id);
    expect(trials).toHaveLength(old.trials[study.name]!.length);
    old.trials[study.name]!.forEach((expected, i) => {
      for (const field of TRIAL_FIELDS)
        expect(trials[i]![field], `${study.name} trial ${i}: ${field}`).toEqual(expected[field]);
      const bits = (t: TrialRecord) =>
        Object.entries(t.intermediateValues)
          .map(([k, v]) => [Number(k), bitsOf(v)])
          .sort((a, b) => (a[0] as number) - (b[0] as number));
      expect(bits(trials[i]!), `${study.name} trial ${i}: intermediate bits`).toEqual(bits(expected));
      expect(trials[i]).toEqual(expected);
    });
  }
}

/**
 * Checks a schema-5 database (src/storage/fixtures/make-schema-5.ts) once migrated: each stage's link moved
 * from its user attributes into its `stage` field, the parents' copies of the links gone (an auto ranking
 * kept), attributes of the user's own under those names untouched, no study reproducible, and everything else
 * as that code read it. The stages derived from the links are the ones the parents listed.
 */
export async function checkMigratedStages(storage: StudyStorage, fixture: string): Promise<void> {
  const old = JSON.parse(readFileSync(join(FIXTURES, fixture), 'utf8')) as {
    studies: OldInfo[];
    trials: Record<string, TrialRecord[]>;
  };
  const oldStudy = (name: string) => old.studies.find((s) => s.name === name)!;
  for (const before of old.studies) {
    const study = await storage.getStudy(before.name);
    const { stage, staged, ...rest } = before.userAttrs as Bag;
    if (/\.stage-\d+$/.test(before.name))
      expect(study).toEqual({
        ...before,
        stage,
        reproducible: null,
        userAttrs: { ...rest, ...(staged ? { staged } : {}) },
      });
    else if (before.name === 'plain') expect(study).toEqual({ ...before, stage: null, reproducible: null });
    else {
      const { order } = staged as { order?: JsonValue };
      expect(study).toEqual({
        ...before,
        stage: null,
        reproducible: null,
        userAttrs: { ...rest, ...(order ? { staged: { order } } : {}) },
      });
    }
    expect(await storage.getTrials(study.id)).toEqual(old.trials[before.name]);
  }

  // The same, spelled out as make-schema-5.ts wrote them.
  const lr = (oldStudy('hand.stage-2').userAttrs.stage as { fixed: { lr: number } }).fixed.lr;
  expect(await storage.getStudy('hand.stage-2')).toMatchObject({
    stage: { parent: 'hand', index: 2, label: 'units+act', params: ['units', 'act'], fixed: { lr } },
    userAttrs: { reviewed: true },
  });
  expect((await storage.getStudy('hand')).userAttrs).toEqual({ dataset: 'digits' });
  expect((await storage.getStudy('auto')).userAttrs).toEqual({
    staged: { order: { source: 'prior', order: ['lr', 'units', 'act'], pairs: [] } },
  });
  expect(await storage.getStudy('plain')).toMatchObject({
    stage: null,
    userAttrs: { stage: { parent: 'elsewhere' }, staged: { stages: 'mine' }, round: 2 },
  });
  const list = await storage.listStudies();
  for (const parent of ['hand', 'auto']) {
    const listed = (oldStudy(parent).userAttrs.staged as { stages: Bag[] }).stages;
    expect(listed.length).toBeGreaterThan(1);
    expect(stagesOf(list, parent)).toEqual(
      listed.map(({ index, label, study, params, fixed, best }) => ({
        index,
        label,
        study,
        params,
        fixed,
        bestValue: best,
      })),
    );
  }

  // A migrated stage takes a new link like any study; a migrated study a reproducible mode, and a new study
  // is created with one.
  const second = await storage.getStudy('hand.stage-2');
  const relinked = { parent: 'hand', index: 2, label: 'act', params: ['act'], fixed: {} };
  expect((await storage.writeStudy(second.id, { stage: relinked })).stage).toEqual(relinked);
  expect((await storage.writeStudy(second.id, { reproducible: { lag: 2 } })).reproducible).toEqual({
    lag: 2,
  });
  const fresh = await storage.createStudy('after-6', ['minimize'], { reproducible: { lag: 1 } });
  expect((await storage.getStudy(fresh.name)).reproducible).toEqual({ lag: 1 });
}
