// How the SQL migrations move what tunekit once kept in attribute bags into the typed fields that replace it:
// the old system-attributes bag of a study or trial (SQLite 3 -> 4, PostgreSQL 2 -> 3; a key that is not one
// of tunekit's own, or holds a value of the wrong shape, moves to the user attributes as `system:<key>`), and
// a staged run's links in the user attributes (both 5 -> 6). Every value is kept.
import type { ParamValue } from '../../search-space/index.js';
import { noBookkeeping } from '../../study/types.js';
import type { JsonValue, StageLink } from '../../study/types.js';

type Bag = Record<string, JsonValue>;

export const LEGACY_PREFIX = 'system:';

export interface TrialFields {
  fixedParams: Bag | null;
  gridId: number | null;
  retriedFrom: number | null;
  retriedBy: number | null;
  retryCount: number;
  samplerMemo: Bag;
  /** The user attributes with the bag's other keys added. */
  userAttrs: Bag;
}

export interface StudyFields {
  stopRequests: number;
  testEvaluations: JsonValue[];
  config: JsonValue | null;
  notes: Record<string, string>;
  onceKeys: string[];
  userAttrs: Bag;
}

const isInteger = (v: JsonValue | undefined): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const isObject = (v: JsonValue | undefined): v is Bag =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Takes each key `take` accepts out of `bag`; the rest go to `userAttrs` under `system:<key>`. */
function split(bag: Bag, userAttrs: Bag, take: (key: string, value: JsonValue) => boolean): Bag {
  const others: Bag = {};
  for (const [key, value] of Object.entries(bag)) if (!take(key, value)) others[LEGACY_PREFIX + key] = value;
  return { ...userAttrs, ...others };
}

export function trialFields(bag: Bag, userAttrs: Bag): TrialFields {
  const fields: Omit<TrialFields, 'userAttrs'> = noBookkeeping();
  const rest = split(bag, userAttrs, (key, value) => {
    if (key === 'fixed_params' && isObject(value)) fields.fixedParams = value;
    else if (key === 'grid_id' && isInteger(value)) fields.gridId = value;
    else if (key === 'retried_from' && isInteger(value)) fields.retriedFrom = value;
    else if (key === 'retried_by' && isInteger(value)) fields.retriedBy = value;
    else if (key === 'retry_count' && isInteger(value)) fields.retryCount = value;
    else if (key.startsWith('sampler:')) fields.samplerMemo[key.slice('sampler:'.length)] = value;
    else return false;
    return true;
  });
  return { ...fields, userAttrs: rest };
}

export function studyFields(bag: Bag, userAttrs: Bag): StudyFields {
  const fields: Omit<StudyFields, 'userAttrs'> = {
    stopRequests: 0,
    testEvaluations: [],
    config: null,
    notes: {},
    onceKeys: [],
  };
  const rest = split(bag, userAttrs, (key, value) => {
    const note = /^dashboard:note:(\d+)$/.exec(key);
    if (key === 'stop_requests' && isInteger(value)) fields.stopRequests = value;
    else if (key === 'test_evaluations' && Array.isArray(value)) fields.testEvaluations = value;
    else if (key === 'config') fields.config = value;
    else if (note && typeof value === 'string') fields.notes[note[1]!] = value;
    else if (key.startsWith('once:') && value === true) fields.onceKeys.push(key.slice('once:'.length));
    else return false;
    return true;
  });
  return { ...fields, userAttrs: rest };
}

/**
 * A study's stage link out of its user attributes, where staged runs kept it before it was a field: a stage
 * held `stage: {parent, index, label, params, fixed}`, which becomes the link, and a parent held a copy of
 * every stage's in `staged.stages`, which goes (a parent's stages are derived from the links now; the auto
 * ranking beside it, `staged.order`, stays). An attribute of another shape is the user's own and stays.
 */
export function stageFields(userAttrs: Bag): { stage: StageLink | null; userAttrs: Bag } {
  const link = isLink(userAttrs.stage) ? userAttrs.stage : null;
  const kept: Bag = {};
  for (const [key, value] of Object.entries(userAttrs)) {
    if (key === 'stage' && link) continue;
    if (key === 'staged' && isObject(value) && isStageCopies(value.stages)) {
      const { stages: _copies, ...others } = value;
      if (Object.keys(others).length > 0) kept[key] = others;
    } else kept[key] = value;
  }
  return { stage: link, userAttrs: kept };
}

function isLink(v: JsonValue | undefined): v is StageLink & Bag {
  return (
    isObject(v) &&
    typeof v.parent === 'string' &&
    isInteger(v.index) &&
    typeof v.label === 'string' &&
    Array.isArray(v.params) &&
    v.params.every((p) => typeof p === 'string') &&
    isObject(v.fixed) &&
    Object.values(v.fixed).every(isParamValue)
  );
}

const isParamValue = (v: JsonValue): v is ParamValue =>
  v === null || ['number', 'string', 'boolean'].includes(typeof v);

const isStageCopies = (v: JsonValue | undefined): boolean =>
  Array.isArray(v) && v.every((s) => isObject(s) && typeof s.study === 'string' && isInteger(s.index));
