// The storage contract suite: every StudyStorage implementation runs it unchanged
// (memory.test.ts, sqlite/sqlite.test.ts, postgres/postgres.test.ts). Over 400 lines on purpose: it is the
// contract's one list of cases, read top to bottom, and each case stays next to the rule it checks.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { floatDistribution, intDistribution, categoricalDistribution } from '../search-space/index.js';
import type { StudyStorage, TrialWrite } from '../study/storage.js';
import type { JsonValue, TrialRecord } from '../study/types.js';

export interface StorageFactory {
  /** A storage on a fresh, empty database. */
  open(): Promise<StudyStorage>;
  /** Called after each test with the storage `open` returned. */
  close?(storage: StudyStorage): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const codeOf = async (promise: Promise<unknown>): Promise<string | undefined> =>
  promise.then(
    () => undefined,
    (error: { code?: string }) => error.code ?? 'no code',
  );

export function storageContract(label: string, factory: StorageFactory): void {
  describe(`storage contract: ${label}`, () => {
    let storage: StudyStorage;
    beforeEach(async () => {
      storage = await factory.open();
    });
    afterEach(async () => {
      await (factory.close ? factory.close(storage) : storage.close());
    });

    it('creates, finds, lists and deletes studies', async () => {
      const a = await storage.createStudy('alpha', ['minimize']);
      const b = await storage.createStudy('beta', ['maximize', 'minimize']);
      expect(a.id).not.toBe(b.id);
      expect(await storage.getStudy('beta')).toMatchObject({
        id: b.id,
        name: 'beta',
        directions: ['maximize', 'minimize'],
      });
      expect(await codeOf(storage.createStudy('alpha', ['minimize']))).toBe('duplicate_study');
      expect(await codeOf(storage.getStudy('gamma'))).toBe('study_not_found');
      const t = await storage.startTrial(a.id, 'w');
      await storage.finishTrial(t!.id, { state: 'complete', values: [3] });
      const t2 = await storage.startTrial(a.id, 'w');
      await storage.finishTrial(t2!.id, { state: 'complete', values: [1.5] });
      // Better, but it breaks a constraint: the study list's best value skips it, as bestTrial does.
      const t3 = await storage.startTrial(a.id, 'w');
      await storage.writeTrial(t3!.id, { constraints: [-1, 0.5] });
      await storage.finishTrial(t3!.id, { state: 'complete', values: [0.5] });
      await storage.startTrial(a.id, 'w');
      const list = await storage.listStudies();
      const alpha = list.find((s) => s.study.name === 'alpha')!;
      expect(alpha.trialCounts).toEqual({ waiting: 0, running: 1, complete: 3, pruned: 0, fail: 0 });
      expect(alpha.bestValue).toBe(1.5);
      expect(alpha.lastActivityAt).toBeGreaterThanOrEqual(alpha.study.createdAt);
      await storage.deleteStudy(a.id);
      expect(await codeOf(storage.getStudy('alpha'))).toBe('study_not_found');
      expect(await codeOf(storage.getTrial(t!.id))).toBe('trial_not_found');
      expect((await storage.listStudies()).map((s) => s.study.name)).toEqual(['beta']);
      expect(await codeOf(storage.deleteStudy(a.id))).toBe('study_not_found');
    });

    it('keeps names and attributes exactly, whatever characters they hold', async () => {
      const name = `'; DROP TABLE studies; -- <img src=x onerror=alert(1)> 学習率 ${'x'.repeat(300)}`;
      const s = await storage.createStudy(name, ['minimize']);
      expect((await storage.getStudy(name)).name).toBe(name);
      const nested = {
        a: [1, 2.5, 'ü', null, true],
        b: { c: { d: 'e' } },
        tiny: 1e-300,
        big: 1.7976931348623157e308,
      };
      await storage.writeStudy(s.id, { userAttrs: { k: nested } });
      const written = await storage.writeStudy(s.id, { userAttrs: { k2: 'second' } });
      const info = await storage.getStudy(name);
      expect(info.userAttrs).toEqual({ k: nested, k2: 'second' });
      expect(written).toEqual(info);
      expect(await codeOf(storage.writeStudy(98765, { userAttrs: { a: 1 } }))).toBe('study_not_found');
    });

    it("keeps a study's own fields: stop requests, test evaluations, config and notes", async () => {
      const s = await storage.createStudy('fields', ['minimize']);
      expect(s).toMatchObject({
        stopRequests: 0,
        testEvaluations: [],
        config: null,
        notes: {},
        onceKeys: [],
      });
      const evaluation = { at: 1, trial: 0, score: { acc: 0.5 }, status: 'complete', forced: false } as const;
      const config = { study: { name: 'fields', trials: 3 }, space: { x: { low: 1e-300 } } };
      await storage.writeStudy(s.id, { stopRequests: 2, testEvaluations: [evaluation], notes: { 0: 'a' } });
      await storage.writeStudy(s.id, { config, notes: { 3: 'b ☃' }, userAttrs: { u: 1 } });
      const info = await storage.getStudy('fields');
      expect(info).toMatchObject({
        stopRequests: 2,
        testEvaluations: [evaluation],
        config,
        notes: { 0: 'a', 3: 'b ☃' },
        userAttrs: { u: 1 },
      });
      // Fields a write leaves out keep their value; the list and the config are replaced as a whole.
      const running = { ...evaluation, at: 2, score: null, status: 'running' } as const;
      const after = await storage.writeStudy(s.id, { testEvaluations: [evaluation, running], config: null });
      expect(after).toMatchObject({ stopRequests: 2, testEvaluations: [evaluation, running], config: null });
      expect(await storage.getStudy('fields')).toEqual(after);
      expect((await storage.listStudies())[0]!.study).toEqual(after);
    });

    it("keeps a stage's link to its parent: written, read and listed, kept by writes of other fields", async () => {
      const parent = await storage.createStudy('run', ['minimize']);
      const s = await storage.createStudy('run.stage-2', ['minimize']);
      expect(s.stage).toBeNull();
      const stage = {
        parent: 'run',
        index: 2,
        label: 'units+act',
        params: ['units', 'act'],
        fixed: { lr: 0.0031622776601683794, norm: null, bias: true, opt: 'adam ☃' },
      };
      expect((await storage.writeStudy(s.id, { stage })).stage).toEqual(stage);
      await storage.writeStudy(s.id, { userAttrs: { u: 1 }, notes: { 0: 'n' }, config: { a: 1 } });
      await storage.writeStudy(s.id, { stopRequests: 1 });
      const info = await storage.getStudy('run.stage-2');
      expect(info).toMatchObject({ stage, userAttrs: { u: 1 } });
      const listed = await storage.listStudies();
      expect(listed.find((x) => x.study.id === s.id)!.study).toEqual(info);
      expect(listed.find((x) => x.study.id === parent.id)!.study.stage).toBeNull();
      // A link is replaced as a whole, and null removes it.
      const other = { ...stage, index: 3, params: ['act'], fixed: {} };
      expect((await storage.writeStudy(s.id, { stage: other })).stage).toEqual(other);
      expect((await storage.writeStudy(s.id, { stage: null })).stage).toBeNull();
      expect((await storage.getStudy('run.stage-2')).stage).toBeNull();
    });

    it("keeps a study's reproducible mode: stored by the write that creates the study, kept by other writes", async () => {
      expect((await storage.createStudy('plain', ['minimize'])).reproducible).toBeNull();
      const s = await storage.createStudy('repro', ['minimize'], { reproducible: { lag: 3 } });
      expect(s.reproducible).toEqual({ lag: 3 });
      await storage.writeStudy(s.id, { userAttrs: { u: 1 }, config: { a: 1 }, stage: null, stopRequests: 1 });
      const info = await storage.getStudy('repro');
      expect(info).toMatchObject({ reproducible: { lag: 3 }, userAttrs: { u: 1 } });
      const listed = await storage.listStudies();
      expect(listed.find((x) => x.study.id === s.id)!.study).toEqual(info);
      expect(listed.find((x) => x.study.name === 'plain')!.study.reproducible).toBeNull();
      // A write replaces it as a whole, and null removes it.
      expect((await storage.writeStudy(s.id, { reproducible: { lag: 0 } })).reproducible).toEqual({ lag: 0 });
      expect((await storage.writeStudy(s.id, { reproducible: null })).reproducible).toBeNull();
      expect((await storage.getStudy('repro')).reproducible).toBeNull();
      // Creators racing with different modes: one creates the study, and its mode is the one stored.
      const raced = await Promise.allSettled(
        [1, 2].map((lag) => storage.createStudy('raced', ['minimize'], { reproducible: { lag } })),
      );
      const won = raced.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      expect(won).toHaveLength(1);
      expect((await storage.getStudy('raced')).reproducible).toEqual(won[0]!.reproducible);
      expect(
        raced.map((r) => (r.status === 'rejected' ? (r.reason as { code: string }).code : 'ok')).sort(),
      ).toEqual(['duplicate_study', 'ok']);
    });

    it('numbers trials densely and uniquely under concurrent starts', async () => {
      const s = await storage.createStudy('dense', ['minimize']);
      const trials = await Promise.all(
        Array.from({ length: 40 }, (_, i) => storage.startTrial(s.id, `w${i % 4}`)),
      );
      expect(trials.map((t) => t!.number).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 40 }, (_, i) => i),
      );
      expect(new Set(trials.map((t) => t!.id)).size).toBe(40);
      for (const t of trials) expect(t).toMatchObject({ state: 'running', studyId: s.id, values: null });
      const other = await storage.createStudy('other', ['minimize']);
      expect((await storage.startTrial(other.id, 'w'))!.number).toBe(0);
    });

    it('claims each waiting trial exactly once, oldest first', async () => {
      const s = await storage.createStudy('queue', ['minimize']);
      await storage.enqueueTrials(s.id, [
        { fixedParams: { x: 1 } },
        { fixedParams: { x: 2 }, userAttrs: { note: 'hi' } },
      ]);
      const first = await storage.startTrial(s.id, 'w1');
      expect(first).toMatchObject({ number: 0, state: 'running', worker: 'w1' });
      expect(first!.fixedParams).toEqual({ x: 1 });
      const second = await storage.startTrial(s.id, 'w2', { onlyWaiting: true });
      expect(second!.fixedParams).toEqual({ x: 2 });
      expect(second!.userAttrs).toEqual({ note: 'hi' });
      expect(await storage.startTrial(s.id, 'w2', { onlyWaiting: true })).toBeNull();
      expect(await storage.startTrial(s.id, 'w3')).toMatchObject({
        number: 2,
        fixedParams: null,
        gridId: null,
      });

      await storage.enqueueTrials(
        s.id,
        Array.from({ length: 20 }, (_, i) => ({ fixedParams: { i } })),
      );
      const claims = await Promise.all(
        Array.from({ length: 35 }, (_, i) => storage.startTrial(s.id, `w${i}`, { onlyWaiting: true })),
      );
      const claimed = claims.filter((c) => c !== null);
      expect(claimed).toHaveLength(20);
      expect(new Set(claimed.map((c) => c!.fixedParams!.i)).size).toBe(20);
      expect(await storage.getTrials(s.id, { states: ['waiting'] })).toHaveLength(0);
    });

    it('enqueues a batch only once per key, even when workers race', async () => {
      const s = await storage.createStudy('once', ['minimize']);
      const batch = Array.from({ length: 12 }, (_, i) => ({
        fixedParams: { i },
        gridId: i,
      }));
      const results = await Promise.all(
        Array.from({ length: 6 }, () => storage.enqueueTrials(s.id, batch, { onceKey: 'grid:1' })),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await storage.enqueueTrials(s.id, batch, { onceKey: 'grid:1' })).toBe(false);
      const trials = await storage.getTrials(s.id);
      expect(trials).toHaveLength(12);
      expect(trials.map((t) => t.gridId)).toEqual(Array.from({ length: 12 }, (_, i) => i));
      expect(trials.map((t) => t.fixedParams)).toEqual(batch.map((b) => b.fixedParams));
      expect((await storage.getStudy('once')).onceKeys).toEqual(['grid:1']);
      expect(trials.every((t) => t.state === 'waiting' && t.worker === null && t.startedAt === null)).toBe(
        true,
      );
      expect(await storage.enqueueTrials(s.id, batch.slice(0, 1), { onceKey: 'grid:2' })).toBe(true);
      expect(await storage.enqueueTrials(s.id, batch.slice(0, 1))).toBe(true);
      expect(await storage.getTrials(s.id)).toHaveLength(14);
      expect((await storage.getStudy('once')).onceKeys).toEqual(['grid:1', 'grid:2']);
      // No trials and a key: the key alone is recorded (how copyStudy carries a grid's key).
      expect(await storage.enqueueTrials(s.id, [], { onceKey: 'grid:3' })).toBe(true);
      expect(await storage.enqueueTrials(s.id, batch, { onceKey: 'grid:3' })).toBe(false);
      expect(await storage.getTrials(s.id)).toHaveLength(14);
    });

    it('stores params with their distributions, intermediate values and attributes exactly', async () => {
      const s = await storage.createStudy('values', ['minimize']);
      const t = (await storage.startTrial(s.id, 'w'))!;
      const lr = floatDistribution('lr', 1e-5, 1e-1, { log: true });
      const units = intDistribution('units', 16, 512, { step: 16 });
      const act = categoricalDistribution('act', ['relu', 1, true, null]);
      await storage.writeTrial(t.id, {
        params: [{ name: 'lr', distribution: lr, value: 0.0012345678901234567 }],
      });
      await storage.writeTrial(t.id, { params: [{ name: 'units', distribution: units, value: 128 }] });
      await storage.writeTrial(t.id, { params: [{ name: 'act', distribution: act, value: null }] });
      await storage.writeTrial(t.id, { intermediateValues: { 0: 0.5, 3: 0.1 + 0.2 } });
      await storage.writeTrial(t.id, { intermediateValues: { 4: NaN, 5: -Infinity } });
      await storage.writeTrial(t.id, { userAttrs: { fold_scores: [0.9, 0.91] } });
      await storage.writeTrial(t.id, { samplerMemo: { tpe: { below: [1, 2] } } });
      await storage.heartbeat(t.id);
      const got = await storage.getTrial(t.id);
      expect(got.params).toEqual({ lr: 0.0012345678901234567, units: 128, act: null });
      expect(got.distributions).toEqual({ lr, units, act });
      expect(got.intermediateValues).toEqual({ 0: 0.5, 3: 0.30000000000000004, 4: NaN, 5: -Infinity });
      expect(got.userAttrs).toEqual({ fold_scores: [0.9, 0.91] });
      expect(got.samplerMemo).toEqual({ tpe: { below: [1, 2] } });
      expect(got).toMatchObject({
        fixedParams: null,
        gridId: null,
        retriedFrom: null,
        retriedBy: null,
        retryCount: 0,
      });
      expect(got.heartbeatAt).toBeGreaterThanOrEqual(got.startedAt!);
    });

    it('writes params, intermediate values and attributes in one write, merged into what the trial holds', async () => {
      const s = await storage.createStudy('write', ['minimize']);
      const t = (await storage.startTrial(s.id, 'w'))!;
      const x = floatDistribution('x', 0, 1);
      const k = categoricalDistribution('k', ['a', 'b']);
      await storage.writeTrial(t.id, {
        params: [{ name: 'first', distribution: x, value: 0.5 }],
        intermediateValues: { 0: 1.5 },
      });
      await storage.writeTrial(t.id, {
        params: [
          { name: 'x', distribution: x, value: 0.25 },
          { name: 'k', distribution: k, value: 'b' },
        ],
        intermediateValues: { 1: 0.75, 2: NaN, 3: -Infinity },
        userAttrs: { note: { fold: [1, 2] } },
        samplerMemo: { s: [1] },
      });
      await storage.writeTrial(t.id, {
        intermediateValues: { 4: 0.125 },
        userAttrs: { other: 1 },
        samplerMemo: { g: { theta: [0.5] } },
      });
      await storage.writeTrial(t.id, {});
      const got = await storage.getTrial(t.id);
      expect(got.params).toEqual({ first: 0.5, x: 0.25, k: 'b' });
      expect(got.distributions).toEqual({ first: x, x, k });
      expect(got.intermediateValues).toEqual({ 0: 1.5, 1: 0.75, 2: NaN, 3: -Infinity, 4: 0.125 });
      expect(got.userAttrs).toEqual({ note: { fold: [1, 2] }, other: 1 });
      expect(got.samplerMemo).toEqual({ s: [1], g: { theta: [0.5] } });
      expect(await codeOf(storage.writeTrial(987654, { intermediateValues: { 0: 1 } }))).toBe(
        'trial_not_found',
      );
    });

    it('stores constraint values as one vector: a write replaces it, a write without them keeps it', async () => {
      const s = await storage.createStudy('constraints', ['minimize']);
      const t = (await storage.startTrial(s.id, 'w'))!;
      expect(t.constraints).toBeNull();
      await storage.writeTrial(t.id, { constraints: [1, 2, 3] });
      await storage.writeTrial(t.id, { constraints: [0.1 + 0.2, -5e-324] });
      await storage.writeTrial(t.id, { userAttrs: { a: 1 } });
      expect((await storage.getTrial(t.id)).constraints).toEqual([0.30000000000000004, -5e-324]);
      const { finished } = await storage.finishTrial(t.id, { state: 'complete', values: [1] });
      expect(finished.constraints).toEqual([0.30000000000000004, -5e-324]);
      expect(await codeOf(storage.writeTrial(t.id, { constraints: [0] }))).toBe('trial_finished');
      const other = (await storage.startTrial(s.id, 'w'))!;
      await storage.finishTrial(other.id, { state: 'complete', values: [2] });
      expect((await storage.getTrials(s.id)).map((r) => r.constraints)).toEqual([
        [0.30000000000000004, -5e-324],
        null,
      ]);
    });

    it('writes all or nothing: a write that cannot be stored leaves the trial as it was', async () => {
      const s = await storage.createStudy('atomic', ['minimize']);
      const t = (await storage.startTrial(s.id, 'w'))!;
      const x = floatDistribution('x', 0, 1);
      await storage.writeTrial(t.id, { params: [{ name: 'x', distribution: x, value: 0.5 }] });
      const before = await storage.getTrial(t.id);
      // A BigInt has no JSON form: every storage refuses it, after the params were taken in.
      const unstorable = { big: 10n } as unknown as JsonValue;
      const write = storage.writeTrial(t.id, {
        params: [{ name: 'y', distribution: x, value: 0.25 }],
        intermediateValues: { 7: 0.5 },
        userAttrs: { fine: 1, bad: unstorable },
      });
      expect(await codeOf(write)).toBe('invalid_argument');
      const after = await storage.getTrial(t.id);
      expect({ ...after, heartbeatAt: null }).toEqual({ ...before, heartbeatAt: null });
    });

    it('refuses a write to a finished trial and stores none of it', async () => {
      const s = await storage.createStudy('late', ['minimize']);
      const t = (await storage.startTrial(s.id, 'w'))!;
      const x = floatDistribution('x', 0, 1);
      await storage.writeTrial(t.id, { params: [{ name: 'x', distribution: x, value: 0.5 }] });
      const { finished } = await storage.finishTrial(t.id, { state: 'complete', values: [1] });
      const writes: TrialWrite[] = [
        { params: [{ name: 'y', distribution: x, value: 0.1 }], intermediateValues: { 5: 1 } },
        { params: [{ name: 'x', distribution: x, value: 0.75 }] },
        { intermediateValues: { 0: 2 } },
        { userAttrs: { a: 1 } },
        { samplerMemo: { a: 1 } },
        {},
      ];
      for (const write of writes)
        expect(await codeOf(storage.writeTrial(t.id, write))).toBe('trial_finished');
      expect(await storage.getTrial(t.id)).toEqual(finished);
    });

    it('finishes a trial once; a finished trial is immutable', async () => {
      const s = await storage.createStudy('finish', ['minimize', 'maximize']);
      const t = (await storage.startTrial(s.id, 'w'))!;
      await storage.writeTrial(t.id, {
        params: [{ name: 'x', distribution: floatDistribution('x', 0, 1), value: 0.25 }],
      });
      const { finished: done, started } = await storage.finishTrial(t.id, {
        state: 'complete',
        values: [1.25, -3e-9],
      });
      expect(started).toBeUndefined();
      expect(done).toMatchObject({
        state: 'complete',
        values: [1.25, -3e-9],
        failReason: null,
        params: { x: 0.25 },
      });
      expect(done.finishedAt).toBeGreaterThanOrEqual(done.startedAt!);
      expect(await codeOf(storage.finishTrial(t.id, { state: 'fail' }))).toBe('trial_finished');
      expect(await codeOf(storage.heartbeat(t.id))).toBe('trial_finished');
      expect(await storage.getTrial(t.id)).toEqual(done);

      const f = (await storage.startTrial(s.id, 'w'))!;
      expect(
        (await storage.finishTrial(f.id, { state: 'fail', failReason: 'Error: boom ☠' })).finished,
      ).toMatchObject({
        state: 'fail',
        values: null,
        failReason: 'Error: boom ☠',
      });
      const p = (await storage.startTrial(s.id, 'w'))!;
      expect((await storage.finishTrial(p.id, { state: 'pruned', values: null })).finished).toMatchObject({
        state: 'pruned',
        values: null,
      });
      expect(await codeOf(storage.getTrial(987654))).toBe('trial_not_found');
    });

    it('returns snapshots that later writes do not change', async () => {
      const s = await storage.createStudy('snap', ['minimize']);
      const t = (await storage.startTrial(s.id, 'w'))!;
      const before = await storage.getTrial(t.id);
      const copy = structuredClone(before);
      await storage.writeTrial(t.id, { intermediateValues: { 1: 2 }, userAttrs: { a: 1 } });
      await storage.finishTrial(t.id, { state: 'complete', values: [1] });
      expect(before).toEqual(copy);
      try {
        (before.userAttrs as Record<string, unknown>).b = 2;
      } catch {
        // frozen records refuse the write, which is fine too
      }
      expect((await storage.getTrial(t.id)).userAttrs).toEqual({ a: 1 });
    });

    it('filters trials by state and number, ordered by number', async () => {
      const s = await storage.createStudy('query', ['minimize']);
      for (let i = 0; i < 6; i++) {
        const t = (await storage.startTrial(s.id, 'w'))!;
        if (i % 2 === 0) await storage.finishTrial(t.id, { state: 'complete', values: [i] });
      }
      await storage.enqueueTrials(s.id, [{ fixedParams: {} }]);
      expect((await storage.getTrials(s.id)).map((t) => t.number)).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect((await storage.getTrials(s.id, { states: ['complete'] })).map((t) => t.number)).toEqual([
        0, 2, 4,
      ]);
      expect(
        (await storage.getTrials(s.id, { states: ['running', 'waiting'] })).map((t) => t.number),
      ).toEqual([1, 3, 5, 6]);
      expect((await storage.getTrials(s.id, { fromNumber: 4 })).map((t) => t.number)).toEqual([4, 5, 6]);
      expect(await storage.getTrials(s.id, { states: [] })).toEqual([]);
    });

    it('renames a study, refusing a name in use', async () => {
      const a = await storage.createStudy('old', ['minimize']);
      await storage.createStudy('taken', ['minimize']);
      const t = (await storage.startTrial(a.id, 'w'))!;
      expect(await storage.renameStudy(a.id, 'new')).toMatchObject({ id: a.id, name: 'new' });
      expect(await codeOf(storage.getStudy('old'))).toBe('study_not_found');
      expect((await storage.getStudy('new')).id).toBe(a.id);
      expect((await storage.getTrial(t.id)).studyId).toBe(a.id);
      expect(await codeOf(storage.renameStudy(a.id, 'taken'))).toBe('duplicate_study');
      expect(await codeOf(storage.renameStudy(98765, 'x'))).toBe('study_not_found');
    });

    it('adds trials exactly as given, numbered after the existing ones', async () => {
      const src = await storage.createStudy('src', ['minimize']);
      const x = floatDistribution('x', 0, 1);
      const done = (await storage.startTrial(src.id, 'w1'))!;
      await storage.writeTrial(done.id, {
        params: [{ name: 'x', distribution: x, value: 0.5 }],
        intermediateValues: { 2: NaN },
        userAttrs: { u: { deep: [1] } },
        samplerMemo: { cmaes: { generation: 2 } },
        constraints: [0.25, -1e-300],
      });
      await storage.finishTrial(done.id, { state: 'complete', values: [0.125] });
      await storage.enqueueTrials(src.id, [{ fixedParams: { x: 0.75 }, gridId: 3, retryCount: 2 }]);
      const original = await storage.getTrials(src.id);
      const dst = await storage.createStudy('dst', ['minimize']);
      await storage.startTrial(dst.id, 'w');
      await storage.addTrials(dst.id, original);
      const copied = await storage.getTrials(dst.id, { fromNumber: 1 });
      expect(copied.map((t) => t.number)).toEqual([1, 2]);
      const strip = ({ id: _id, studyId: _s, number: _n, ...rest }: TrialRecord) => rest;
      expect(copied.map(strip)).toEqual(original.map(strip));
      expect(copied.every((t) => t.studyId === dst.id && !original.some((o) => o.id === t.id))).toBe(true);
      expect((await storage.startTrial(dst.id, 'w'))!.fixedParams).toEqual({ x: 0.75 });
      expect((await storage.startTrial(dst.id, 'w'))!.number).toBe(3);
      expect(await storage.getTrials(src.id)).toEqual(original);
    });

    it('creates no trial beyond maxTrials but still claims waiting ones', async () => {
      const s = await storage.createStudy('capped', ['minimize']);
      const started = await Promise.all(
        Array.from({ length: 12 }, () => storage.startTrial(s.id, 'w', { maxTrials: 5 })),
      );
      expect(
        started
          .filter((t) => t !== null)
          .map((t) => t!.number)
          .sort((a, b) => a - b),
      ).toEqual([0, 1, 2, 3, 4]);
      await storage.enqueueTrials(s.id, [{ fixedParams: { x: 1 } }]);
      expect((await storage.startTrial(s.id, 'w', { maxTrials: 5 }))!.number).toBe(5);
      expect(await storage.startTrial(s.id, 'w', { maxTrials: 5 })).toBeNull();
      expect(await storage.getTrials(s.id)).toHaveLength(6);
    });

    it('finishes a trial and starts the next in one write, starting nothing when the finish is refused', async () => {
      const s = await storage.createStudy('chain', ['minimize']);
      const other = await storage.createStudy('other', ['minimize']);
      await storage.enqueueTrials(other.id, [{ fixedParams: { elsewhere: 1 } }]);
      const first = (await storage.startTrial(s.id, 'w'))!;
      const a = await storage.finishTrial(first.id, { state: 'complete', values: [2] }, { worker: 'w2' });
      expect(a.finished).toMatchObject({ id: first.id, number: 0, state: 'complete', values: [2] });
      expect(a.started).toMatchObject({ studyId: s.id, number: 1, state: 'running', worker: 'w2' });
      expect(await storage.getTrial(first.id)).toEqual(a.finished);
      expect(await storage.getTrial(a.started!.id)).toEqual(a.started);
      await storage.enqueueTrials(s.id, [{ fixedParams: { x: 1 } }]);
      const b = await storage.finishTrial(
        a.started!.id,
        { state: 'pruned', values: null },
        { worker: 'w', options: { maxTrials: 3 } },
      );
      expect(b.finished).toMatchObject({ number: 1, state: 'pruned' });
      expect(b.started).toMatchObject({
        number: 2,
        state: 'running',
        fixedParams: { x: 1 },
      });
      const c = await storage.finishTrial(
        b.started!.id,
        { state: 'fail', failReason: 'boom' },
        { worker: 'w', options: { maxTrials: 3 } },
      );
      expect(c.finished).toMatchObject({ number: 2, state: 'fail', failReason: 'boom' });
      expect(c.started).toBeNull();
      const last = (await storage.startTrial(s.id, 'w'))!;
      const d = await storage.finishTrial(
        last.id,
        { state: 'complete', values: [1] },
        { worker: 'w', options: { onlyWaiting: true } },
      );
      expect(d.started).toBeNull();
      const refused = storage.finishTrial(last.id, { state: 'complete', values: [0] }, { worker: 'w' });
      expect(await codeOf(refused)).toBe('trial_finished');
      const missing = storage.finishTrial(987654, { state: 'complete', values: [0] }, { worker: 'w' });
      expect(await codeOf(missing)).toBe('trial_not_found');
      expect((await storage.getTrials(s.id)).map((t) => [t.number, t.state])).toEqual([
        [0, 'complete'],
        [1, 'pruned'],
        [2, 'fail'],
        [3, 'complete'],
      ]);
      expect((await storage.getTrials(other.id)).map((t) => t.state)).toEqual(['waiting']);
    });

    it('chains the finishes and starts of racing workers without losing or doubling a trial', async () => {
      const s = await storage.createStudy('chains', ['minimize']);
      await storage.enqueueTrials(
        s.id,
        Array.from({ length: 6 }, (_, i) => ({ fixedParams: { i } })),
      );
      const firsts = await Promise.all([0, 1, 2].map((w) => storage.startTrial(s.id, `w${w}`)));
      const run = async (trial: TrialRecord | null, worker: string): Promise<void> => {
        while (trial) {
          const { started } = await storage.finishTrial(
            trial.id,
            { state: 'complete', values: [trial.number] },
            { worker, options: { maxTrials: 12 } },
          );
          trial = started ?? null;
        }
      };
      await Promise.all(firsts.map((t, w) => run(t, `w${w}`)));
      const trials = await storage.getTrials(s.id);
      expect(trials.map((t) => t.number)).toEqual(Array.from({ length: 12 }, (_, i) => i));
      expect(trials.every((t) => t.state === 'complete')).toBe(true);
    });

    it('counts every write to a running trial as a heartbeat', async () => {
      const s = await storage.createStudy('beats', ['minimize']);
      const t = (await storage.startTrial(s.id, 'w'))!;
      await sleep(30);
      await storage.writeTrial(t.id, { intermediateValues: { 0: 1 } });
      expect((await storage.getTrial(t.id)).heartbeatAt!).toBeGreaterThanOrEqual(t.heartbeatAt! + 20);
      await sleep(30);
      await storage.writeTrial(t.id, { userAttrs: { a: 1 } });
      expect((await storage.getTrial(t.id)).heartbeatAt!).toBeGreaterThanOrEqual(t.heartbeatAt! + 50);
    });

    it('fails stale trials exactly once, enqueues their retries, and leaves live and finished trials alone', async () => {
      const s = await storage.createStudy('stale', ['minimize']);
      const x = floatDistribution('x', 0, 1);
      const dead = await Promise.all([0, 1, 2].map(() => storage.startTrial(s.id, 'dead-worker')));
      for (const t of dead)
        await storage.writeTrial(t!.id, { params: [{ name: 'x', distribution: x, value: t!.number / 10 }] });
      const finished = (await storage.startTrial(s.id, 'w'))!;
      const alive = (await storage.startTrial(s.id, 'w'))!;
      // Not before the grace period ends.
      expect(await storage.failStaleTrials(s.id, 60_000)).toEqual([]);
      // The live trial's heartbeat must stay younger than the grace period through the checks below, however
      // loaded the machine: a second leaves room; the dead trials' are older by then.
      const grace = 1_000;
      await sleep(grace + 100);
      await storage.finishTrial(finished.id, { state: 'complete', values: [1] });
      await storage.heartbeat(alive.id);
      const seen: TrialRecord[] = [];
      const retry = (f: TrialRecord) => {
        seen.push(f);
        return f.number === 2
          ? null
          : { fixedParams: f.params, userAttrs: { again: true }, gridId: 7, retryCount: 1 };
      };
      const results = await Promise.all([1, 2, 3, 4].map(() => storage.failStaleTrials(s.id, grace, retry)));
      const failed = results.flat();
      expect(failed.map((t) => t.number).sort()).toEqual([0, 1, 2]);
      expect(seen.map((t) => t.number).sort()).toEqual([0, 1, 2]);
      expect(seen.every((t) => t.state === 'fail' && t.failReason!.includes('heartbeat'))).toBe(true);
      const trials = await storage.getTrials(s.id);
      expect(trials.slice(0, 5).map((t) => t.state)).toEqual(['fail', 'fail', 'fail', 'complete', 'running']);
      expect(trials[2]!.retriedBy).toBeNull();
      const retries = trials.slice(5);
      expect(retries).toHaveLength(2);
      for (const r of retries) {
        const from = r.retriedFrom!;
        expect(r).toMatchObject({ state: 'waiting', userAttrs: { again: true } });
        expect(r).toMatchObject({ retryCount: 1, gridId: 7, retriedBy: null, fixedParams: { x: from / 10 } });
        expect(trials[from]!).toMatchObject({ retriedBy: r.number, retriedFrom: null });
        expect(failed.find((f) => f.number === from)!.retriedBy).toBe(r.number);
      }
      expect(await codeOf(storage.heartbeat(dead[0]!.id))).toBe('trial_finished');
      expect(await codeOf(storage.finishTrial(dead[0]!.id, { state: 'complete', values: [0] }))).toBe(
        'trial_finished',
      );
      expect(await storage.failStaleTrials(s.id, grace, retry)).toEqual([]);
    });
  });
}
