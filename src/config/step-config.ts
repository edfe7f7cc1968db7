// The config of one strategy step, stored on the step's study so that `tunekit worker --study <step study>`
// on any machine runs exactly that step: the step's space (narrowed, or held at one value), its budget, no strategy.
import { contains } from '../search-space/index.js';
import type { Distribution } from '../search-space/index.js';
import type { Study } from '../study/study.js';
import { parseConfig } from './schema.js';
import type { TuneConfig } from './schema.js';
import type { SpaceEntry } from './space.js';
import type { Step } from './strategy.js';

/**
 * The whole config with the step's study name, space and budget (`study.trials`, a total over every worker),
 * marked with `step`; parsed again, so a step a worker could not run is refused here, before any worker.
 */
export function stepConfig(
  config: TuneConfig,
  step: Omit<Step, 'study'> & { readonly study: Pick<Study, 'name'> },
): TuneConfig {
  const { strategy: _strategy, ...source } = config.source as Record<string, unknown>;
  // The run's deadline bounds its own workers (as --timeout); a worker that joins later stops at the budget.
  const { timeout: _timeout, ...study } = source.study as Record<string, unknown>;
  return parseConfig({
    ...source,
    study: { ...study, name: step.study.name, trials: step.maxTrials },
    space: spaceSource(step.space),
    step: { label: step.label, ...(step.trialAttrs ? { trialAttrs: step.trialAttrs } : {}) },
  });
}

/** A space as a config's `space` field: parseSpace(spaceSource(space)) gives the same entries. */
export function spaceSource(space: readonly SpaceEntry[]): Record<string, unknown> {
  const distributions = new Map(space.map((e) => [e.name, e.distribution]));
  return Object.fromEntries(
    space.map((entry) => {
      const d = entry.distribution;
      // A narrowed parent may have lost choices a condition names; keeping only the ones it still has leaves
      // the condition's meaning alone (an empty list: never suggested, as the dropped choice never comes up).
      const when =
        entry.when &&
        Object.fromEntries(
          Object.entries(entry.when).map(([parent, values]) => [
            parent,
            values.filter((v) => contains(distributions.get(parent)!, v)),
          ]),
        );
      return [
        entry.name,
        {
          ...distributionSource(d),
          ...(when ? { when } : {}),
          // A default outside a narrowed range would be refused; a step runs no stages, so it needs none.
          ...(entry.default !== undefined && contains(d, entry.default) ? { default: entry.default } : {}),
        },
      ];
    }),
  );
}

function distributionSource(d: Distribution): Record<string, unknown> {
  if (d.kind === 'categorical') return { type: 'categorical', choices: [...d.choices] };
  const step = d.kind === 'int' ? (d.step === 1 ? null : d.step) : d.step;
  return {
    type: d.kind,
    low: d.low,
    high: d.high,
    ...(d.log ? { log: true } : {}),
    ...(step === null ? {} : { step }),
  };
}
