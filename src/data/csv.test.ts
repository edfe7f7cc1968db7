import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { caught } from '../testing/errors.js';
import { loadCsv, parseCsv } from './csv.js';

const dir = mkdtempSync(join(tmpdir(), 'tunekit-csv-'));
function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('parseCsv', () => {
  it('reads a header, numeric features and class labels (last column by default)', () => {
    const d = parseCsv('a,b,species\n1,2,setosa\n3,4.5,virginica\n-1,1e2,setosa\n');
    expect(d.n).toBe(3);
    expect(d.features).toBe(2);
    expect(d.featureNames).toEqual(['a', 'b']);
    expect([...d.x]).toEqual([1, 2, 3, 4.5, -1, 100]);
    expect(d.labelNames).toEqual(['setosa', 'virginica']);
    expect([...d.y]).toEqual([0, 1, 0]);
    expect(d.classes).toBe(2);
  });

  it('takes the label column by name or index, anywhere in the row', () => {
    const text = 'y,a,b\n1,10,20\n0,30,40\n';
    const byName = parseCsv(text, { label: 'y' });
    const byIndex = parseCsv(text, { label: 0 });
    expect([...byName.x]).toEqual([10, 20, 30, 40]);
    expect([...byName.y]).toEqual([1, 0]);
    expect(byIndex).toEqual(byName);
  });

  it('sorts numeric class labels numerically and honours a fixed class order', () => {
    expect(parseCsv('a,y\n1,10\n2,9\n3,2\n').labelNames).toEqual(['2', '9', '10']);
    const fixed = parseCsv('a,y\n1,b\n', { labelNames: ['a', 'b', 'c'] });
    expect([...fixed.y]).toEqual([1]);
    expect(fixed.classes).toBe(3);
  });

  it('reads files without a header, regression targets, quoting and other delimiters', () => {
    const d = parseCsv('1;"2";3.5\r\n4;5;6\r\n', { header: false, delimiter: ';', labelType: 'number' });
    expect(d.featureNames).toEqual(['column 0', 'column 1']);
    expect([...d.y]).toEqual([3.5, 6]);
    expect(d.y).toBeInstanceOf(Float32Array);
    expect(d.classes).toBeUndefined();
    const quoted = parseCsv('name,"x, in cm",y\n"a ""b""",1,0\n', { categorical: ['name'] });
    expect(quoted.categories).toEqual({ name: ['a "b"'] });
    expect(quoted.featureNames).toEqual(['name=a "b"', 'x, in cm']);
  });

  it('one-hot encodes categorical columns, and reuses the categories for another file', () => {
    const train = parseCsv('colour,size,y\nred,1,0\ngreen,2,1\nred,3,1\n', { categorical: ['colour'] });
    expect(train.featureNames).toEqual(['colour=green', 'colour=red', 'size']);
    expect([...train.x]).toEqual([0, 1, 1, 1, 0, 2, 0, 1, 3]);
    const test = parseCsv('colour,size,y\nred,5,1\n', {
      categorical: ['colour'],
      categories: train.categories,
      labelNames: train.labelNames,
    });
    expect([...test.x]).toEqual([0, 1, 5]);
    const e = caught(() =>
      parseCsv('colour,size,y\nblue,5,1\n', { categorical: ['colour'], categories: train.categories }),
    );
    expect(e.code).toBe('unknown_category');
    expect(e.message).toContain('line 2');
    expect(e.message).toContain('"colour"');
  });

  it('names the line and the column of a ragged row, a non-numeric cell, a missing label or value', () => {
    const ragged = caught(() => parseCsv('a,b,y\n1,2,0\n3,4\n'));
    expect(ragged.code).toBe('ragged_row');
    expect(ragged.message).toMatch(/line 3: 2 fields, but the header has 3/);
    const text = caught(() => parseCsv('a,b,y\n1,2,0\n\n3,abc,1\n', { source: 'data.csv' }));
    expect(text.code).toBe('non_numeric_cell');
    expect(text.message).toContain('data.csv line 4, column "b": "abc"');
    expect(text.details).toMatchObject({ line: 4, column: 'b', value: 'abc' });
    const label = caught(() => parseCsv('a,y\n1,0\n2,\n'));
    expect(label.code).toBe('missing_label');
    expect(label.message).toMatch(/line 3: the label column "y" is empty/);
    const empty = caught(() => parseCsv('a,b,y\n1,,0\n'));
    expect(empty.code).toBe('missing_value');
    expect(empty.message).toContain('line 2, column "b"');
    expect(caught(() => parseCsv('a,y\n1,0\n', { label: 'z' })).code).toBe('unknown_column');
    expect(
      caught(() => parseCsv('a,y\n1,0\n', { labelType: 'number', label: 0, categorical: [0] })).code,
    ).toBe('invalid_argument');
    expect(caught(() => parseCsv('a,y\n"1,0\n')).code).toBe('invalid_file');
    expect(caught(() => parseCsv('a,b,y\n')).code).toBe('empty_file');
    expect(caught(() => parseCsv('a,y\nNaN,0\n')).code).toBe('non_numeric_cell');
  });
});

describe('loadCsv', () => {
  it('reads plain and gzipped files alike', () => {
    const text = 'a,y\n1,0\n2,1\n';
    expect(loadCsv(file('plain.csv', text))).toEqual(loadCsv(file('packed.csv.gz', gzipSync(text))));
  });

  it('refuses files that are not what they claim', () => {
    const fake = caught(() => loadCsv(file('fake.csv.gz', 'a,y\n1,0\n')));
    expect(fake.code).toBe('invalid_file');
    expect(fake.message).toContain('not gzip-compressed');
    const truncated = caught(() =>
      loadCsv(file('cut.csv.gz', gzipSync('a,y\n1,0\n'.repeat(50)).subarray(0, 20))),
    );
    expect(truncated.code).toBe('invalid_file');
    const binary = caught(() =>
      loadCsv(file('image.csv', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13]))),
    );
    expect(binary.code).toBe('invalid_file');
    expect(binary.message).toContain('binary data, not CSV');
    expect(caught(() => loadCsv(join(dir, 'missing.csv'))).code).toBe('file_not_found');
  });
});
