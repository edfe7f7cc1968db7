// Class labels from text: the distinct values in a stable order, and the mapping to 0..k-1 that CSV and
// JSON loaders share, so a train file and a test file loaded apart can be made to agree.
import { TunekitError } from '../errors.js';

/** Distinct values, sorted numerically when all are numbers, else by code point. */
export function sortLabels(values: readonly string[]): string[] {
  const distinct = [...new Set(values)];
  if (distinct.every((v) => Number.isFinite(Number(v))))
    return distinct.sort((a, b) => Number(a) - Number(b));
  return distinct.sort();
}

/**
 * Class indices for `labels`, and the names in index order. `where(i)` locates label i in error messages
 * ("data.csv line 7"); with `labelNames` given, a label outside them is an `unknown_category` error.
 */
export function encodeClasses(
  labels: readonly string[],
  where: (i: number) => string,
  labelNames?: readonly string[],
): { y: Int32Array; labelNames: string[] } {
  const names = labelNames ? [...labelNames] : sortLabels(labels);
  const classOf = new Map(names.map((name, i) => [name, i]));
  const y = Int32Array.from(labels, (label, i) => {
    // "1.0" and "1" are the same class when the classes are numbers.
    const cls = classOf.get(label) ?? classOf.get(String(Number(label)));
    if (cls === undefined)
      throw new TunekitError(
        'unknown_category',
        `${where(i)}: label "${label}" is not one of the known classes [${names.join(', ')}]`,
        { value: label },
      );
    return cls;
  });
  return { y, labelNames: names };
}
