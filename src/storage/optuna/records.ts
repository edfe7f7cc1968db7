// Reading tunekit records out of Optuna's tables: a study from its directions and attribute rows, trials
// from their rows in the six trial tables, gathered by trial id. Each read is a handful of queries in one
// snapshot, however many trials it returns.
import type { StudyInfo, TestEvaluation, TrialRecord } from '../../study/types.js';
import type { JsonValue } from '../../study/types.js';
import { noBookkeeping } from '../../study/types.js';
import type { Distribution, ParamValue } from '../../search-space/index.js';
import {
  CONSTRAINTS,
  FIXED_PARAMS,
  NS,
  directionFromOptuna,
  distributionFromJson,
  paramFromInternal,
  parseAttr,
  stateFromOptuna,
  timeFromOptuna,
  valueFromStored,
} from './codec.js';
import type { Sql } from './sql.js';

type Bag = Record<string, JsonValue>;
const num = (v: JsonValue | undefined): number | null => (typeof v === 'number' ? v : null);

interface AttrRow {
  owner: number;
  key: string;
  value_json: string | null;
}

function groupAttrs(rows: readonly AttrRow[]): Map<number, Bag> {
  const byOwner = new Map<number, Bag>();
  for (const r of rows) {
    const owner = Number(r.owner);
    let bag = byOwner.get(owner);
    if (!bag) byOwner.set(owner, (bag = {}));
    bag[r.key] = parseAttr(r.value_json);
  }
  return byOwner;
}

/** The studies with these ids (all studies when `ids` is null), ordered by id. */
export async function readStudies(sql: Sql, ids: readonly number[] | null): Promise<StudyInfo[]> {
  const where = ids === null ? '' : `WHERE study_id IN (${ids.map(() => '?').join(', ') || 'NULL'})`;
  const args = ids ?? [];
  const studies = await sql.all<{ study_id: number; study_name: string; first_start: unknown }>(
    `SELECT study_id, study_name, (SELECT MIN(datetime_start) FROM trials t WHERE t.study_id = s.study_id) AS first_start
     FROM studies s ${where} ORDER BY study_id`,
    args,
  );
  const directions = await sql.all<{ study_id: number; direction: string }>(
    `SELECT study_id, direction FROM study_directions ${where} ORDER BY study_id, objective`,
    args,
  );
  const user = groupAttrs(
    await sql.all<AttrRow>(
      `SELECT study_id AS owner, "key", value_json FROM study_user_attributes ${where}`,
      args,
    ),
  );
  // Ordered by row id: once-keys come back in the order they were first used.
  const system = groupAttrs(
    await sql.all<AttrRow>(
      `SELECT study_id AS owner, "key", value_json FROM study_system_attributes ${where} ORDER BY study_system_attribute_id`,
      args,
    ),
  );
  return studies.map((s) => {
    const id = Number(s.study_id);
    const sys = system.get(id) ?? {};
    const notes: Record<number, string> = {};
    const onceKeys: string[] = [];
    for (const [key, value] of Object.entries(sys)) {
      if (key.startsWith(`${NS}note:`) && typeof value === 'string')
        notes[Number(key.slice(NS.length + 5))] = value;
      if (key.startsWith(`${NS}once:`)) onceKeys.push(key.slice(NS.length + 5));
    }
    return {
      id,
      name: s.study_name,
      directions: directions
        .filter((d) => Number(d.study_id) === id)
        .map((d) => directionFromOptuna(d.direction)),
      userAttrs: user.get(id) ?? {},
      stopRequests: num(sys[`${NS}stop_requests`]) ?? 0,
      testEvaluations: (sys[`${NS}test_evaluations`] ?? []) as unknown as TestEvaluation[],
      config: sys[`${NS}config`] ?? null,
      notes,
      onceKeys,
      stage: (sys[`${NS}stage`] ?? null) as StudyInfo['stage'],
      reproducible: (sys[`${NS}reproducible`] ?? null) as StudyInfo['reproducible'],
      // A study Optuna created has no creation time: its first trial's start stands in.
      createdAt: num(sys[`${NS}created_at`]) ?? timeFromOptuna(s.first_start) ?? 0,
    };
  });
}

export interface TrialFilter {
  readonly studyId?: number;
  readonly trialId?: number;
  readonly fromNumber?: number;
  /** Optuna state labels. */
  readonly states?: readonly string[];
}

/** The trials a filter selects, ordered by number. */
export async function readTrials(sql: Sql, filter: TrialFilter): Promise<TrialRecord[]> {
  const conditions: string[] = [];
  const args: unknown[] = [];
  const where = (condition: string, value: unknown): void => {
    conditions.push(condition);
    args.push(value);
  };
  if (filter.trialId !== undefined) where('trial_id = ?', filter.trialId);
  if (filter.studyId !== undefined) where('study_id = ?', filter.studyId);
  if (filter.fromNumber) where('number >= ?', filter.fromNumber);
  if (filter.states) {
    conditions.push(`state IN (${filter.states.map(() => '?').join(', ') || 'NULL'})`);
    args.push(...filter.states);
  }
  const selected = `SELECT trial_id FROM trials WHERE ${conditions.join(' AND ') || '1 = 1'}`;
  const trials = await sql.all<{
    trial_id: number;
    number: number;
    study_id: number;
    state: string;
    datetime_start: unknown;
    datetime_complete: unknown;
  }>(`SELECT * FROM trials WHERE trial_id IN (${selected}) ORDER BY number, trial_id`, args);
  if (trials.length === 0) return [];
  const of = (table: string, columns: string, order = ''): Promise<Record<string, unknown>[]> =>
    sql.all(`SELECT trial_id, ${columns} FROM ${table} WHERE trial_id IN (${selected}) ${order}`, args);
  const [params, values, intermediate] = [
    await of('trial_params', 'param_name, param_value, distribution_json', 'ORDER BY param_id'),
    await of('trial_values', 'objective, value, value_type', 'ORDER BY objective'),
    await of(
      'trial_intermediate_values',
      'step, intermediate_value, intermediate_value_type',
      'ORDER BY step',
    ),
  ];
  const user = groupAttrs(
    (await of('trial_user_attributes', `trial_id AS owner, "key", value_json`)) as never,
  );
  const system = groupAttrs(
    (await of('trial_system_attributes', `trial_id AS owner, "key", value_json`)) as never,
  );

  const byTrial = new Map(
    trials.map((t) => [
      Number(t.trial_id),
      {
        params: {} as Record<string, ParamValue>,
        distributions: {} as Record<string, Distribution>,
        values: [] as number[],
        intermediate: {} as Record<number, number>,
      },
    ]),
  );
  for (const p of params) {
    const parts = byTrial.get(Number(p.trial_id))!;
    const name = String(p.param_name);
    const distribution = distributionFromJson(String(p.distribution_json), name);
    parts.distributions[name] = distribution;
    parts.params[name] = paramFromInternal(distribution, Number(p.param_value));
  }
  for (const v of values)
    byTrial.get(Number(v.trial_id))!.values[Number(v.objective)] = valueFromStored(
      v.value,
      String(v.value_type),
    );
  for (const v of intermediate)
    byTrial.get(Number(v.trial_id))!.intermediate[Number(v.step)] = valueFromStored(
      v.intermediate_value,
      String(v.intermediate_value_type),
    );

  return trials.map((t) => {
    const id = Number(t.trial_id);
    const parts = byTrial.get(id)!;
    const sys = system.get(id) ?? {};
    const memo: Bag = {};
    for (const [key, value] of Object.entries(sys))
      if (key.startsWith(`${NS}memo:`)) memo[key.slice(NS.length + 5)] = value;
    const startedAt = timeFromOptuna(t.datetime_start);
    const fixed = sys[FIXED_PARAMS];
    const constraints = sys[CONSTRAINTS];
    return {
      id,
      studyId: Number(t.study_id),
      number: Number(t.number),
      state: stateFromOptuna(t.state),
      values: parts.values.length > 0 ? parts.values : null,
      params: parts.params,
      distributions: parts.distributions,
      intermediateValues: parts.intermediate,
      userAttrs: user.get(id) ?? {},
      constraints:
        Array.isArray(constraints) && constraints.every((c) => typeof c === 'number')
          ? (constraints as number[])
          : null,
      ...noBookkeeping(),
      fixedParams:
        fixed && typeof fixed === 'object' && !Array.isArray(fixed)
          ? (fixed as Record<string, ParamValue>)
          : null,
      gridId: num(sys[`${NS}grid_id`]),
      retriedFrom: num(sys[`${NS}retried_from`]),
      retriedBy: num(sys[`${NS}retried_by`]),
      retryCount: num(sys[`${NS}retry_count`]) ?? 0,
      samplerMemo: memo,
      failReason: typeof sys[`${NS}fail_reason`] === 'string' ? (sys[`${NS}fail_reason`] as string) : null,
      worker: typeof sys[`${NS}worker`] === 'string' ? (sys[`${NS}worker`] as string) : null,
      // A trial Optuna created has no creation time: its start stands in.
      createdAt: num(sys[`${NS}created_at`]) ?? startedAt ?? 0,
      startedAt,
      finishedAt: timeFromOptuna(t.datetime_complete),
      heartbeatAt: num(sys[`${NS}heartbeat_at`]),
    };
  });
}
