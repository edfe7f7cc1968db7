// The command table: one entry per file in this folder.
import { add } from './add.js';
import { ask } from './ask.js';
import { best } from './best.js';
import { copy } from './copy.js';
import { create } from './create.js';
import { dashboard } from './dashboard.js';
import { deleteCommand } from './delete.js';
import { demo } from './demo.js';
import { enqueue } from './enqueue.js';
import { exportCommand } from './export.js';
import { mcp } from './mcp.js';
import { nestedCv } from './nested-cv.js';
import { rename } from './rename.js';
import { importanceCommand } from './importance.js';
import { report } from './report.js';
import { stop } from './stop.js';
import { studies } from './studies.js';
import { tell } from './tell.js';
import { trials } from './trials.js';
import { tune } from './tune.js';
import { worker } from './worker.js';
import type { Command } from '../args.js';

export type { Command } from '../args.js';

export const commands: Record<string, Command> = {
  demo,
  tune,
  create,
  worker,
  stop,
  studies,
  trials,
  best,
  importance: importanceCommand,
  export: exportCommand,
  delete: deleteCommand,
  rename,
  copy,
  enqueue,
  add,
  ask,
  tell,
  'nested-cv': nestedCv,
  dashboard,
  report,
  mcp,
};
