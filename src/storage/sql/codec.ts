// Row <-> record conversion shared by the SQL storages. Trials keep params, distributions, intermediate
// values, attributes and memos as JSON columns, so reading a study is one query with no joins.
import type { StudySummary } from '../../study/storage.js';
import type { Direction, JsonValue, StudyInfo, TrialRecord, TrialState } from '../../study/types.js';
import { TunekitError } from '../../errors.js';
import { emptyCounts } from '../summary.js';

/** Column values as the driver returns them: JSON columns as text (SQLite) or parsed (PostgreSQL). */
export interface TrialRow {
  id: number | string;
  study_id: number | string;
  number: number | string;
  state: TrialState;
  vals: unknown;
  params: unknown;
  distributions: unknown;
  intermediate: unknown;
  user_attrs: unknown;
  constraint_values: unknown;
  fixed_params: unknown;
  grid_id: number | string | null;
  retried_from: number | string | null;
  retried_by: number | string | null;
  retry_count: number | string;
  sampler_memo: unknown;
  fail_reason: string | null;
  worker: string | null;
  created_at: number | string;
  started_at: number | string | null;
  finished_at: number | string | null;
  heartbeat_at: number | string | null;
}

export interface StudyRow {
  id: number | string;
  name: string;
  directions: unknown;
  user_attrs: unknown;
  stop_requests: number | string;
  test_evaluations: unknown;
  config: unknown;
  notes: unknown;
  once_keys: unknown;
  stage: unknown;
  reproducible: unknown;
  created_at: number | string;
}

/** JSON text for a column; `invalid_argument` for a value JSON cannot hold (a BigInt, a cycle). */
export function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    throw new TunekitError('invalid_argument', `cannot store a value as JSON: ${(error as Error).message}`);
  }
}

/** JSON text for a nullable column: SQL NULL for null or absent. */
export function jsonOrNull(value: unknown): string | null {
  return value === undefined || value === null ? null : jsonText(value);
}

/** JSON has no NaN or Infinity, and intermediate values may be either: they travel as strings. */
export function encodeNumber(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

export function decodeNumber(value: unknown): number {
  return typeof value === 'string' ? Number(value) : (value as number);
}

export function encodeValues(values: readonly number[] | null | undefined): JsonValue {
  return values ? values.map(encodeNumber) : null;
}

export function encodeIntermediate(
  values: Readonly<Record<number, number>>,
): Record<string, number | string> {
  return Object.fromEntries(Object.entries(values).map(([step, v]) => [step, encodeNumber(v)]));
}

const parse = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);
const num = (value: number | string | null): number | null => (value === null ? null : Number(value));

export function trialFromRow(row: TrialRow): TrialRecord {
  const vals = parse(row.vals) as unknown[] | null;
  const intermediate = parse(row.intermediate) as Record<string, unknown>;
  return {
    id: Number(row.id),
    studyId: Number(row.study_id),
    number: Number(row.number),
    state: row.state,
    values: vals === null ? null : vals.map(decodeNumber),
    params: parse(row.params) as TrialRecord['params'],
    distributions: parse(row.distributions) as TrialRecord['distributions'],
    intermediateValues: Object.fromEntries(
      Object.entries(intermediate).map(([k, v]) => [k, decodeNumber(v)]),
    ),
    userAttrs: parse(row.user_attrs) as TrialRecord['userAttrs'],
    constraints: (parse(row.constraint_values ?? null) as number[] | null)?.map(decodeNumber) ?? null,
    fixedParams: parse(row.fixed_params ?? null) as TrialRecord['fixedParams'],
    gridId: num(row.grid_id),
    retriedFrom: num(row.retried_from),
    retriedBy: num(row.retried_by),
    retryCount: Number(row.retry_count),
    samplerMemo: parse(row.sampler_memo) as TrialRecord['samplerMemo'],
    failReason: row.fail_reason,
    worker: row.worker,
    createdAt: Number(row.created_at),
    startedAt: num(row.started_at),
    finishedAt: num(row.finished_at),
    heartbeatAt: num(row.heartbeat_at),
  };
}

export function studyFromRow(row: StudyRow): StudyInfo {
  return {
    id: Number(row.id),
    name: row.name,
    directions: parse(row.directions) as Direction[],
    userAttrs: parse(row.user_attrs) as StudyInfo['userAttrs'],
    stopRequests: Number(row.stop_requests),
    testEvaluations: parse(row.test_evaluations) as StudyInfo['testEvaluations'],
    config: parse(row.config ?? null) as StudyInfo['config'],
    notes: parse(row.notes) as StudyInfo['notes'],
    onceKeys: parse(row.once_keys) as StudyInfo['onceKeys'],
    stage: parse(row.stage ?? null) as StudyInfo['stage'],
    reproducible: parse(row.reproducible ?? null) as StudyInfo['reproducible'],
    createdAt: Number(row.created_at),
  };
}

/** One row per (study, state) from the storages' summary query. */
export interface SummaryRow {
  study_id: number | string;
  state: TrialState;
  n: number | string;
  lo: number | string | null;
  hi: number | string | null;
  last: number | string | null;
}

export function summariesFromRows(
  studies: readonly StudyInfo[],
  rows: readonly SummaryRow[],
): StudySummary[] {
  return studies.map((study) => {
    const trialCounts = emptyCounts();
    let bestValue: number | null = null;
    let lastActivityAt = study.createdAt;
    for (const r of rows) {
      if (Number(r.study_id) !== study.id) continue;
      trialCounts[r.state] = Number(r.n);
      if (r.last !== null) lastActivityAt = Math.max(lastActivityAt, Number(r.last));
      const best = study.directions[0] === 'maximize' ? r.hi : r.lo;
      if (r.state === 'complete' && study.directions.length === 1 && best !== null) bestValue = Number(best);
    }
    return { study, trialCounts, bestValue, lastActivityAt };
  });
}
