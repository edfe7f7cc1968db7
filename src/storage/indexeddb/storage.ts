// Studies in a web page's IndexedDB: they survive a reload, and tabs of one origin opening the same NAME
// are workers of one study. IndexedDB serialises read-write transactions over the same stores across
// connections, so each method's read-check-write runs in one transaction: dense numbers, each trial once.
import { TunekitError } from '../../errors.js';
import type {
  Finished,
  NewStudy,
  NewWaitingTrial,
  NextTrial,
  RetryPolicy,
  StartOptions,
  StudyStorage,
  StudySummary,
  StudyWrite,
  TrialQuery,
  TrialResult,
  TrialWrite,
} from '../../study/storage.js';
import { isFinished, noBookkeeping } from '../../study/types.js';
import type { Direction, StudyInfo, TrialRecord, TrialState } from '../../study/types.js';
import { applyTrialWrite, newStudy, studyWritten, waitingFields } from '../memory.js';
import { asFailed } from '../stale.js';
import { summarizeStudy } from '../summary.js';
import { keyRange, openDatabase, request, transaction } from './idb.js';
import type { IDBDatabase, IDBTransactionMode, Tx } from './idb.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type TrialRow = Mutable<TrialRecord>;

const STUDIES = 'studies';
const TRIALS = 'trials';
const BOTH = [STUDIES, TRIALS];

/** Trials of a study in number order, through the [studyId, number] index. */
const studyRange = (studyId: number) => keyRange([studyId, -Infinity], [studyId, Infinity]);

export class IndexedDbStorage implements StudyStorage {
  private constructor(
    private readonly db: IDBDatabase,
    /** The NAME of indexeddb:NAME. */
    readonly name: string,
  ) {}

  /** Opens (creating on first use) the database `tunekit:NAME` of this origin. */
  static async open(name: string): Promise<IndexedDbStorage> {
    const db = await openDatabase(`tunekit:${name}`, (db) => {
      db.createObjectStore(STUDIES, { keyPath: 'id', autoIncrement: true }).createIndex('name', 'name', {
        unique: true,
      });
      db.createObjectStore(TRIALS, { keyPath: 'id', autoIncrement: true }).createIndex(
        'study_number',
        ['studyId', 'number'],
        { unique: true },
      );
    });
    return new IndexedDbStorage(db, name);
  }

  async createStudy(name: string, directions: readonly Direction[], fields?: NewStudy): Promise<StudyInfo> {
    const row = newStudy(name, directions, fields);
    return this.tx([STUDIES], 'readwrite', async (tx) => {
      const studies = tx.objectStore(STUDIES);
      if (await request(studies.index('name').getKey(name)))
        throw new TunekitError(
          'duplicate_study',
          `a study named "${name}" already exists; load it or pick another name`,
        );
      const id = (await request(studies.add(row))) as number;
      return { id, ...row };
    });
  }

  async getStudy(name: string): Promise<StudyInfo> {
    return this.tx([STUDIES], 'readonly', async (tx) => {
      const row = (await request(tx.objectStore(STUDIES).index('name').get(name))) as StoredStudy | undefined;
      if (!row) throw new TunekitError('study_not_found', `no study named "${name}" in this storage`);
      return studyOf(row);
    });
  }

  async listStudies(): Promise<StudySummary[]> {
    return this.tx(BOTH, 'readonly', async (tx) => {
      const studies = ((await request(tx.objectStore(STUDIES).getAll())) as StoredStudy[]).map(studyOf);
      const summaries: StudySummary[] = [];
      for (const s of studies) summaries.push(summarizeStudy(s, await trialsOf(tx, s.id)));
      return summaries;
    });
  }

  async deleteStudy(studyId: number): Promise<void> {
    await this.tx(BOTH, 'readwrite', async (tx) => {
      await studyRow(tx, studyId);
      const trials = tx.objectStore(TRIALS);
      for (const id of await request(trials.index('study_number').getAllKeys(studyRange(studyId))))
        await request(trials.delete(id));
      await request(tx.objectStore(STUDIES).delete(studyId));
    });
  }

  async renameStudy(studyId: number, newName: string): Promise<StudyInfo> {
    return this.tx([STUDIES], 'readwrite', async (tx) => {
      const row = await studyRow(tx, studyId);
      const taken = await request(tx.objectStore(STUDIES).index('name').getKey(newName));
      if (taken !== undefined && taken !== studyId)
        throw new TunekitError(
          'duplicate_study',
          `a study named "${newName}" already exists; pick another name`,
        );
      row.name = newName;
      await request(tx.objectStore(STUDIES).put(row));
      return row;
    });
  }

  async writeStudy(studyId: number, write: StudyWrite): Promise<StudyInfo> {
    return this.tx([STUDIES], 'readwrite', async (tx) => {
      const row = studyWritten(await studyRow(tx, studyId), write);
      await request(tx.objectStore(STUDIES).put(row));
      return row;
    });
  }

  async enqueueTrials(
    studyId: number,
    trials: readonly NewWaitingTrial[],
    options: { onceKey?: string } = {},
  ): Promise<boolean> {
    const fields = trials.map(waitingFields);
    return this.tx(BOTH, 'readwrite', async (tx) => {
      const row = await studyRow(tx, studyId);
      if (options.onceKey !== undefined) {
        if (row.onceKeys.includes(options.onceKey)) return false;
        row.onceKeys = [...row.onceKeys, options.onceKey];
        await request(tx.objectStore(STUDIES).put(row));
      }
      let number = await nextNumber(tx, studyId);
      for (const f of fields) await addTrial(tx, studyId, number++, 'waiting', null, f);
      return true;
    });
  }

  async addTrials(studyId: number, trials: readonly TrialRecord[]): Promise<void> {
    const copies = trials.map((t) => structuredClone(t));
    await this.tx(BOTH, 'readwrite', async (tx) => {
      await studyRow(tx, studyId);
      let number = await nextNumber(tx, studyId);
      for (const { id: _id, ...t } of copies)
        await request(tx.objectStore(TRIALS).add({ ...t, studyId, number: number++ }));
    });
  }

  async startTrial(studyId: number, worker: string, options: StartOptions = {}): Promise<TrialRecord | null> {
    return this.tx(BOTH, 'readwrite', (tx) => start(tx, studyId, worker, options));
  }

  async writeTrial(trialId: number, write: TrialWrite): Promise<void> {
    await this.tx([TRIALS], 'readwrite', async (tx) => {
      const t = await unfinished(tx, trialId);
      applyTrialWrite(t, write);
      // A write to a running trial counts as a heartbeat.
      if (t.state === 'running') t.heartbeatAt = Date.now();
      await request(tx.objectStore(TRIALS).put(t));
    });
  }

  async heartbeat(trialId: number): Promise<void> {
    await this.tx([TRIALS], 'readwrite', async (tx) => {
      const t = await unfinished(tx, trialId);
      t.heartbeatAt = Date.now();
      await request(tx.objectStore(TRIALS).put(t));
    });
  }

  async finishTrial(trialId: number, result: TrialResult, next?: NextTrial): Promise<Finished> {
    return this.tx(BOTH, 'readwrite', async (tx) => {
      const t = await unfinished(tx, trialId);
      t.state = result.state;
      t.values = result.values ? [...result.values] : null;
      t.failReason = result.failReason ?? null;
      t.finishedAt = Date.now();
      await request(tx.objectStore(TRIALS).put(t));
      if (!next) return { finished: t };
      return { finished: t, started: await start(tx, t.studyId, next.worker, next.options ?? {}) };
    });
  }

  async failStaleTrials(studyId: number, graceMs: number, retry?: RetryPolicy): Promise<TrialRecord[]> {
    return this.tx(BOTH, 'readwrite', async (tx) => {
      await studyRow(tx, studyId);
      const now = Date.now();
      const trials = tx.objectStore(TRIALS);
      const stale = (await trialsOf(tx, studyId)).filter(
        (t) => t.state === 'running' && (t.heartbeatAt ?? 0) < now - graceMs,
      );
      const failed: TrialRecord[] = [];
      for (const t of stale) {
        const record: TrialRow = { ...asFailed(t, graceMs, now) };
        const again = retry?.(Object.freeze({ ...record })) ?? null;
        if (again) {
          const number = await nextNumber(tx, studyId);
          await addTrial(tx, studyId, number, 'waiting', null, {
            ...waitingFields(again),
            retriedFrom: t.number,
          });
          record.retriedBy = number;
        }
        await request(trials.put(record));
        failed.push(record);
      }
      return failed;
    });
  }

  async getTrial(trialId: number): Promise<TrialRecord> {
    return this.tx([TRIALS], 'readonly', (tx) => trialRow(tx, trialId));
  }

  async getTrials(studyId: number, query: TrialQuery = {}): Promise<TrialRecord[]> {
    const { states, fromNumber = 0 } = query;
    return this.tx(BOTH, 'readonly', async (tx) => {
      await studyRow(tx, studyId);
      const range = keyRange([studyId, fromNumber], [studyId, Infinity]);
      const rows = (await request(tx.objectStore(TRIALS).index('study_number').getAll(range))) as TrialRow[];
      return states ? rows.filter((t) => states.includes(t.state)) : rows;
    });
  }

  async close(): Promise<void> {
    this.db.close();
  }

  /**
   * Runs `body` in one transaction and resolves once it committed. What it returns was read from IndexedDB
   * (structured clones) or built for the call, and is never touched again: a snapshot, as the contract asks.
   */
  private tx<T>(stores: string[], mode: IDBTransactionMode, body: (tx: Tx) => Promise<T>): Promise<T> {
    return transaction(this.db, stores, mode, body);
  }
}

/** A study as the store holds it: one written before stages, or the reproducible mode, had a field has none. */
type StoredStudy = Omit<StudyInfo, 'stage' | 'reproducible'> &
  Partial<Pick<StudyInfo, 'stage' | 'reproducible'>>;

const studyOf = (row: StoredStudy): Mutable<StudyInfo> => ({
  ...row,
  stage: row.stage ?? null,
  reproducible: row.reproducible ?? null,
});

async function studyRow(tx: Tx, studyId: number): Promise<Mutable<StudyInfo>> {
  const row = (await request(tx.objectStore(STUDIES).get(studyId))) as StoredStudy | undefined;
  if (!row) throw new TunekitError('study_not_found', `no study with id ${studyId} in this storage`);
  return studyOf(row);
}

async function trialRow(tx: Tx, trialId: number): Promise<TrialRow> {
  const row = (await request(tx.objectStore(TRIALS).get(trialId))) as TrialRow | undefined;
  if (!row) throw new TunekitError('trial_not_found', `no trial with id ${trialId} in this storage`);
  return row;
}

async function unfinished(tx: Tx, trialId: number): Promise<TrialRow> {
  const t = await trialRow(tx, trialId);
  if (isFinished(t.state))
    throw new TunekitError('trial_finished', `trial ${t.number} is already ${t.state} and cannot be changed`);
  return t;
}

async function trialsOf(tx: Tx, studyId: number): Promise<TrialRow[]> {
  return (await request(
    tx.objectStore(TRIALS).index('study_number').getAll(studyRange(studyId)),
  )) as TrialRow[];
}

/** Trials are only ever deleted with their study, so the count is the next dense number. */
async function nextNumber(tx: Tx, studyId: number): Promise<number> {
  return request(tx.objectStore(TRIALS).index('study_number').count(studyRange(studyId)));
}

async function start(
  tx: Tx,
  studyId: number,
  worker: string,
  options: StartOptions,
): Promise<TrialRecord | null> {
  await studyRow(tx, studyId);
  const now = Date.now();
  const trials = await trialsOf(tx, studyId);
  const waiting = trials.find((t) => t.state === 'waiting');
  if (waiting) {
    Object.assign(waiting, { state: 'running', worker, startedAt: now, heartbeatAt: now });
    await request(tx.objectStore(TRIALS).put(waiting));
    return waiting;
  }
  if (options.onlyWaiting || trials.length >= (options.maxTrials ?? Infinity)) return null;
  return addTrial(tx, studyId, trials.length, 'running', worker, {});
}

async function addTrial(
  tx: Tx,
  studyId: number,
  number: number,
  state: TrialState,
  worker: string | null,
  fields: Partial<TrialRow>,
): Promise<TrialRow> {
  const now = Date.now();
  const trial: Omit<TrialRow, 'id'> = {
    studyId,
    number,
    state,
    values: null,
    params: {},
    distributions: {},
    intermediateValues: {},
    userAttrs: {},
    constraints: null,
    ...noBookkeeping(),
    failReason: null,
    worker,
    createdAt: now,
    startedAt: state === 'running' ? now : null,
    finishedAt: null,
    heartbeatAt: state === 'running' ? now : null,
    ...fields,
  };
  const id = (await request(tx.objectStore(TRIALS).add(trial))) as number;
  return { ...trial, id };
}
