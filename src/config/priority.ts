// The built-in priority of the trainer's knobs, from the tuning practice tunekit follows: basic first
// (learning rate, batch size), then the optimizer, regularisation, architecture, data, and initialisation,
// loss and decay last. Staged `auto` uses it as a prior when its exploratory stage is too small to rank.

/** Categories in tuning order; a knob belongs to the first whose pattern matches its name. */
export const PRIORITY_CATEGORIES: ReadonlyArray<{ readonly category: string; readonly pattern: RegExp }> = [
  // lr_decay and learning_rate_schedule belong to the late category, not with the learning rate.
  { category: 'basic', pattern: /^(?!.*(decay|schedule|warmup)).*((^|_)lr($|_)|learning_?rate|batch)/i },
  { category: 'optimizer', pattern: /optimi[sz]er|momentum|beta|nesterov|rho|eps/i },
  {
    category: 'regularisation',
    pattern: /dropout|weight_?decay|(^|_)l[12]($|_)|label_?smooth|patience|early|clip/i,
  },
  {
    category: 'architecture',
    pattern: /layer|unit|hidden|width|depth|activation|norm|filter|kernel|channel/i,
  },
  { category: 'data', pattern: /augment|flip|shift|rotat|crop|noise|preprocess|scale|standard/i },
  { category: 'late', pattern: /init|loss|decay|schedule|warmup|gamma|step/i },
];

/** A knob's rank in the built-in order (0 = tune first); names no category matches come last. */
export function priorityRank(name: string): number {
  const i = PRIORITY_CATEGORIES.findIndex((c) => c.pattern.test(name));
  return i < 0 ? PRIORITY_CATEGORIES.length : i;
}

/** The names in the built-in order; the declared order breaks ties. */
export function byPriority(names: readonly string[]): string[] {
  return names
    .map((name, i) => ({ name, i, rank: priorityRank(name) }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map((e) => e.name);
}
