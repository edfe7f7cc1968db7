// The command table: one entry per file in this folder.
import { demo } from './demo.js';

export interface Command {
  summary: string;
  help: string;
  run(argv: string[]): Promise<number>;
}

export const commands: Record<string, Command> = { demo };
