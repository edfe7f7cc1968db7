// Synchronous successive halving (Jamieson & Talwalkar 2016) and Hyperband (Li et al. 2017) over the
// public Study API: every evaluation of a candidate at a budget is one trial, tagged with its rung.
// Candidates come from the study's sampler (rung 0 asks) or from a given list; later rungs re-run the
// survivors through enqueueTrial, so any worker can read the whole race back from storage.
import { TrialPruned, TunekitError } from '../errors.js';
import type { ParamValue } from '../search-space/index.js';
import type { ObjectiveResult, Study, StudyCallback } from '../study/study.js';
import type { Trial } from '../study/trial.js';
import type { JsonValue, TrialRecord } from '../study/types.js';

export type Resource = 'epochs' | 'samples';

/** What one evaluation may spend; the objective trains for `budget` epochs or on `budget` samples. */
export interface Budget {
  readonly budget: number;
  readonly resource: Resource;
  readonly rung: number;
  /** Set by the Hyperband driver. */
  readonly bracket?: number;
}

export type BudgetedObjective = (trial: Trial, budget: Budget) => ObjectiveResult | Promise<ObjectiveResult>;

export interface SuccessiveHalvingOptions {
  study: Study;
  objective: BudgetedObjective;
  /** How many configurations to start with (drawn by the study's sampler), or the configurations. */
  candidates: number | ReadonlyArray<Record<string, ParamValue>>;
  resource: Resource;
  /** Budget of rung 0 (an integer >= 1). */
  minResource: number;
  /** Budget no rung exceeds; the winner is trained with it. */
  maxResource: number;
  /** η: each rung keeps the best 1/η and multiplies the budget by η. Default 3. */
  eta?: number;
  /** Called after each trial, with the record as stored. */
  callbacks?: readonly StudyCallback[];
  /** Extra user attributes for every trial (the Hyperband driver adds `bracket`). */
  tags?: Readonly<Record<string, JsonValue>>;
}

export interface Rung {
  readonly rung: number;
  /** Candidates evaluated at this rung. */
  readonly size: number;
  readonly budget: number;
}

export interface SuccessiveHalvingResult {
  readonly rungs: ReadonlyArray<Rung & { readonly trials: readonly TrialRecord[] }>;
  /** The best complete trial of the last rung (trained with maxResource), null if all failed. */
  readonly best: TrialRecord | null;
  /** Sum of the budgets of every trial run. */
  readonly totalResource: number;
}

/**
 * The rungs: n candidates at r, then ⌊n/η⌋ (at least 1) at r·η, … capped at R. It ends with the rung at R;
 * once a single candidate is left it goes straight to R, so the race always ends with a full-budget model.
 */
export function halvingSchedule(
  candidates: number,
  minResource: number,
  maxResource: number,
  eta: number,
): Rung[] {
  checkInt('candidates', candidates, 1);
  checkInt('minResource', minResource, 1);
  checkInt('maxResource', maxResource, minResource);
  checkInt('eta', eta, 2);
  const rungs: Rung[] = [];
  let size = candidates;
  let budget = minResource;
  for (let rung = 0; ; rung++) {
    rungs.push({ rung, size, budget });
    if (budget >= maxResource) return rungs;
    size = Math.max(1, Math.floor(size / eta));
    budget = size === 1 ? maxResource : Math.min(budget * eta, maxResource);
  }
}

export async function successiveHalving(options: SuccessiveHalvingOptions): Promise<SuccessiveHalvingResult> {
  const { study, objective, resource, minResource, maxResource, eta = 3 } = options;
  const given = typeof options.candidates === 'number' ? null : options.candidates;
  if (resource !== 'epochs' && resource !== 'samples')
    throw new TunekitError(
      'invalid_argument',
      `successiveHalving: resource must be 'epochs' or 'samples', got ${JSON.stringify(resource)}`,
      { option: 'resource' },
    );
  const direction = study.direction; // throws for multi-objective studies: halving ranks on one value
  const schedule = halvingSchedule(
    given ? given.length : (options.candidates as number),
    minResource,
    maxResource,
    eta,
  );
  const tags = options.tags ?? {};
  const rungs: Array<Rung & { trials: TrialRecord[] }> = [];
  let totalResource = 0;
  // Rung 0 from the given list, or from the sampler; later rungs from the survivors' params.
  let queue: Array<Record<string, ParamValue> | null> = given
    ? given.map((p) => ({ ...p }))
    : new Array(schedule[0]!.size).fill(null);

  for (const step of schedule) {
    const budget: Budget = {
      budget: step.budget,
      resource,
      rung: step.rung,
      ...(typeof tags.bracket === 'number' ? { bracket: tags.bracket } : {}),
    };
    const attrs = (candidate: number): Record<string, JsonValue> => ({
      ...tags,
      rung: step.rung,
      budget: step.budget,
      resource,
      candidate,
    });
    for (let i = 0; i < queue.length; i++)
      if (queue[i]) await study.enqueueTrial(queue[i]!, { userAttrs: attrs(i) });
    const trials: TrialRecord[] = [];
    for (let i = 0; i < queue.length; i++) {
      const trial = await study.ask();
      if (queue[i]) {
        const mine = trial.userAttrs;
        if (mine.rung !== step.rung || mine.candidate !== i)
          throw new TunekitError(
            'waiting_trial_conflict',
            `successiveHalving: trial ${trial.number} was not the rung ${step.rung} re-run it expected; ` +
              'another sampler or worker is claiming waiting trials of this study (pass grid points as `candidates` instead of using GridSampler)',
          );
      } else for (const [key, value] of Object.entries(attrs(i))) await trial.setUserAttr(key, value);
      trials.push(await evaluate(study, trial, objective, budget));
      totalResource += step.budget;
      for (const callback of options.callbacks ?? []) await callback(study, trials[trials.length - 1]!);
    }
    rungs.push({ ...step, trials });
    const next = schedule[step.rung + 1];
    if (!next) break;
    queue = ranked(trials, direction)
      .slice(0, next.size)
      .map((t) => ({ ...t.params }));
  }
  const last = rungs[rungs.length - 1]!;
  return { rungs, best: ranked(last.trials, direction)[0] ?? null, totalResource };
}

export interface HyperbandOptions extends Omit<SuccessiveHalvingOptions, 'candidates' | 'tags'> {
  /** Run only the first k brackets (most exploratory first). Default: all. */
  brackets?: number;
}

export interface Bracket {
  readonly bracket: number;
  readonly candidates: number;
  readonly minResource: number;
}

/**
 * Hyperband's brackets, most exploratory first: s = s_max … 0 with s_max = ⌊log_η(R/r)⌋; bracket s starts
 * ⌈(s_max+1)/(s+1)·η^s⌉ candidates at R·η^−s (rounded, at least r).
 */
export function hyperbandSchedule(minResource: number, maxResource: number, eta: number): Bracket[] {
  checkInt('minResource', minResource, 1);
  checkInt('maxResource', maxResource, minResource);
  checkInt('eta', eta, 2);
  let sMax = 0;
  while (minResource * eta ** (sMax + 1) <= maxResource) sMax++;
  const brackets: Bracket[] = [];
  for (let s = sMax; s >= 0; s--)
    brackets.push({
      bracket: sMax - s,
      candidates: Math.ceil(((sMax + 1) / (s + 1)) * eta ** s),
      minResource: Math.max(minResource, Math.round(maxResource / eta ** s)),
    });
  return brackets;
}

export interface HyperbandResult {
  readonly brackets: ReadonlyArray<Bracket & SuccessiveHalvingResult>;
  /** The best trial trained with maxResource over all brackets. */
  readonly best: TrialRecord | null;
  readonly totalResource: number;
}

export async function hyperband(options: HyperbandOptions): Promise<HyperbandResult> {
  const eta = options.eta ?? 3;
  const all = hyperbandSchedule(options.minResource, options.maxResource, eta);
  const chosen =
    options.brackets === undefined ? all : all.slice(0, checkInt('brackets', options.brackets, 1));
  const results: Array<Bracket & SuccessiveHalvingResult> = [];
  for (const b of chosen) {
    const { brackets: _drop, ...rest } = options;
    const result = await successiveHalving({
      ...rest,
      eta,
      candidates: b.candidates,
      minResource: b.minResource,
      tags: { bracket: b.bracket },
    });
    results.push({ ...b, ...result });
  }
  const finals = results.map((r) => r.best).filter((t): t is TrialRecord => t !== null);
  return {
    brackets: results,
    best: ranked(finals, options.study.direction)[0] ?? null,
    totalResource: results.reduce((sum, r) => sum + r.totalResource, 0),
  };
}

async function evaluate(
  study: Study,
  trial: Trial,
  objective: BudgetedObjective,
  budget: Budget,
): Promise<TrialRecord> {
  try {
    return await study.tell(trial, await objective(trial, budget));
  } catch (error) {
    // A candidate that fails or is pruned loses its place; the race goes on without it.
    if (error instanceof TrialPruned) return study.tell(trial, 'pruned');
    return study.tell(trial, 'fail', {
      failReason: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
  }
}

/** Complete trials, best first; ties go to the earlier trial. */
function ranked(trials: readonly TrialRecord[], direction: 'minimize' | 'maximize'): TrialRecord[] {
  const sign = direction === 'minimize' ? 1 : -1;
  return trials
    .filter((t) => t.state === 'complete' && t.values !== null)
    .sort((a, b) => sign * ((a.values![0] as number) - (b.values![0] as number)) || a.number - b.number);
}

function checkInt(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
    throw new TunekitError(
      'invalid_argument',
      `successive halving: ${name} must be an integer >= ${min}, got ${String(value)}`,
      { option: name },
    );
  return value;
}
