// Test-set discipline: a study's test data is scored once, at the end. Every evaluation is recorded on the
// study (when, which trial, score); a second one is refused unless forced, and the record says it was.
import { TunekitError } from '../errors.js';
import type { StudyStorage } from '../study/storage.js';
import type { Study } from '../study/study.js';
import type { TestEvaluation, TestScore, TrialRecord } from '../study/types.js';

export type { TestEvaluation, TestScore } from '../study/types.js';

export interface EvaluateOnTestOptions {
  /** The trial to evaluate (number or record). Default: the best trial of a single-objective study. */
  trial?: number | TrialRecord;
  /** Evaluate even though the test set was used before; the record keeps `forced: true`. */
  force?: boolean;
  /** Stored with the record: why, what data, which model file. */
  note?: string;
}

/** Every test evaluation recorded on the study, oldest first. */
export async function testEvaluations(study: Study): Promise<TestEvaluation[]> {
  const info = await study.storage.getStudy(study.name);
  return info.testEvaluations.map((e) => ({ ...e }));
}

/**
 * Scores `trial`'s hyperparameters on the test data, once: `evaluate` receives the trial record (params,
 * user attributes) and returns the test score. The attempt is recorded before `evaluate` runs, so even an
 * evaluation that throws counts as a use of the test set.
 *
 * Evaluations in one process are serialised; two processes evaluating the same study at the same instant
 * could both pass the check (storages have no compare-and-set for study attributes).
 */
export async function evaluateOnTest<S extends TestScore>(
  study: Study,
  evaluate: (trial: TrialRecord) => S | Promise<S>,
  options: EvaluateOnTestOptions = {},
): Promise<{ score: S; trial: TrialRecord; record: TestEvaluation }> {
  return serialised(study, async () => {
    const earlier = await testEvaluations(study);
    if (earlier.length > 0 && !options.force) {
      const last = earlier[earlier.length - 1]!;
      throw new TunekitError(
        'test_set_already_used',
        `study "${study.name}" was already evaluated on its test data at ${new Date(last.at).toISOString()} ` +
          `(trial ${last.trial}, ${last.status === 'complete' ? `score ${JSON.stringify(last.score)}` : last.status}); a test set is scored once, ` +
          'after tuning. Pass { force: true } to evaluate again: the record will show it was forced',
        { evaluations: earlier },
      );
    }
    const trial = await chooseTrial(study, options.trial);
    const running: TestEvaluation = {
      at: Date.now(),
      trial: trial.number,
      score: null,
      status: 'running',
      forced: earlier.length > 0,
      ...(options.note !== undefined ? { note: options.note } : {}),
    };
    await write(study, [...earlier, running]);
    let score: S;
    try {
      score = await evaluate(trial);
      checkScore(score);
    } catch (error) {
      await write(study, [
        ...earlier,
        { ...running, status: 'failed', error: error instanceof Error ? error.message : String(error) },
      ]);
      throw error;
    }
    const record: TestEvaluation = { ...running, score, status: 'complete' };
    await write(study, [...earlier, record]);
    return { score, trial, record };
  });
}

async function chooseTrial(study: Study, choice: EvaluateOnTestOptions['trial']): Promise<TrialRecord> {
  if (choice === undefined) {
    if (study.directions.length !== 1)
      throw new TunekitError(
        'invalid_argument',
        `study "${study.name}" has ${study.directions.length} objectives; pass the trial to evaluate`,
      );
    return study.bestTrial();
  }
  const number = typeof choice === 'number' ? choice : choice.number;
  const record = (await study.trials()).find((t) => t.number === number);
  if (!record)
    throw new TunekitError('trial_not_found', `study "${study.name}" has no trial number ${number}`);
  if (record.state !== 'complete')
    throw new TunekitError(
      'invalid_argument',
      `trial ${number} of study "${study.name}" is ${record.state}; evaluate a complete trial`,
    );
  return record;
}

function checkScore(score: unknown): void {
  const ok =
    (typeof score === 'number' && Number.isFinite(score)) ||
    (typeof score === 'object' &&
      score !== null &&
      !Array.isArray(score) &&
      Object.values(score).every((v) => typeof v === 'number' && Number.isFinite(v)));
  if (!ok)
    throw new TunekitError(
      'invalid_result',
      `the test evaluation returned ${JSON.stringify(score)}; return a finite number or an object of them`,
    );
}

async function write(study: Study, evaluations: readonly TestEvaluation[]): Promise<void> {
  await study.storage.writeStudy(study.id, { testEvaluations: evaluations });
}

const queues = new WeakMap<StudyStorage, Map<number, Promise<unknown>>>();

/** Runs `task` after any evaluation of the same study (same storage object) that this process started. */
function serialised<T>(study: Study, task: () => Promise<T>): Promise<T> {
  const byStudy = queues.get(study.storage) ?? new Map<number, Promise<unknown>>();
  queues.set(study.storage, byStudy);
  const previous = byStudy.get(study.id) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(task);
  byStudy.set(study.id, next);
  return next;
}
