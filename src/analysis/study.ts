// Analysis of a whole study: importance, interactions and advice over its complete trials, with the
// study's own direction. Takes anything shaped like a Study, so the Study class needs no analysis import.
import type { Direction, TrialRecord, TrialState } from '../study/types.js';
import { advice, type Advice, type AdviceOptions } from './advice.js';
import {
  importance,
  interactions,
  type ImportanceOptions,
  type ImportanceResult,
  type InteractionOptions,
  type InteractionResult,
} from './importance.js';

/** What the helpers read of a study (a `Study` has both). */
export interface AnalysableStudy {
  readonly directions: readonly Direction[];
  trials(query: { states: TrialState[] }): Promise<TrialRecord[]>;
}

async function complete(study: AnalysableStudy) {
  const trials = await study.trials({ states: ['complete'] });
  // One objective: rank by it in its direction; several: the caller gives `target` and `direction`.
  const own = study.directions.length === 1 ? { direction: study.directions[0]! } : {};
  return { trials, own };
}

/** Normalised importance of each hyperparameter over the complete trials (see docs/importance.md). */
export async function studyImportance(
  study: AnalysableStudy,
  options: ImportanceOptions = {},
): Promise<ImportanceResult> {
  const { trials, own } = await complete(study);
  return importance(trials, { ...own, ...options });
}

/** The hyperparameter pairs that interact most (fANOVA), over the complete trials. */
export async function studyInteractions(
  study: AnalysableStudy,
  options: InteractionOptions = {},
): Promise<InteractionResult> {
  return interactions((await complete(study)).trials, options);
}

/** Where the best trials are and what barely matters, ranked by importance unless `options.importance` is given. */
export async function studyAdvice(study: AnalysableStudy, options: AdviceOptions = {}): Promise<Advice> {
  const { trials, own } = await complete(study);
  const settings = { ...own, ...options };
  return advice(trials, { ...settings, importance: options.importance ?? importance(trials, settings) });
}
