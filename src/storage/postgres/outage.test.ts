// A worker rides through a lost connection to PostgreSQL. The outage is real: the client talks to the real
// server through a TCP relay that the test cuts (every open connection dropped, new ones refused) and then
// opens again, the way a server restart or a network blip looks from the worker.
import { afterAll, describe, expect, it } from 'vitest';
import { createStudy } from '../../create-study.js';
import { isTunekitError } from '../../errors.js';
import type { Trial } from '../../study/trial.js';
import { Relay } from '../testing/relay.js';
import { ADMIN_URL, createTestDatabase, serverReachable } from './testing/database.js';
import type { TestDatabase } from './testing/database.js';

const reachable = (await serverReachable()) === null;
const databases: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(databases.map((db) => db.drop()));
});

async function throughRelay(relay: Relay): Promise<string> {
  const db = await createTestDatabase('tunekit_outage');
  databases.push(db);
  await relay.open();
  return relay.url(db.url);
}

const objective = (relay: Relay, cutAt: number, downMs: number) => {
  let cut = false;
  return async (trial: Trial): Promise<number> => {
    const x = trial.suggestFloat('x', 0, 1);
    await trial.report(x, 0);
    if (trial.number === cutAt && !cut) {
      cut = true;
      relay.cut();
      setTimeout(() => void relay.open(), downMs);
    }
    await trial.report(x, 1);
    return x;
  };
};

describe.skipIf(!reachable)('PostgreSQL connection lost under a running study', () => {
  it('optimize waits for the server, goes on, and leaves the interrupted trial to the stale check', async () => {
    const relay = Relay.to(ADMIN_URL);
    const url = await throughRelay(relay);
    // The grace period outlasts the outage, so the interrupted trial is still running when optimize returns.
    const study = await createStudy({
      storage: url,
      studyName: 'outage',
      heartbeatIntervalMs: 100,
      gracePeriodMs: 2500,
      storageOutageMs: 20_000,
    });
    try {
      await study.optimize(objective(relay, 4, 1000), { nTrials: 12 });
      const trials = await study.trials();
      expect(trials).toHaveLength(12);
      // Trial 4 lost its connection mid-run: nobody knows whether its last write arrived, so it is left running.
      expect(trials[4]!.state).toBe('running');
      expect(trials.filter((t) => t.state === 'complete').map((t) => t.number)).toEqual([
        0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11,
      ]);
      // Past the grace period the next trial's stale check fails it, as if its worker had died.
      await new Promise((resolve) => setTimeout(resolve, 2600));
      await study.optimize(objective(relay, -1, 0), { nTrials: 1 });
      const after = await study.trials();
      expect(after[4]).toMatchObject({ state: 'fail', failReason: expect.stringMatching(/no heartbeat/) });
    } finally {
      relay.cut();
      await study.storage.close();
    }
  });

  it('gives up with storage_unreachable once storageOutageMs has passed', async () => {
    const relay = Relay.to(ADMIN_URL);
    const url = await throughRelay(relay);
    const study = await createStudy({
      storage: url,
      studyName: 'outage',
      heartbeatIntervalMs: 100,
      gracePeriodMs: 800,
      storageOutageMs: 1000,
    });
    try {
      const run = study.optimize(objective(relay, 2, 60_000), { nTrials: 10 });
      const error = await run.then(
        () => null,
        (e: unknown) => e,
      );
      expect(isTunekitError(error, 'storage_unreachable')).toBe(true);
    } finally {
      relay.cut();
      await study.storage.close();
    }
  });
});
