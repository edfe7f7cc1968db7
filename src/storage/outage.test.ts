// The outage guard's rules, on an in-memory storage whose "connection" the test drops: a read is sent
// again once storage answers, a write never twice, every caller shares one wait, and a storage that stays
// down gives storage_unreachable. src/storage/postgres/outage.test.ts drops a real server's connections.
import { describe, expect, it } from 'vitest';
import { TunekitError } from '../errors.js';
import { InMemoryStorage } from './memory.js';
import { OutageGuard } from './outage.js';

/** In-memory storage with a switch that makes every call fail as a dropped connection would. */
function flakyStorage() {
  const inner = new InMemoryStorage();
  const state = { down: false, calls: 0, probes: 0 };
  const cut = <T>(call: () => Promise<T>): Promise<T> => {
    state.calls++;
    if (state.down)
      return Promise.reject(new TunekitError('storage_disconnected', 'lost the connection to db'));
    return call();
  };
  const flaky = Object.assign(Object.create(inner) as InMemoryStorage, {
    getStudy: (name: string) => cut(() => inner.getStudy(name)),
    createStudy: (name: string) => cut(() => inner.createStudy(name, ['minimize'])),
  });
  const probe = () => {
    state.probes++;
    return state.down
      ? Promise.reject(new TunekitError('storage_disconnected', 'still down'))
      : Promise.resolve();
  };
  return { flaky, state, probe };
}

describe('OutageGuard', () => {
  it('sends a read again once storage answers, and only once per outage', async () => {
    const { flaky, state, probe } = flakyStorage();
    const guard = new OutageGuard(flaky, { waitMs: 5000, probe });
    await guard.createStudy('s', ['minimize']);
    state.down = true;
    setTimeout(() => (state.down = false), 400);
    const [a, b] = await Promise.all([guard.getStudy('s'), guard.getStudy('s')]);
    expect(a.name).toBe('s');
    expect(b.name).toBe('s');
    expect(state.calls).toBe(5); // create, two failed reads, two reads sent again
    expect(state.probes).toBeLessThanOrEqual(3); // one shared wait, not one per caller
  });

  it('never sends a write twice: once storage answers, the caller learns the write may be lost', async () => {
    const { flaky, state, probe } = flakyStorage();
    const lost: string[] = [];
    const guard = new OutageGuard(flaky, { waitMs: 5000, probe, onLost: (e) => lost.push(e.message) });
    state.down = true;
    setTimeout(() => (state.down = false), 300);
    await expect(guard.createStudy('s', ['minimize'])).rejects.toMatchObject({
      code: 'storage_disconnected',
    });
    expect(state.calls).toBe(1);
    expect(lost).toEqual(['lost the connection to db']);
    await expect(guard.createStudy('s', ['minimize'])).resolves.toMatchObject({ name: 's' });
  });

  it('gives storage_unreachable, naming storageOutageMs, when storage stays down', async () => {
    const { flaky, state, probe } = flakyStorage();
    const guard = new OutageGuard(flaky, { waitMs: 600, probe });
    state.down = true;
    const started = Date.now();
    await expect(guard.getStudy('s')).rejects.toMatchObject({
      code: 'storage_unreachable',
      message: expect.stringMatching(
        /lost the connection to db; storage did not answer again within 600 ms \(storageOutageMs\)/,
      ),
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
  });

  it('stops sending a read again once the wait is over, even if the probe keeps answering', async () => {
    const { flaky, state } = flakyStorage();
    const guard = new OutageGuard(flaky, { waitMs: 700, probe: () => Promise.resolve() });
    state.down = true; // every read fails, though storage "answers" each probe
    const started = Date.now();
    await expect(guard.getStudy('s')).rejects.toMatchObject({ code: 'storage_unreachable' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(650);
    expect(state.calls).toBeGreaterThan(1);
  });

  it('passes any other error through at once', async () => {
    const guard = new OutageGuard(new InMemoryStorage(), { waitMs: 5000, probe: () => Promise.resolve() });
    await expect(guard.getStudy('none')).rejects.toMatchObject({ code: 'study_not_found' });
    expect(
      () => new OutageGuard(new InMemoryStorage(), { waitMs: -1, probe: () => Promise.resolve() }),
    ).toThrow(/storageOutageMs must be a number >= 0/);
  });
});
