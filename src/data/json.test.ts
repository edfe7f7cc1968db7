import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { caught } from '../testing/errors.js';
import { jsonDataset, loadJson } from './json.js';

describe('jsonDataset', () => {
  it('reads rows as arrays, rows as objects, and { x, y } into the same data set', () => {
    const arrays = jsonDataset([
      [1, 2, 'cat'],
      [3, 4, 'dog'],
    ]);
    const objects = jsonDataset([
      { a: 1, b: 2, label: 'cat' },
      { b: 4, a: 3, label: 'dog' },
    ]);
    const columns = jsonDataset({
      x: [
        [1, 2],
        [3, 4],
      ],
      y: ['cat', 'dog'],
    });
    for (const d of [arrays, objects, columns]) {
      expect([...d.x]).toEqual([1, 2, 3, 4]);
      expect([...d.y]).toEqual([0, 1]);
      expect(d.labelNames).toEqual(['cat', 'dog']);
    }
    expect(objects.featureNames).toEqual(['a', 'b']);
  });

  it('takes the label at an index or under a key, and regression targets', () => {
    const d = jsonDataset([[0.5, 1, 2]], { label: 0, labelType: 'number' });
    expect([...d.x]).toEqual([1, 2]);
    expect([...d.y]).toEqual([0.5]);
    expect(jsonDataset([{ t: 1, a: 2 }], { label: 't', labelType: 'number' }).featureNames).toEqual(['a']);
  });

  it('names the row and the field at fault', () => {
    const ragged = caught(() =>
      jsonDataset([
        [1, 2, 0],
        [1, 0],
      ]),
    );
    expect(ragged.code).toBe('ragged_row');
    expect(ragged.message).toContain('row 1 has 2 values, row 0 has 3');
    const text = caught(() =>
      jsonDataset([
        { a: 1, label: 0 },
        { a: 'x', label: 1 },
      ]),
    );
    expect(text.code).toBe('non_numeric_cell');
    expect(text.message).toContain('row 1, "a": "x"');
    const missing = caught(() => jsonDataset([{ a: 1, label: 0 }, { a: 2 }]));
    expect(missing.code).toBe('missing_label');
    expect(missing.message).toContain('row 1 has no "label"');
    expect(
      caught(() =>
        jsonDataset([
          { a: 1, label: 0 },
          { a: 2, b: 3, label: 0 },
        ]),
      ).message,
    ).toContain('row 1 has field "b"');
    expect(caught(() => jsonDataset({ x: [[1]], y: [] })).code).toBe('missing_label');
    expect(caught(() => jsonDataset([[1, null]])).code).toBe('missing_label');
    expect(caught(() => jsonDataset([])).code).toBe('empty_file');
    expect(caught(() => jsonDataset({ rows: [] })).code).toBe('invalid_file');
  });

  it('loadJson refuses a file that is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tunekit-json-'));
    const path = join(dir, 'data.json');
    writeFileSync(path, 'a,b\n1,2\n');
    const e = caught(() => loadJson(path));
    expect(e.code).toBe('invalid_file');
    expect(e.message).toContain('not valid JSON');
    writeFileSync(
      path,
      JSON.stringify([
        [1, 0],
        [2, 1],
      ]),
    );
    expect(loadJson(path).n).toBe(2);
  });
});
