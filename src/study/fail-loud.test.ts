// Failures are seen at once: a throwing objective stops optimize with its own error (after the trial is
// stored as failed), every finished trial is logged, and `catch` names the errors a study goes on past.
import { describe, expect, it } from 'vitest';
import { createStudy } from '../create-study.js';
import { TunekitError } from '../errors.js';
import { RandomSampler } from '../samplers/random.js';
import { InMemoryStorage } from '../storage/memory.js';
import type { LogEvent } from './logger.js';

function recorder(): { events: LogEvent[]; logger: (e: LogEvent) => void } {
  const events: LogEvent[] = [];
  return { events, logger: (e) => events.push(e) };
}

describe('a bug in the objective', () => {
  it('stops optimize with the error itself, after storing the failed trial and logging why', async () => {
    const { events, logger } = recorder();
    const study = await createStudy({ sampler: new RandomSampler({ seed: 1 }), logger });
    const bug = new TypeError("Cannot read properties of undefined (reading 'lr')");
    let calls = 0;
    const run = study.optimize(
      () => {
        calls++;
        throw bug;
      },
      { nTrials: 20 },
    );
    await expect(run).rejects.toBe(bug);
    expect(calls).toBe(1);
    const trials = await study.trials();
    expect(trials).toHaveLength(1);
    expect(trials[0]).toMatchObject({ state: 'fail', failReason: `TypeError: ${bug.message}` });
    expect(events).toEqual([
      expect.objectContaining({
        level: 'warn',
        message: `Trial 0 failed: TypeError: ${bug.message}`,
        study: study.name,
      }),
    ]);
  });

  it('goes on past every error with catch: true, each failure logged with its reason', async () => {
    const { events, logger } = recorder();
    const study = await createStudy({ logger });
    await study.optimize(
      () => {
        throw new Error('boom');
      },
      { nTrials: 3, catch: true },
    );
    expect((await study.trials()).map((t) => t.state)).toEqual(['fail', 'fail', 'fail']);
    expect(events.map((e) => e.message)).toEqual([0, 1, 2].map((n) => `Trial ${n} failed: Error: boom`));
  });

  it('goes on past the codes and classes a catch list names, and stops at any other', async () => {
    const study = await createStudy({ quiet: true });
    class Flaky extends Error {}
    const errors: unknown[] = [
      new Flaky('network'),
      Object.assign(new Error('reset'), { code: 'ECONNRESET' }),
      new TunekitError('command_failed', 'exit 3'),
      new RangeError('a real bug'),
    ];
    let i = 0;
    const run = study.optimize(
      () => {
        throw errors[i++];
      },
      { nTrials: 10, catch: [Flaky, 'ECONNRESET', 'command_failed'] },
    );
    await expect(run).rejects.toBe(errors[3]);
    expect(await study.trials()).toHaveLength(4);
  });

  it('refuses a catch that is neither a boolean, a list nor a function', async () => {
    const study = await createStudy({ quiet: true });
    await expect(study.optimize(() => 1, { nTrials: 1, catch: 'yes' as never })).rejects.toMatchObject({
      code: 'invalid_argument',
      message: expect.stringMatching(/catch must be/),
    });
  });

  it('goes on past an objective that returns no valid value (as Optuna does), with a warning', async () => {
    const { events, logger } = recorder();
    const study = await createStudy({ logger });
    const returns = [Number.NaN, undefined, 3];
    let i = 0;
    await study.optimize(() => returns[i++] as number, { nTrials: 3 });
    expect((await study.trials()).map((t) => t.state)).toEqual(['fail', 'fail', 'complete']);
    expect(events.map((e) => e.level)).toEqual(['warn', 'warn', 'info']);
    expect(events[1]!.message).toMatch(/^Trial 1 failed: .*returned undefined; return a number/);
  });
});

describe('the study log', () => {
  it('has one line per finished trial naming the best so far, like Optuna', async () => {
    const { events, logger } = recorder();
    const study = await createStudy({ logger, direction: 'maximize' });
    const values = [0.5, 0.93, 0, 0.7];
    let i = 0;
    await study.optimize(
      async (t) => {
        if (i === 2) {
          i++;
          await t.report(0.1, 4);
          t.prune();
        }
        return values[i++]!;
      },
      { nTrials: 4 },
    );
    expect(events.map((e) => e.message)).toEqual([
      'Trial 0 finished with value 0.5; best is trial 0 with value 0.5',
      'Trial 1 finished with value 0.93; best is trial 1 with value 0.93',
      'Trial 2 pruned at step 4',
      'Trial 3 finished with value 0.7; best is trial 1 with value 0.93',
    ]);
    expect(events.every((e) => e.trial !== undefined && e.study === study.name)).toBe(true);
  });

  it('logs tell in ask-and-tell use too, and lists every value of a multi-objective trial', async () => {
    const { events, logger } = recorder();
    const study = await createStudy({ logger, directions: ['minimize', 'maximize'] });
    const trial = await study.ask();
    await study.tell(trial, [0.25, 12]);
    expect(events.map((e) => e.message)).toEqual(['Trial 0 finished with values [0.25, 12]']);
  });

  it('passes only events at or above logLevel, and nothing with quiet', async () => {
    const { events, logger } = recorder();
    const warnings = await createStudy({ logger, logLevel: 'warn' });
    await warnings.optimize((t) => (t.number === 1 ? Number.NaN : 1), { nTrials: 3 });
    expect(events.map((e) => e.message)).toEqual([expect.stringMatching(/^Trial 1 failed/)]);
    const quiet = await createStudy({ logger, quiet: true });
    await quiet.optimize(() => Number.NaN, { nTrials: 2 });
    expect(events).toHaveLength(1);
    await expect(createStudy({ logLevel: 'loud' as never })).rejects.toMatchObject({
      code: 'invalid_argument',
      message: expect.stringMatching(/logLevel must be one of debug, info, warn, error/),
    });
  });

  it("logs another worker's trial that this process failed as stale", async () => {
    const { events, logger } = recorder();
    const storage = new InMemoryStorage();
    const failures = { heartbeatIntervalMs: 20, gracePeriodMs: 60 };
    const dead = await createStudy({ storage, studyName: 's', quiet: true, ...failures });
    const orphan = await dead.ask(); // its worker "dies": the trial is never finished, no heartbeat is sent
    (dead as unknown as { heartbeat: { untrack(id: number): void } }).heartbeat.untrack(orphan.id);
    await new Promise((resolve) => setTimeout(resolve, 120));
    const alive = await createStudy({ storage, studyName: 's', loadIfExists: true, logger, ...failures });
    await alive.optimize(() => 1, { nTrials: 1 });
    expect(events.map((e) => [e.level, e.message])).toEqual([
      [
        'warn',
        expect.stringMatching(
          /^Trial 0 failed: stale: no heartbeat for over 60 ms from worker .*; presumed dead$/,
        ),
      ],
      ['info', 'Trial 1 finished with value 1; best is trial 1 with value 1'],
    ]);
  });

  it('writes to stderr by default', async () => {
    const lines: string[] = [];
    const original = console.error;
    console.error = (line: string) => void lines.push(line);
    try {
      const study = await createStudy();
      await study.optimize(() => 2, { nTrials: 1 });
    } finally {
      console.error = original;
    }
    expect(lines).toEqual(['[tunekit info] Trial 0 finished with value 2; best is trial 0 with value 2']);
  });
});
