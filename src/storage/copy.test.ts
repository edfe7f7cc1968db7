import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { floatDistribution } from '../search-space/index.js';
import { copyStudy } from './copy.js';
import { InMemoryStorage } from './memory.js';
import { createTestDatabase } from './postgres/testing/database.js';
import { resolveStorage } from './resolve.js';

const dir = mkdtempSync(join(tmpdir(), 'tunekit-copy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('copyStudy', () => {
  it('copies a study from a SQLite file to PostgreSQL with every trial intact, then renames it', async () => {
    const file = `sqlite:${join(dir, 'src.db')}`;
    const src = await resolveStorage(file);
    const s = await src.createStudy('search', ['maximize'], { reproducible: { lag: 2 } });
    const stage = {
      parent: 'runs',
      index: 2,
      label: 'lr',
      params: ['lr'],
      fixed: { units: 64, act: 'relu' },
    };
    await src.writeStudy(s.id, { userAttrs: { dataset: 'digits' }, stage });
    await src.enqueueTrials(s.id, [{ fixedParams: { lr: 0.1 } }], { onceKey: 'grid:abc' });
    for (let i = 0; i < 4; i++) {
      const t = (await src.startTrial(s.id, 'w'))!;
      await src.writeTrial(t.id, {
        params: [{ name: 'lr', distribution: floatDistribution('lr', 0, 1), value: i / 10 }],
        intermediateValues: { 0: i === 3 ? NaN : i },
      });
      if (i < 3) await src.finishTrial(t.id, { state: i === 1 ? 'pruned' : 'complete', values: [i] });
    }
    await src.enqueueTrials(s.id, [{ fixedParams: { lr: 0.9 } }]);
    const before = await src.getTrials(s.id);
    await src.close();

    const db = await createTestDatabase();
    try {
      const info = await copyStudy(file, 'search', db.url);
      expect(info).toMatchObject({
        name: 'search',
        directions: ['maximize'],
        userAttrs: { dataset: 'digits' },
      });
      expect(info.onceKeys).toEqual(['grid:abc']);
      expect(info.stage).toEqual(stage);
      expect(info.reproducible).toEqual({ lag: 2 });
      const dst = await resolveStorage(db.url);
      const after = await dst.getTrials(info.id);
      const strip = ({ id: _i, studyId: _s, ...rest }: (typeof before)[number]) => rest;
      expect(after.map(strip)).toEqual(before.map(strip));
      // The copy is a working study: the grid is not enqueued again, and numbering goes on.
      expect(await dst.enqueueTrials(info.id, [{ fixedParams: {} }], { onceKey: 'grid:abc' })).toBe(false);
      expect((await dst.startTrial(info.id, 'w'))!.fixedParams).toEqual({ lr: 0.9 });
      expect((await dst.startTrial(info.id, 'w'))!.number).toBe(before.length);
      const [summary] = await dst.listStudies();
      expect(summary).toMatchObject({
        bestValue: 2,
        trialCounts: { complete: 2, pruned: 1, running: 3, waiting: 0, fail: 0 },
      });

      await expect(copyStudy(file, 'search', dst)).rejects.toMatchObject({ code: 'duplicate_study' });
      await dst.renameStudy(info.id, 'search-pg');
      const again = await copyStudy(file, 'search', dst);
      expect((await dst.listStudies()).map((x) => x.study.name)).toEqual(['search-pg', 'search']);
      expect(await dst.getTrials(again.id)).toHaveLength(before.length);
      await dst.close();
    } finally {
      await db.drop();
    }
  });

  it('copies into a new name, and leaves nothing behind when the copy fails', async () => {
    const a = new InMemoryStorage();
    const s = await a.createStudy('x', ['minimize']);
    await a.finishTrial((await a.startTrial(s.id, 'w'))!.id, { state: 'complete', values: [1] });
    await copyStudy(a, 'x', a, { toName: 'x-copy' });
    expect((await a.listStudies()).map((x) => [x.study.name, x.trialCounts.complete])).toEqual([
      ['x', 1],
      ['x-copy', 1],
    ]);
    const broken = new InMemoryStorage();
    broken.addTrials = async () => {
      throw new Error('disk full');
    };
    await expect(copyStudy(a, 'x', broken)).rejects.toThrow('disk full');
    expect(await broken.listStudies()).toEqual([]);
  });
});
