// Stopping a study from anywhere: a request is a counter on the study in storage, so a dashboard, a CLI or
// another process can ask every worker to stop; `optimize` notices the change after its current trial.
// A counter rather than a time stamp, so clock skew between machines cannot hide a request.
import type { StudyStorage } from './storage.js';
import type { StudyInfo } from './types.js';

/** How many stops were ever requested on the study. */
export function stopRequests(info: StudyInfo): number {
  return info.stopRequests;
}

/** Asks every worker of the study to finish its current trial and start no other; returns the new count. */
export async function requestStop(storage: StudyStorage, studyName: string): Promise<number> {
  const info = await storage.getStudy(studyName);
  return (await storage.writeStudy(info.id, { stopRequests: info.stopRequests + 1 })).stopRequests;
}
