// `tunekit add <study> --from FILE`: warm start from known results, reading trials from a `tunekit export`
// file (JSON: every field; CSV: values, params, constraints, times) and adding them with `addTrials`.
import { readFileSync } from 'node:fs';
import {
  TunekitError,
  categoricalDistribution,
  createStudy,
  isTunekitError,
  floatDistribution,
  intDistribution,
  loadStudy,
} from '../../index.js';
import type { Direction, Distribution, NewTrial, ParamValue, TrialRecord } from '../../index.js';
import { csvRows } from '../../data/index.js';
import { defineCommand } from '../args.js';
import { QUIET, STORAGE, STUDY, storageUrl, withStorage } from '../common.js';

const FINISHED = new Set(['complete', 'pruned', 'fail']);

/** The finished trials of a JSON export (`{ study, trials }`, non-finite numbers as strings). */
export function trialsFromJson(text: string, source: string): NewTrial[] {
  let parsed: { trials?: unknown };
  try {
    parsed = JSON.parse(text) as { trials?: unknown };
  } catch (error) {
    throw new TunekitError('invalid_file', `${source} is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed?.trials))
    throw new TunekitError('invalid_file', `${source} has no "trials" array; expected a tunekit export`);
  const number = (v: unknown): number => (typeof v === 'string' ? Number(v) : (v as number));
  return (parsed.trials as TrialRecord[])
    .filter((t) => FINISHED.has(t.state))
    .map((t) => ({
      state: t.state as 'complete' | 'pruned' | 'fail',
      ...(t.values !== null ? { values: t.values.map(number) } : {}),
      params: t.params,
      distributions: t.distributions,
      intermediateValues: Object.fromEntries(
        Object.entries(t.intermediateValues ?? {}).map(([k, v]) => [k, number(v)]),
      ),
      userAttrs: t.userAttrs ?? {},
      ...(t.constraints ? { constraints: t.constraints } : {}),
      ...(t.failReason !== null && t.failReason !== undefined ? { failReason: t.failReason } : {}),
      ...(t.startedAt !== null ? { startedAt: t.startedAt } : {}),
      ...(t.finishedAt !== null ? { finishedAt: t.finishedAt } : {}),
    }));
}

/**
 * The finished trials of a CSV export. A CSV carries no distributions: each parameter takes the one the
 * study's trials already have, else one inferred from its column (all integers: an int range over them;
 * numbers: a float range; otherwise a categorical of the values seen). Use JSON to keep them exactly.
 */
export function trialsFromCsv(
  text: string,
  source: string,
  known: Readonly<Record<string, Distribution>>,
): NewTrial[] {
  const [header, ...rows] = csvRows(text, source);
  if (!header || !header.includes('state') || !header.includes('number'))
    throw new TunekitError(
      'invalid_file',
      `${source} has no number and state columns; expected a tunekit export`,
    );
  const col = (name: string) => header.indexOf(name);
  const valueCols = header.map((h, i) => [h, i] as const).filter(([h]) => /^value(_\d+)?$/.test(h));
  const paramCols = header.map((h, i) => [h, i] as const).filter(([h]) => h.startsWith('param_'));
  const constraintCols = header.map((h, i) => [h, i] as const).filter(([h]) => /^constraint_\d+$/.test(h));
  const finished = rows.filter((r) => FINISHED.has(r[col('state')] ?? ''));
  const distributions: Record<string, Distribution> = {};
  for (const [h, i] of paramCols) {
    const name = h.slice('param_'.length);
    distributions[name] =
      known[name] ??
      inferDistribution(
        name,
        finished.map((r) => r[i] ?? '').filter((c) => c !== ''),
      );
  }
  const time = (cell: string | undefined, line: number): number | undefined => {
    if (!cell) return undefined;
    const ms = Date.parse(cell);
    if (Number.isNaN(ms))
      throw new TunekitError('invalid_file', `${source} row ${line}: ${JSON.stringify(cell)} is not a time`);
    return ms;
  };
  return finished.map((r, k) => {
    const params: Record<string, ParamValue> = {};
    const used: Record<string, Distribution> = {};
    for (const [h, i] of paramCols) {
      const name = h.slice('param_'.length);
      if ((r[i] ?? '') === '') continue; // a conditional parameter this trial did not use
      params[name] = cellValue(r[i]!, distributions[name]!);
      used[name] = distributions[name]!;
    }
    const values = valueCols.map(([, i]) => r[i] ?? '');
    const constraints = constraintCols.map(([, i]) => r[i] ?? '').filter((c) => c !== '');
    const startedAt = time(r[col('started_at')], k + 2);
    const finishedAt = time(r[col('finished_at')], k + 2);
    const failReason = r[col('fail_reason')];
    return {
      state: r[col('state')] as 'complete' | 'pruned' | 'fail',
      ...(values.every((v) => v !== '') ? { values: values.map(Number) } : {}),
      params,
      distributions: used,
      ...(constraints.length > 0 ? { constraints: constraints.map(Number) } : {}),
      ...(failReason ? { failReason } : {}),
      ...(startedAt !== undefined ? { startedAt } : {}),
      ...(finishedAt !== undefined ? { finishedAt } : {}),
    };
  });
}

/** The value a CSV cell holds for a distribution (export writes strings as they are, other values as JSON). */
function cellValue(cell: string, d: Distribution): ParamValue {
  if (d.kind !== 'categorical') return Number(cell);
  const choice = d.choices.find((c) => (typeof c === 'string' ? c : JSON.stringify(c)) === cell);
  return choice === undefined ? cell : choice;
}

function inferDistribution(name: string, cells: string[]): Distribution {
  const numbers = cells.map(Number);
  if (cells.length > 0 && numbers.every(Number.isFinite)) {
    const [low, high] = [Math.min(...numbers), Math.max(...numbers)];
    return numbers.every(Number.isInteger)
      ? intDistribution(name, low, high)
      : floatDistribution(name, low, high);
  }
  const parse = (c: string): ParamValue =>
    c === 'true' ? true : c === 'false' ? false : c === 'null' ? null : c;
  return categoricalDistribution(name, [...new Set(cells)].map(parse));
}

/** The directions of a new study: --directions, else the export's (JSON), else one minimize per value column. */
function directionsFor(flag: string | undefined, text: string, json: boolean): Direction[] {
  if (flag !== undefined) return flag.split(',').map((d) => d.trim() as Direction);
  if (json) {
    const study = (JSON.parse(text) as { study?: { directions?: Direction[] } }).study;
    if (Array.isArray(study?.directions)) return study.directions;
  }
  const header = csvRows(text.split('\n')[0] ?? '')[0] ?? [];
  const objectives = header.filter((h) => /^value(_\d+)?$/.test(h)).length;
  return Array.from({ length: Math.max(1, objectives) }, () => 'minimize' as const);
}

export const add = defineCommand({
  name: 'add',
  summary: 'add finished trials from a tunekit export (CSV or JSON) to a study, creating it if needed',
  positionals: [STUDY],
  options: {
    from: {
      type: 'string',
      value: 'FILE',
      description: 'a `tunekit export` file (.json or .csv)',
      required: true,
    },
    directions: {
      type: 'string',
      value: 'LIST',
      description: "a new study's directions, e.g. minimize,maximize (default: the export's)",
    },
    storage: STORAGE,
    quiet: QUIET,
  },
  run: async ({ positionals: [name], options }) => {
    const file = options.from;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new TunekitError('invalid_argument', `--from ${file}: ${(error as Error).message}`);
    }
    const json = file.endsWith('.json') || text.trimStart().startsWith('{');
    const added = await withStorage(
      storageUrl(options.storage),
      async (storage) => {
        const study = await loadStudy({ studyName: name!, storage, quiet: true }).catch((error: unknown) => {
          if (!isTunekitError(error, 'study_not_found')) throw error;
          const directions = directionsFor(options.directions, text, json);
          return createStudy({ studyName: name!, storage, directions, quiet: true });
        });
        const known: Record<string, Distribution> = {};
        for (const t of await study.trials()) Object.assign(known, t.distributions);
        const trials = json ? trialsFromJson(text, file) : trialsFromCsv(text, file, known);
        return (await study.addTrials(trials)).length;
      },
      { create: true },
    );
    if (!options.quiet) console.log(`added ${added} trial(s) from ${file} to study "${name}"`);
    return 0;
  },
});
