// Progress as the person running a study reads it: counts from every worker's trials, the best so far, an
// ETA from the pace, each finished trial reported once, and the line drawn on a terminal or in a log.
import { describe, expect, it } from 'vitest';
import { createStudy, loadStudy } from '../create-study.js';
import { InMemoryStorage } from '../storage/memory.js';
import { ProgressDisplay } from './progress-display.js';
import { ProgressWatch, formatClock, formatProgress } from './progress.js';
import type { ProgressSnapshot } from './progress.js';

const quiet = { quiet: true } as const;

describe('ProgressWatch', () => {
  it("counts every worker's trials by state, the best, and reports each finished trial once", async () => {
    const storage = new InMemoryStorage();
    const a = await createStudy({ studyName: 's', storage, direction: 'maximize', seed: 1, ...quiet });
    const b = await loadStudy({ studyName: 's', storage, ...quiet });
    let clock = 1_000;
    const watch = new ProgressWatch(storage, a.id, a.directions, { total: 10 }, () => clock);
    expect((await watch.read()).snapshot).toMatchObject({ done: 0, total: 10, best: null, etaMs: null });

    await a.optimize((t) => t.suggestFloat('x', 0, 1), { nTrials: 2 });
    const open = await b.ask(); // running, numbered 2: later trials are read again until it finishes
    await b.tell(await b.ask(), 'pruned');
    await a.tell(await a.ask(), 'fail');
    clock += 4_000;
    const first = await watch.read();
    expect(first.finished.map((t) => [t.number, t.state])).toEqual([
      [0, 'complete'],
      [1, 'complete'],
      [3, 'pruned'],
      [4, 'fail'],
    ]);
    const best = (await a.bestTrial()).number;
    expect(first.snapshot).toMatchObject({ done: 4, running: 1, complete: 2, pruned: 1, failed: 1 });
    expect(first.snapshot.best?.trial).toBe(best);
    expect(first.snapshot.etaMs).toBe(6_000); // 4 finished in 4 s since the first read; 6 to go

    await b.tell(open, 0.5);
    await a.optimize((t) => t.suggestFloat('x', 0, 1), { nTrials: 1 });
    clock += 4_000;
    const second = await watch.read();
    expect(second.finished.map((t) => t.number)).toEqual([2, 5]);
    expect(second.snapshot).toMatchObject({ done: 6, running: 0, complete: 4, elapsedMs: 8_000 });
    // 6 finished in 8 s since the watch began; 4 left at that pace.
    expect(second.snapshot.etaMs).toBeCloseTo((4 * 8_000) / 6);
    expect((await watch.read()).finished).toEqual([]);
  });

  it('bounds the ETA by the deadline', async () => {
    const storage = new InMemoryStorage();
    const study = await createStudy({ storage, ...quiet });
    let clock = 0;
    const watch = new ProgressWatch(storage, study.id, study.directions, { deadline: 30_000 }, () => clock);
    clock = 10_000;
    expect((await watch.read()).snapshot.etaMs).toBe(20_000);
  });
});

const snapshot: ProgressSnapshot = {
  done: 37,
  total: 100,
  running: 2,
  complete: 32,
  pruned: 4,
  failed: 1,
  best: { trial: 31, value: 0.981234567 },
  elapsedMs: 12_000,
  etaMs: 81_000,
};

describe('formatProgress', () => {
  it('says done of total, by state, running, best, elapsed and ETA', () => {
    expect(formatProgress(snapshot)).toBe(
      '37/100 · 32 complete, 4 pruned, 1 failed · 2 running · best 0.981235 (trial 31) · 12s elapsed, ETA 1:21',
    );
    expect(formatProgress(snapshot, { bar: true })).toMatch(/^\[#######\.{13}\] 37\/100 · /);
    expect(formatProgress({ ...snapshot, total: null, best: null, running: 0, etaMs: null })).toBe(
      '37 trials · 32 complete, 4 pruned, 1 failed · 12s elapsed',
    );
  });

  it('writes clock times as people read them', () => {
    expect(formatClock(4_321)).toBe('4.3s');
    expect(formatClock(42_000)).toBe('42s');
    expect(formatClock(65_000)).toBe('1:05');
    expect(formatClock(3_725_000)).toBe('1:02:05');
  });
});

describe('ProgressDisplay', () => {
  async function run(mode: 'bar' | 'lines' | 'failures') {
    const storage = new InMemoryStorage();
    const study = await createStudy({ storage, seed: 3, ...quiet });
    const out: string[] = [];
    const display = new ProgressDisplay(
      await study.progress({ trials: 3 }),
      mode,
      {
        write: (s) => void out.push(s),
      },
      { trialLines: true, intervalMs: 10_000 },
    ).start();
    await study.optimize((t) => t.suggestFloat('x', 0, 1), { nTrials: 2 });
    await study.tell(await study.ask(), 'fail', { failReason: 'diverged' });
    await display.refresh();
    display.log('a log line');
    await display.stop();
    return out.join('').replaceAll('\x1b[K', '<K>');
  }

  it('off a terminal, prints one line per finished trial with the counts', async () => {
    const text = await run('lines');
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^Trial 0 complete: [\d.]+ · \d\/3 · /);
    expect(lines[2]).toMatch(/^Trial 2 failed: diverged · 3\/3 · 2 complete, 0 pruned, 1 failed · /);
    expect(lines[3]).toBe('a log line');
    expect(text).not.toContain('\r');
  });

  it('on a terminal, redraws the bar in place with lines written above it', async () => {
    const text = await run('bar');
    expect(text.startsWith('[....................] 0/3 · 0 complete, 0 pruned, 0 failed')).toBe(true);
    // New lines go above the bar: the bar is cleared, the lines written, the bar drawn with the new counts.
    expect(text).toMatch(
      /\r<K>Trial 0 complete: [\d.]+\nTrial 1 complete: [\d.]+\nTrial 2 failed: diverged\n\[#{20}\] 3\/3 · 2 complete, 0 pruned, 1 failed/,
    );
    expect(text).toMatch(/\r<K>a log line\n\[#{20}\] 3\/3/);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('with --quiet, prints only the failures', async () => {
    expect((await run('failures')).trimEnd().split('\n')).toEqual(['Trial 2 failed: diverged', 'a log line']);
  });
});
