// Reads a config file (YAML or JSON, by extension; YAML is a superset, so anything else is read as YAML).
import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
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
  try {
    if (path.endsWith('.json')) return JSON.parse(text);
    return parseYaml(text, { prettyErrors: true });
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}` : '';
    throw new TunekitError('config_invalid', `${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}${where}: ${(error as Error).message.split('\n')[0]}`);
  }
}
