// A staged run's stages, derived from the stage links the studies hold (`StudyInfo.stage`): the one place
// that says which studies are a parent's stages, and in what order. The parent keeps no list of its own.
import type { StudySummary } from './storage.js';
import type { StageLink } from './types.js';

/** One stage of a parent study, as the study list shows it. */
export interface StageSummary extends Omit<StageLink, 'parent'> {
  /** The stage's study. */
  readonly study: string;
  /** The stage study's best value (`StudySummary.bestValue`); null while no trial has completed. */
  readonly bestValue: number | null;
}

/** The stages of the study named `parent` among `studies` (`listStudies()`), by index; none for other studies. */
export function stagesOf(studies: readonly StudySummary[], parent: string): StageSummary[] {
  const stages: StageSummary[] = [];
  for (const { study, bestValue } of studies)
    if (study.stage?.parent === parent) {
      const { parent: _parent, ...link } = study.stage;
      stages.push({ ...link, study: study.name, bestValue });
    }
  return stages.sort((a, b) => a.index - b.index || (a.study < b.study ? -1 : 1));
}
