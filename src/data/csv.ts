// CSV to Dataset: numeric columns as they are, declared categorical columns one-hot encoded, one label
// column. Every malformed cell is an error naming the line and the column, never a silent NaN.
import { TunekitError } from '../errors.js';
import type { Dataset } from './dataset.js';
import { readText } from './files.js';
import { encodeClasses, sortLabels } from './labels.js';

export interface CsvOptions {
  /** Whether the first (non-skipped) line names the columns. Default true. */
  header?: boolean;
  /** ',' (default), ';', '\t', ... or 'whitespace' for runs of spaces and tabs (no quoting then). */
  delimiter?: string;
  /** The label column: a header name, or an index (negative counts from the end). Default: the last column. */
  label?: string | number;
  /** 'class' (default): labels are class names mapped to 0..k-1. 'number': a regression target. */
  labelType?: 'class' | 'number';
  /**
   * Fixes the class order (label i is labelNames[i]). Pass the training file's `labelNames` when loading a
   * test file, so both map classes alike. Default: the distinct labels sorted (numerically if all numbers).
   */
  labelNames?: readonly string[];
  /** Columns holding categories, one-hot encoded (names or indices). Any other non-number is an error. */
  categorical?: ReadonlyArray<string | number>;
  /** Fixed category lists per categorical column name; pass a training file's `categories` back in. */
  categories?: Readonly<Record<string, readonly string[]>>;
  /** Lines to skip before the header or the first row (a preamble). Default 0. */
  skipLines?: number;
  /** Names the input in error messages (loadCsv passes the path). */
  source?: string;
}

export interface CsvDataset extends Dataset {
  /** The category list of each one-hot column, in the order of its indicator features. */
  readonly categories: Readonly<Record<string, readonly string[]>>;
}

interface Row {
  line: number;
  cells: string[];
}

export function loadCsv(path: string | URL, options: CsvOptions = {}): CsvDataset {
  return parseCsv(readText(path, 'CSV'), { source: String(path), ...options });
}

export function parseCsv(text: string, options: CsvOptions = {}): CsvDataset {
  const source = options.source ?? 'CSV';
  const where = (line: number) => `${source} line ${line}`;
  let rows = splitRows(text, options.delimiter ?? ',', source).filter(
    (r) => r.line > (options.skipLines ?? 0),
  );
  if (rows.length === 0) throw new TunekitError('empty_file', `${source}: no rows`, { source });

  const width = rows[0]!.cells.length;
  let names: string[];
  if (options.header ?? true) {
    names = rows[0]!.cells.map((c, i) => c.trim() || `column ${i}`);
    rows = rows.slice(1);
  } else names = Array.from({ length: width }, (_, i) => `column ${i}`);
  for (const row of rows)
    if (row.cells.length !== width)
      throw new TunekitError(
        'ragged_row',
        `${where(row.line)}: ${row.cells.length} fields, but the ${(options.header ?? true) ? 'header has' : 'first row has'} ${width}`,
        {
          source,
          line: row.line,
          expected: width,
          actual: row.cells.length,
        },
      );
  if (rows.length === 0)
    throw new TunekitError('empty_file', `${source}: a header but no data rows`, { source });

  const labelIndex = columnIndex(options.label ?? -1, names, source, 'label');
  const categorical = new Set(
    (options.categorical ?? []).map((c) => columnIndex(c, names, source, 'categorical')),
  );
  if (categorical.has(labelIndex))
    throw new TunekitError(
      'invalid_argument',
      `${source}: the label column "${names[labelIndex]}" cannot also be categorical`,
    );
  const featureCols = names.map((_, i) => i).filter((i) => i !== labelIndex);

  // Category lists come first (fixed ones from the options, else the sorted distinct values), so that the
  // feature layout is known before any value is written.
  const categories: Record<string, string[]> = {};
  for (const c of categorical) {
    const fixed = options.categories?.[names[c]!];
    categories[names[c]!] = fixed
      ? [...fixed]
      : sortLabels(rows.map((r) => r.cells[c]!.trim()).filter((v) => v !== ''));
  }
  const featureNames: string[] = [];
  const offsets: number[] = [];
  for (const c of featureCols) {
    offsets.push(featureNames.length);
    if (categorical.has(c)) for (const v of categories[names[c]!]!) featureNames.push(`${names[c]}=${v}`);
    else featureNames.push(names[c]!);
  }

  const features = featureNames.length;
  const x = new Float32Array(rows.length * features);
  rows.forEach((row, i) => {
    featureCols.forEach((c, k) => {
      const cell = row.cells[c]!.trim();
      const name = names[c]!;
      if (cell === '')
        throw new TunekitError('missing_value', `${where(row.line)}, column "${name}": empty cell`, {
          source,
          line: row.line,
          column: name,
        });
      if (categorical.has(c)) {
        const at = categories[name]!.indexOf(cell);
        if (at < 0)
          throw new TunekitError(
            'unknown_category',
            `${where(row.line)}, column "${name}": "${cell}" is not one of the known categories [${categories[name]!.join(', ')}]`,
            {
              source,
              line: row.line,
              column: name,
              value: cell,
            },
          );
        x[i * features + offsets[k]! + at] = 1;
      } else x[i * features + offsets[k]!] = numberCell(cell, row.line, name, source);
    });
  });

  const labelName = names[labelIndex]!;
  const labels = rows.map((row) => {
    const cell = row.cells[labelIndex]!.trim();
    if (cell === '')
      throw new TunekitError(
        'missing_label',
        `${where(row.line)}: the label column "${labelName}" is empty`,
        { source, line: row.line, column: labelName },
      );
    return cell;
  });
  const base = { x, n: rows.length, features, featureNames, categories };
  if (options.labelType === 'number') {
    const y = Float32Array.from(labels, (cell, i) => numberCell(cell, rows[i]!.line, labelName, source));
    return { ...base, y };
  }
  const { y, labelNames } = encodeClasses(
    labels,
    (i) => `${where(rows[i]!.line)}, column "${labelName}"`,
    options.labelNames,
  );
  return { ...base, y, classes: labelNames.length, labelNames };
}

function numberCell(cell: string, line: number, column: string, source: string): number {
  const value = Number(cell);
  if (!Number.isFinite(value))
    throw new TunekitError(
      'non_numeric_cell',
      `${source} line ${line}, column "${column}": "${cell}" is not a finite number` +
        ' (list the column in `categorical` if it holds categories)',
      { source, line, column, value: cell },
    );
  return value;
}

function columnIndex(spec: string | number, names: readonly string[], source: string, what: string): number {
  if (typeof spec === 'number') {
    const i = spec < 0 ? names.length + spec : spec;
    if (!Number.isInteger(spec) || i < 0 || i >= names.length)
      throw new TunekitError(
        'unknown_column',
        `${source}: ${what} column index ${spec} is outside the ${names.length} columns`,
        { source, column: spec },
      );
    return i;
  }
  const i = names.indexOf(spec);
  if (i < 0)
    throw new TunekitError(
      'unknown_column',
      `${source}: no ${what} column named "${spec}"; the columns are ${names.map((n) => `"${n}"`).join(', ')}`,
      {
        source,
        column: spec,
      },
    );
  return i;
}

/** The rows of comma-separated text as cells (RFC 4180 quoting; blank lines skipped), for tables other than data sets. */
export function csvRows(text: string, source = 'CSV text'): string[][] {
  return splitRows(text, ',', source).map((row) => row.cells);
}

/** Splits text into rows of cells, with RFC 4180 quoting ("a, b" and "" for a quote); blank lines skipped. */
function splitRows(text: string, delimiter: string, source: string): Row[] {
  const rows: Row[] = [];
  if (delimiter === 'whitespace') {
    text.split(/\r?\n/).forEach((raw, i) => {
      const trimmed = raw.trim();
      if (trimmed !== '') rows.push({ line: i + 1, cells: trimmed.split(/\s+/) });
    });
    return rows;
  }
  if (delimiter.length !== 1 || delimiter === '"')
    throw new TunekitError(
      'invalid_argument',
      `delimiter must be one character (not '"') or 'whitespace', got ${JSON.stringify(delimiter)}`,
    );
  let line = 1;
  let start = 1;
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let wasQuoted = false;
  const endRow = () => {
    cells.push(cell);
    if (cells.length > 1 || wasQuoted || cell.trim() !== '') rows.push({ line: start, cells });
    cells = [];
    cell = '';
    wasQuoted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && cell.trim() === '') {
      quoted = wasQuoted = true;
      cell = '';
    } else if (ch === delimiter) {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n') {
      endRow();
      start = ++line;
    } else if (ch !== '\r') cell += ch;
  }
  if (quoted)
    throw new TunekitError('invalid_file', `${source} line ${start}: a quoted field is never closed`, {
      source,
      line: start,
    });
  endRow();
  return rows;
}
