// A dashboard "stop" is a request stored on the study; workers honour it through this optimize callback,
// since a worker in another process can only learn of it from the storage.
import type { StudyCallback } from '../index.js';

/** The study system attribute holding the time (ms) of the last stop request. */
export const STOP_REQUESTED_ATTR = 'dashboard:stop_requested';

/**
 * `study.optimize(objective, { callbacks: [stopWhenRequested()] })`: after each trial, stops this worker if
 * the dashboard asked the study to stop since the callback was made (an old request does not stop a resumed run).
 */
export function stopWhenRequested(): StudyCallback {
  const since = Date.now();
  return async (study) => {
    const info = await study.storage.getStudy(study.name);
    const at = info.systemAttrs[STOP_REQUESTED_ATTR];
    if (typeof at === 'number' && at >= since) study.stop();
  };
}
