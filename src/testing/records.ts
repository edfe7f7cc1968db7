// Trial and study records built by hand for tests that need no storage: every field at its "nothing
// happened" value, overridden by what the test cares about. One home, so a new record field is added once.
import { newStudy } from '../storage/memory.js';
import { noBookkeeping } from '../study/types.js';
import type { StudyInfo, TrialRecord } from '../study/types.js';

export function trialRecord(fields: Partial<TrialRecord> & Pick<TrialRecord, 'number'>): TrialRecord {
  return {
    id: 1000 + fields.number,
    studyId: 1,
    state: 'complete',
    values: null,
    params: {},
    distributions: {},
    intermediateValues: {},
    userAttrs: {},
    constraints: null,
    ...noBookkeeping(),
    failReason: null,
    worker: null,
    createdAt: 0,
    startedAt: 0,
    finishedAt: 0,
    heartbeatAt: null,
    ...fields,
  };
}

export function studyRecord(fields: Partial<StudyInfo> = {}): StudyInfo {
  return { id: 1, ...newStudy('study', ['minimize']), createdAt: 0, ...fields };
}
