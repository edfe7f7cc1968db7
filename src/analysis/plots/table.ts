// The trials table: filter by state and by ranges of any field, sort, page. Pure, so the dashboard server
// answers with one page of a 10,000-trial study and the static report runs the same code in the page.
import type { JsonValue, ParamValue, TrialRecord, TrialState } from '../../index.js';

/** 'number', 'value' (first objective), 'value:1', 'duration', 'started', or 'param:NAME'. */
export type TrialField = string;

export interface TrialTableQuery {
  states?: readonly TrialState[];
  sort?: TrialField;
  order?: 'asc' | 'desc';
  /** Keeps trials whose field lies in [min, max] (either end optional); a trial lacking the field is dropped. */
  ranges?: readonly { field: TrialField; min?: number; max?: number }[];
  offset?: number;
  limit?: number;
}

export interface TrialRow {
  readonly number: number;
  readonly state: TrialState;
  readonly values: readonly number[] | null;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly worker: string | null;
  readonly startedAt: number | null;
  readonly durationMs: number | null;
  readonly userAttrs: Readonly<Record<string, JsonValue>>;
}

export interface TrialTable {
  readonly rows: TrialRow[];
  /** Trials in the study, and those matching the filters (rows is one page of these). */
  readonly total: number;
  readonly matched: number;
  readonly offset: number;
  readonly limit: number;
}

export function fieldValue(t: TrialRecord, field: TrialField): number | string | null {
  if (field === 'number') return t.number;
  if (field === 'duration')
    return t.startedAt !== null && t.finishedAt !== null ? t.finishedAt - t.startedAt : null;
  if (field === 'started') return t.startedAt;
  if (field === 'value' || field.startsWith('value:')) {
    const v = t.values?.[field === 'value' ? 0 : Number(field.slice(6))];
    return v === undefined || !Number.isFinite(v) ? null : v;
  }
  if (field.startsWith('param:')) {
    const v = t.params[field.slice(6)];
    return v === undefined || v === null || typeof v === 'boolean'
      ? v === undefined || v === null
        ? null
        : String(v)
      : v;
  }
  return null;
}

export function trialTable(trials: readonly TrialRecord[], query: TrialTableQuery = {}): TrialTable {
  const { states, sort = 'number', order = 'asc', ranges = [], offset = 0, limit = 50 } = query;
  const matching = trials.filter((t) => {
    if (states && states.length > 0 && !states.includes(t.state)) return false;
    return ranges.every(({ field, min, max }) => {
      const v = fieldValue(t, field);
      if (typeof v !== 'number') return false;
      return (min === undefined || v >= min) && (max === undefined || v <= max);
    });
  });
  const dir = order === 'desc' ? -1 : 1;
  const keyed = matching.map((t) => ({ t, k: fieldValue(t, sort) }));
  keyed.sort((a, b) => {
    // Trials without the field go last whichever the order, so "best first" never starts with blanks.
    if (a.k === null || b.k === null) return a.k === b.k ? a.t.number - b.t.number : a.k === null ? 1 : -1;
    if (a.k === b.k) return a.t.number - b.t.number;
    if (typeof a.k === 'number' && typeof b.k === 'number') return dir * (a.k - b.k);
    return dir * String(a.k).localeCompare(String(b.k));
  });
  const page = keyed.slice(offset, offset + limit).map(({ t }) => toRow(t));
  return { rows: page, total: trials.length, matched: matching.length, offset, limit };
}

function toRow(t: TrialRecord): TrialRow {
  return {
    number: t.number,
    state: t.state,
    values: t.values,
    params: t.params,
    worker: t.worker,
    startedAt: t.startedAt,
    durationMs: t.startedAt !== null && t.finishedAt !== null ? t.finishedAt - t.startedAt : null,
    userAttrs: t.userAttrs,
  };
}
