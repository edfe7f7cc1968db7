// `tunekit export <study>`: every trial as CSV (one column per parameter) or JSON.
import { writeFileSync } from 'node:fs';
import type { TrialRecord } from '../../index.js';
import { TunekitError } from '../../index.js';
import { parseArgs } from '../args.js';
import { studyArg, withStorage } from '../common.js';
import type { Command } from './index.js';

function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(trials: readonly TrialRecord[], objectives: number): string {
  const params = [...new Set(trials.flatMap((t) => Object.keys(t.params)))];
  const header = [
    'number',
    'state',
    ...Array.from({ length: objectives }, (_, i) => (objectives === 1 ? 'value' : `value_${i}`)),
    'started_at',
    'finished_at',
    'fail_reason',
    ...params.map((p) => `param_${p}`),
  ];
  const rows = trials.map((t) => [
    t.number,
    t.state,
    ...Array.from({ length: objectives }, (_, i) => t.values?.[i]),
    t.startedAt === null ? '' : new Date(t.startedAt).toISOString(),
    t.finishedAt === null ? '' : new Date(t.finishedAt).toISOString(),
    t.failReason,
    ...params.map((p) => t.params[p]),
  ]);
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}

export const exportCommand: Command = {
  summary: 'export the trials of a study as CSV or JSON',
  help: 'Usage: tunekit export <study> [--storage URL] [--format csv|json] [--out FILE]',
  run: (argv) => {
    const args = parseArgs(argv, { values: ['storage', 'format', 'out'] });
    const name = studyArg(args, 'export');
    const format = args.options.format ?? 'csv';
    if (format !== 'csv' && format !== 'json')
      throw new TunekitError(
        'invalid_argument',
        `--format must be csv or json, got ${JSON.stringify(format)}`,
      );
    return withStorage(args, async (storage) => {
      const study = await storage.getStudy(name);
      const trials = await storage.getTrials(study.id);
      const text =
        format === 'csv'
          ? toCsv(trials, study.directions.length)
          : JSON.stringify(
              { study, trials },
              (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v),
              2,
            ) + '\n';
      if (typeof args.options.out === 'string') writeFileSync(args.options.out, text);
      else process.stdout.write(text);
      return 0;
    });
  },
};
