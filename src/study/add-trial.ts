// Warm start from known results (Optuna's create_trial + add_trial): finished trials given as plain data,
// validated field by field, turned into the records storage adds after the study's own trials; and
// enqueueTrial's skip-if-exists.
import { TunekitError } from '../errors.js';
import { contains, describeDistribution, validateDistribution } from '../search-space/index.js';
import type { Distribution, ParamValue } from '../search-space/index.js';
import { trialResult } from './result.js';
import type { StudyStorage } from './storage.js';
import { toJson } from './trial.js';
import { noBookkeeping } from './types.js';
import type { JsonValue, StudyInfo, TrialRecord } from './types.js';

/** A finished trial to add to a study. Every field but `params`/`distributions` and the values is optional. */
export interface NewTrial {
  /** Default 'complete'. */
  readonly state?: 'complete' | 'pruned' | 'fail';
  /** The objective value of a single-objective study (or use `values`). */
  readonly value?: number;
  /** One value per objective; required for a complete trial. */
  readonly values?: readonly number[];
  readonly params?: Readonly<Record<string, ParamValue>>;
  /** The distribution each param was drawn from; required for every param. */
  readonly distributions?: Readonly<Record<string, Distribution>>;
  /** By step. */
  readonly intermediateValues?: Readonly<Record<number, number>>;
  readonly userAttrs?: Readonly<Record<string, JsonValue>>;
  /** Each <= 0 when met (as `trial.setConstraint`). */
  readonly constraints?: readonly number[];
  /** Why a failed trial failed. */
  readonly failReason?: string;
  /** Milliseconds since the epoch; default now. */
  readonly startedAt?: number;
  readonly finishedAt?: number;
}

const FIELDS = new Set([
  'state',
  'value',
  'values',
  'params',
  'distributions',
  'intermediateValues',
  'userAttrs',
  'constraints',
  'failReason',
  'startedAt',
  'finishedAt',
]);

/**
 * The records for `trials` in `study` (ids and numbers are the storage's to assign), or `invalid_argument`
 * naming the trial (by its index in the list) and the field. `existing` are the study's trials: a param
 * must keep the kind of distribution (and the choices) it has there.
 */
export function newTrialRecords(
  trials: readonly NewTrial[],
  study: StudyInfo,
  existing: readonly TrialRecord[],
): TrialRecord[] {
  if (!Array.isArray(trials))
    throw new TunekitError('invalid_argument', 'addTrials: pass an array of trials');
  const known = new Map<string, Distribution>();
  for (const t of existing) for (const [name, d] of Object.entries(t.distributions)) known.set(name, d);
  const now = Date.now();
  return trials.map((input, index) => {
    const where = trials.length === 1 ? 'addTrial' : `addTrials: trial ${index}`;
    const fail = (message: string): never => {
      throw new TunekitError('invalid_argument', `${where}: ${message}`);
    };
    if (input === null || typeof input !== 'object' || Array.isArray(input)) fail('a trial is an object');
    const unknown = Object.keys(input).filter((k) => !FIELDS.has(k));
    if (unknown.length > 0)
      fail(`unknown field(s) ${unknown.join(', ')}; the fields are ${[...FIELDS].join(', ')}`);
    const state = input.state ?? 'complete';
    if (!['complete', 'pruned', 'fail'].includes(state))
      fail(`state must be complete, pruned or fail, got ${JSON.stringify(state)}`);
    const { params, distributions } = checkParams(input, known, fail);
    const intermediateValues = checkIntermediate(input.intermediateValues ?? {}, fail);
    const values = checkValues(input, state, study.directions.length, intermediateValues, fail);
    const constraints = input.constraints === undefined ? null : checkConstraints(input.constraints, fail);
    const time = (field: 'startedAt' | 'finishedAt'): number => {
      const v = input[field] ?? now;
      if (!Number.isSafeInteger(v) || v < 0) fail(`${field} must be milliseconds since the epoch`);
      return v;
    };
    const startedAt = time('startedAt');
    const finishedAt = input.finishedAt === undefined ? Math.max(startedAt, now) : time('finishedAt');
    if (finishedAt < startedAt) fail('finishedAt must not be before startedAt');
    if (input.failReason !== undefined && typeof input.failReason !== 'string')
      fail('failReason must be a string');
    const userAttrs = toJson((input.userAttrs ?? {}) as JsonValue, `${where}: userAttrs`);
    if (userAttrs === null || typeof userAttrs !== 'object' || Array.isArray(userAttrs))
      fail('userAttrs must be an object of name → JSON value');
    return {
      id: -1,
      studyId: study.id,
      number: -1,
      state,
      values,
      params,
      distributions,
      intermediateValues,
      userAttrs: userAttrs as Record<string, JsonValue>,
      constraints,
      ...noBookkeeping(),
      failReason: state === 'fail' ? (input.failReason ?? 'added as failed') : null,
      worker: null,
      createdAt: startedAt,
      startedAt,
      finishedAt,
      heartbeatAt: null,
    };
  });
}

function checkParams(
  input: NewTrial,
  known: Map<string, Distribution>,
  fail: (message: string) => never,
): { params: Record<string, ParamValue>; distributions: Record<string, Distribution> } {
  const params = input.params ?? {};
  const given = input.distributions ?? {};
  if (typeof params !== 'object' || params === null || Array.isArray(params))
    fail('params must be an object of name → value');
  if (typeof given !== 'object' || given === null || Array.isArray(given))
    fail('distributions must be an object of name → distribution');
  const missing = Object.keys(params).filter((n) => !Object.hasOwn(given, n));
  if (missing.length > 0) fail(`param(s) ${missing.join(', ')} need a distribution in distributions`);
  const extra = Object.keys(given).filter((n) => !Object.hasOwn(params, n));
  if (extra.length > 0) fail(`distribution(s) ${extra.join(', ')} have no value in params`);
  const distributions: Record<string, Distribution> = {};
  for (const [name, raw] of Object.entries(given)) {
    let d: Distribution;
    try {
      d = validateDistribution(name, raw);
    } catch (error) {
      return fail(`distributions.${name}: ${(error as Error).message}`);
    }
    const value = params[name];
    if (!contains(d, value))
      fail(`params.${name} = ${JSON.stringify(value)} is not in ${describeDistribution(d)}`);
    const before = known.get(name);
    const clash =
      before &&
      (before.kind !== d.kind ||
        (before.kind === 'categorical' &&
          JSON.stringify(before.choices) !== JSON.stringify((d as typeof before).choices)));
    if (clash)
      throw new TunekitError(
        'incompatible_distribution',
        `parameter "${name}" is ${describeDistribution(before)} in the study's trials; it cannot be added as ${describeDistribution(d)}`,
        { param: name },
      );
    distributions[name] = d;
  }
  return { params: { ...params }, distributions };
}

function checkIntermediate(
  raw: Readonly<Record<number, number>>,
  fail: (message: string) => never,
): Record<number, number> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    fail('intermediateValues must be an object of step → value');
  const out: Record<number, number> = {};
  for (const [key, value] of Object.entries(raw)) {
    const step = Number(key);
    if (!Number.isSafeInteger(step) || step < 0 || String(step) !== key)
      fail(`intermediateValues: step ${JSON.stringify(key)} must be a non-negative integer`);
    if (typeof value !== 'number') fail(`intermediateValues[${key}] must be a number`);
    out[step] = Object.is(value, -0) ? 0 : value;
  }
  return out;
}

function checkValues(
  input: NewTrial,
  state: 'complete' | 'pruned' | 'fail',
  objectives: number,
  reported: Readonly<Record<number, number>>,
  fail: (message: string) => never,
): number[] | null {
  if (input.value !== undefined && input.values !== undefined) fail('give value or values, not both');
  const given = input.value !== undefined ? [input.value] : input.values;
  if (state === 'fail') {
    if (given !== undefined) fail('a failed trial has no values');
    return null;
  }
  if (state === 'pruned' && given === undefined) {
    // As tell does: a pruned trial keeps its last intermediate value.
    return (trialResult('pruned', objectives, reported).values as number[] | null | undefined) ?? null;
  }
  if (given === undefined)
    return fail(`a complete trial needs ${objectives === 1 ? 'value' : `values (${objectives})`}`);
  if (!Array.isArray(given)) return fail('values must be an array of numbers');
  const result = trialResult(given, objectives, {});
  if (result.state === 'fail') fail(result.failReason!.replace('the objective returned', 'values has'));
  return [...result.values!];
}

function checkConstraints(raw: readonly number[], fail: (message: string) => never): number[] {
  if (!Array.isArray(raw) || raw.length === 0) fail('constraints must be a non-empty array of numbers');
  const bad = raw.find((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad !== undefined) fail(`constraints must be finite numbers, got ${String(bad)}`);
  return raw.map((v) => (Object.is(v, -0) ? 0 : v));
}

/** Study.addTrials' work: validates against the study's trials, adds all or none, returns them as stored. */
export async function addTrials(
  storage: StudyStorage,
  study: StudyInfo,
  trials: readonly NewTrial[],
): Promise<TrialRecord[]> {
  const existing = await storage.getTrials(study.id);
  const records = newTrialRecords(trials, study, existing);
  await storage.addTrials(study.id, records);
  return (await storage.getTrials(study.id, { fromNumber: existing.length })).slice(0, records.length);
}

/** Study.enqueueTrial's work: with `skipIfExists`, the params are also a once-key (atomic across workers). */
export async function enqueueTrial(
  storage: StudyStorage,
  studyId: number,
  params: Record<string, ParamValue>,
  options: { userAttrs?: Record<string, JsonValue>; skipIfExists?: boolean },
): Promise<boolean> {
  if (params === null || typeof params !== 'object' || Array.isArray(params))
    throw new TunekitError('invalid_argument', 'enqueueTrial: params must be an object of name → value');
  const trial = { fixedParams: params, ...(options.userAttrs ? { userAttrs: options.userAttrs } : {}) };
  if (!options.skipIfExists) return storage.enqueueTrials(studyId, [trial]);
  if ((await storage.getTrials(studyId)).some((t) => sameParams(t, params))) return false;
  const key = `enqueue:${JSON.stringify(Object.entries(params).sort(([a], [b]) => (a < b ? -1 : 1)))}`;
  return storage.enqueueTrials(studyId, [trial], { onceKey: key });
}

/** Whether `trial` runs or ran exactly `params` (its fixed params while waiting): enqueueTrial's skipIfExists. */
export function sameParams(trial: TrialRecord, params: Readonly<Record<string, ParamValue>>): boolean {
  const have = trial.state === 'waiting' || trial.fixedParams ? (trial.fixedParams ?? {}) : trial.params;
  const keys = Object.keys(params);
  return (
    keys.length === Object.keys(have).length &&
    keys.every((k) => Object.hasOwn(have, k) && Object.is(have[k], params[k]))
  );
}
