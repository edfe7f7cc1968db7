// JSON arrays to Dataset. Three shapes: rows as arrays ([[5.1, 3.5, 0], ...], label at an index), rows as
// objects ([{"a": 1, "label": "x"}, ...], label under a key), or columns apart ({"x": [[...]], "y": [...]}).
import { TunekitError, type ErrorCode } from '../errors.js';
import type { Dataset } from './dataset.js';
import { readText } from './files.js';
import { encodeClasses } from './labels.js';

export interface JsonOptions {
  /** Rows as arrays: the label's index (negative from the end; default -1). Rows as objects: its key (default "label"). */
  label?: string | number;
  /** 'class' (default) or 'number' (regression target). */
  labelType?: 'class' | 'number';
  /** Fixes the class order; see CsvOptions.labelNames. */
  labelNames?: readonly string[];
  /** Names the input in error messages. */
  source?: string;
}

export function loadJson(path: string | URL, options: JsonOptions = {}): Dataset {
  const source = String(path);
  const text = readText(path, 'JSON');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TunekitError('invalid_file', `${source}: not valid JSON (${(error as Error).message})`, {
      source,
    });
  }
  return jsonDataset(value, { source, ...options });
}

export function jsonDataset(value: unknown, options: JsonOptions = {}): Dataset {
  const source = options.source ?? 'JSON data';
  const fail = (code: ErrorCode, message: string, details: Record<string, unknown> = {}): never => {
    throw new TunekitError(code, `${source}: ${message}`, { source, ...details });
  };
  let rows: unknown[][];
  let labels: unknown[];
  let featureNames: string[] | undefined;
  let at = (i: number) => `row ${i}`;

  if (isPlainObject(value) && 'x' in value) {
    if (!Array.isArray(value.x) || !Array.isArray(value.y))
      return fail('invalid_file', '{ x, y } must hold two arrays');
    if (value.x.length !== value.y.length)
      fail('missing_label', `x has ${value.x.length} rows but y has ${value.y.length} labels`);
    rows = value.x.map((r, i) =>
      Array.isArray(r) ? r : fail('ragged_row', `x[${i}] is not an array`, { row: i }),
    );
    labels = value.y;
    at = (i) => `x[${i}]`;
  } else if (Array.isArray(value) && value.length > 0 && isPlainObject(value[0])) {
    const key = typeof options.label === 'string' ? options.label : 'label';
    featureNames = Object.keys(value[0] as object).filter((k) => k !== key);
    rows = value.map((item, i) => {
      if (!isPlainObject(item)) return fail('ragged_row', `row ${i} is not an object like row 0`, { row: i });
      if (!(key in item) || item[key] === null || item[key] === '')
        fail('missing_label', `row ${i} has no "${key}"`, { row: i, field: key });
      const extra = Object.keys(item).filter((k) => k !== key && !featureNames!.includes(k));
      if (extra.length > 0)
        fail('ragged_row', `row ${i} has field "${extra[0]}", which row 0 does not`, {
          row: i,
          field: extra[0],
        });
      return featureNames!.map((k) =>
        k in item ? item[k] : fail('ragged_row', `row ${i} lacks field "${k}"`, { row: i, field: k }),
      );
    });
    labels = value.map((item) => (item as Record<string, unknown>)[key]);
  } else if (Array.isArray(value) && value.length > 0) {
    const width = Array.isArray(value[0]) ? value[0].length : 0;
    const labelAt =
      typeof options.label === 'number'
        ? options.label < 0
          ? width + options.label
          : options.label
        : width - 1;
    if (labelAt < 0 || labelAt >= width)
      fail('unknown_column', `label index ${String(options.label ?? -1)} is outside rows of ${width} values`);
    rows = [];
    labels = [];
    value.forEach((row, i) => {
      if (!Array.isArray(row)) return fail('ragged_row', `row ${i} is not an array`, { row: i });
      if (row.length !== width)
        fail('ragged_row', `row ${i} has ${row.length} values, row 0 has ${width}`, {
          row: i,
          expected: width,
          actual: row.length,
        });
      labels.push(row[labelAt]);
      rows.push(row.filter((_, j) => j !== labelAt));
    });
  } else
    return fail(
      Array.isArray(value) ? 'empty_file' : 'invalid_file',
      'expected a non-empty array of rows, or { "x": [...], "y": [...] }',
    );

  const n = rows.length;
  const features = rows[0]!.length;
  if (features === 0) fail('invalid_file', 'rows have no feature values');
  const names = featureNames;
  const x = new Float32Array(n * features);
  rows.forEach((row, i) => {
    if (row.length !== features)
      fail('ragged_row', `${at(i)} has ${row.length} features, ${at(0)} has ${features}`, {
        row: i,
        expected: features,
        actual: row.length,
      });
    row.forEach((cell, j) => {
      const field = names ? `"${names[j]}"` : `feature ${j}`;
      if (typeof cell !== 'number' || !Number.isFinite(cell))
        fail('non_numeric_cell', `${at(i)}, ${field}: ${JSON.stringify(cell)} is not a finite number`, {
          row: i,
          field: names?.[j] ?? j,
          value: cell,
        });
      x[i * features + j] = cell as number;
    });
  });
  labels.forEach((label, i) => {
    if (label === null || label === undefined || label === '')
      fail('missing_label', `${at(i)} has no label`, { row: i });
    if (typeof label !== 'number' && typeof label !== 'string')
      fail('invalid_file', `${at(i)}: label ${JSON.stringify(label)} is not a number or a string`, {
        row: i,
      });
  });
  const base = { x, n, features, ...(names ? { featureNames: names } : {}) };
  if (options.labelType === 'number') {
    const y = Float32Array.from(labels, (label, i) =>
      typeof label === 'number' && Number.isFinite(label)
        ? label
        : fail('non_numeric_cell', `${at(i)}: label ${JSON.stringify(label)} is not a finite number`, {
            row: i,
          }),
    );
    return { ...base, y };
  }
  const { y, labelNames } = encodeClasses(
    labels.map(String),
    (i) => `${source} ${at(i)}`,
    options.labelNames,
  );
  return { ...base, y, classes: labelNames.length, labelNames };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
