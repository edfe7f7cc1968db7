// Output helpers for the CLI: aligned tables, compact numbers, colour only on a TTY (progress is the library's
// ProgressDisplay, shared with optimize({ showProgress })).
import type { ParamValue, TrialRecord } from '../index.js';

const tty = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;

export function bold(text: string): string {
  return tty ? `\x1b[1m${text}\x1b[0m` : text;
}

export function dim(text: string): string {
  return tty ? `\x1b[2m${text}\x1b[0m` : text;
}

export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined) return '-';
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e6)
    ? value.toExponential(3)
    : String(Number(value.toPrecision(5)));
}

export function formatParam(value: ParamValue | undefined): string {
  return typeof value === 'number' ? formatNumber(value) : value === undefined ? '-' : String(value);
}

export function formatParams(params: Readonly<Record<string, ParamValue>>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${formatParam(v)}`)
    .join(' ');
}

export function formatDuration(trial: TrialRecord): string {
  if (trial.startedAt === null) return '-';
  const ms = (trial.finishedAt ?? Date.now()) - trial.startedAt;
  return ms < 1000 ? `${ms}ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)}s` : `${(ms / 60_000).toFixed(1)}m`;
}

/** Columns padded to their widest cell; the last column is not padded. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [bold(line(header)), ...rows.map(line)].join('\n');
}
