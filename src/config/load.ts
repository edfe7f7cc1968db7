// Reads a config file (YAML or JSON, by extension; YAML is a superset, so anything else is read as YAML).
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { YAMLError } from 'yaml';
import { TunekitError } from '../errors.js';
import { parseConfig } from './schema.js';
import type { TuneConfig } from './schema.js';

export function loadConfigFile(path: string): TuneConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new TunekitError('config_unreadable', `cannot read config ${path}: ${(error as Error).message}`);
  }
  return parseConfig(parseConfigText(text, path));
}

export function parseConfigText(text: string, path: string): unknown {
  if (path.endsWith('.json')) {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new TunekitError('config_invalid', `${path} is not valid JSON: ${(error as Error).message}`);
    }
  }
  // Warnings (an unknown tag, say) are refused like errors: a config must mean exactly what it says.
  const doc = parseDocument(text, { prettyErrors: true, logLevel: 'silent' });
  const problem: YAMLError | undefined = doc.errors[0] ?? doc.warnings[0];
  if (problem) {
    const where = problem.linePos ? ` at line ${problem.linePos[0].line}` : '';
    throw new TunekitError(
      'config_invalid',
      `${path} is not valid YAML${where}: ${problem.message.split('\n')[0]}`,
    );
  }
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // An alias to nowhere, or an alias bomb past maxAliasCount.
    throw new TunekitError(
      'config_invalid',
      `${path} is not valid YAML: ${(error as Error).message.split('\n')[0]}`,
    );
  }
}
