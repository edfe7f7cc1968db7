// `tunekit export <study>`: every trial as CSV (one column per parameter and per constraint) or JSON;
// `tunekit add` reads both back.
import { writeFileSync } from 'node:fs';
import type { TrialRecord } from '../../index.js';
import { defineCommand } from '../args.js';
import { STORAGE, STUDY, storageUrl, withStorage } from '../common.js';

function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(trials: readonly TrialRecord[], objectives: number): string {
  const params = [...new Set(trials.flatMap((t) => Object.keys(t.params)))];
  // Constraint columns only when some trial set constraints, so other studies' CSV stays as it was.
  const constraints = Math.max(0, ...trials.map((t) => t.constraints?.length ?? 0));
  const header = [
    'number',
    'state',
    ...Array.from({ length: objectives }, (_, i) => (objectives === 1 ? 'value' : `value_${i}`)),
    'started_at',
    'finished_at',
    'fail_reason',
    ...params.map((p) => `param_${p}`),
    ...Array.from({ length: constraints }, (_, i) => `constraint_${i}`),
  ];
  const rows = trials.map((t) => [
    t.number,
    t.state,
    ...Array.from({ length: objectives }, (_, i) => t.values?.[i]),
    t.startedAt === null ? '' : new Date(t.startedAt).toISOString(),
    t.finishedAt === null ? '' : new Date(t.finishedAt).toISOString(),
    t.failReason,
    ...params.map((p) => t.params[p]),
    ...Array.from({ length: constraints }, (_, i) => t.constraints?.[i]),
  ]);
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}

export const exportCommand = defineCommand({
  name: 'export',
  summary: 'export the trials of a study as CSV or JSON',
  positionals: [STUDY],
  options: {
    storage: STORAGE,
    format: {
      type: 'string',
      value: 'FORMAT',
      description: 'the output format',
      choices: ['csv', 'json'],
      default: 'csv',
    },
    out: { type: 'string', value: 'FILE', description: 'write to this file instead of stdout' },
  },
  run: ({ positionals: [name], options }) =>
    withStorage(storageUrl(options.storage), async (storage) => {
      const study = await storage.getStudy(name!);
      const trials = await storage.getTrials(study.id);
      const text =
        options.format === 'csv'
          ? toCsv(trials, study.directions.length)
          : JSON.stringify(
              { study, trials },
              (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v),
              2,
            ) + '\n';
      if (options.out !== undefined) writeFileSync(options.out, text);
      else process.stdout.write(text);
      return 0;
    }),
});
