// Study management that works across storages: copy a study, with every trial and attribute, from one
// storage to another (e.g. a SQLite file to PostgreSQL when a search outgrows one machine).
import type { StudyStorage } from '../study/storage.js';
import type { StudyInfo } from '../study/types.js';
import { resolveStorage } from './resolve.js';

export interface CopyStudyOptions {
  /** Name in the destination; the source name by default. */
  toName?: string;
}

/**
 * Copies study `name` from `from` to `to` (storages or URLs). Trials keep their numbers, states, params,
 * values, attributes and timestamps; the copy is all or nothing. Throws `duplicate_study` if the name is
 * taken in the destination. Storages given as URLs are closed again.
 */
export async function copyStudy(
  from: StudyStorage | string,
  name: string,
  to: StudyStorage | string,
  options: CopyStudyOptions = {},
): Promise<StudyInfo> {
  const source = await resolveStorage(from);
  let target: StudyStorage | null = null;
  try {
    target = await resolveStorage(to);
    const study = await source.getStudy(name);
    // One read: a consistent snapshot, even while workers keep writing to the source.
    const trials = await source.getTrials(study.id);
    // The mode in the creating write, as createStudy sets it: a worker joining the copy sees it from the start.
    const copy = await target.createStudy(options.toName ?? name, study.directions, {
      reproducible: study.reproducible,
    });
    try {
      const { userAttrs, stopRequests, testEvaluations, config, notes, stage } = study;
      await target.writeStudy(copy.id, { userAttrs, stopRequests, testEvaluations, config, notes, stage });
      // Enqueueing nothing under a key records the key: a copied grid is not enqueued again.
      for (const key of study.onceKeys) await target.enqueueTrials(copy.id, [], { onceKey: key });
      await target.addTrials(copy.id, trials);
    } catch (error) {
      await target.deleteStudy(copy.id).catch(() => {});
      throw error;
    }
    return await target.getStudy(copy.name);
  } finally {
    if (typeof from === 'string') await source.close();
    if (typeof to === 'string') await target?.close();
  }
}
