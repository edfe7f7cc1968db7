// The bundled data sets by name. Values are as published (no scaling): preprocessing is a modelling
// choice, fitted on training rows only (see preprocess.ts). Provenance and licences: datasets/README.md.
import { TunekitError } from '../errors.js';
import { parseCsv } from './csv.js';
import { checkDataset, type Dataset } from './dataset.js';
import { readText } from './files.js';

export type DatasetName = 'iris' | 'wine' | 'breast_cancer' | 'digits' | 'diabetes';

export const DATASET_NAMES: readonly DatasetName[] = ['iris', 'wine', 'breast_cancer', 'digits', 'diabetes'];

const CANCER = [
  'radius',
  'texture',
  'perimeter',
  'area',
  'smoothness',
  'compactness',
  'concavity',
  'concave points',
  'symmetry',
  'fractal dimension',
];

const FEATURES: Record<string, readonly string[]> = {
  iris: ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)'],
  wine: [
    'alcohol',
    'malic_acid',
    'ash',
    'alcalinity_of_ash',
    'magnesium',
    'total_phenols',
    'flavanoids',
    'nonflavanoid_phenols',
    'proanthocyanins',
    'color_intensity',
    'hue',
    'od280/od315_of_diluted_wines',
    'proline',
  ],
  breast_cancer: [
    ...CANCER.map((f) => `mean ${f}`),
    ...CANCER.map((f) => `${f} error`),
    ...CANCER.map((f) => `worst ${f}`),
  ],
  diabetes: ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'],
};

const file = (name: string) => new URL(`./datasets/${name}`, import.meta.url);

export function loadDataset(name: DatasetName): Dataset {
  switch (name) {
    case 'iris':
      return sklearnCsv('iris', 'iris.csv.gz');
    case 'wine':
      return sklearnCsv('wine', 'wine.csv.gz');
    case 'breast_cancer':
      return sklearnCsv('breast_cancer', 'breast_cancer.csv.gz');
    case 'digits': {
      const labelNames = Array.from({ length: 10 }, (_, i) => String(i));
      const data = parseCsv(readText(file('digits.csv.gz'), 'CSV'), {
        header: false,
        labelNames,
        source: 'digits.csv.gz',
      });
      return checkDataset({
        x: data.x,
        y: data.y,
        n: data.n,
        features: 64,
        shape: [8, 8, 1],
        classes: 10,
        labelNames,
      });
    }
    case 'diabetes': {
      const text = readText(file('diabetes_data.csv.gz'), 'CSV');
      const targets = readText(file('diabetes_target.csv.gz'), 'CSV').trim().split(/\s+/).map(Number);
      // The features and the targets live in two files; join them into one table for the CSV parser.
      const rows = text.trim().split(/\r?\n/);
      if (rows.length !== targets.length)
        throw new TunekitError(
          'invalid_file',
          `diabetes: ${rows.length} feature rows but ${targets.length} targets`,
        );
      const joined = rows.map((row, i) => `${row.trim()} ${targets[i]}`).join('\n');
      const data = parseCsv(joined, {
        header: false,
        delimiter: 'whitespace',
        labelType: 'number',
        source: 'diabetes_data.csv.gz',
      });
      return checkDataset({
        x: data.x,
        y: data.y,
        n: data.n,
        features: 10,
        featureNames: FEATURES.diabetes!,
      });
    }
    default:
      throw new TunekitError(
        'invalid_argument',
        `unknown data set ${JSON.stringify(name)}; choose one of ${DATASET_NAMES.join(', ')}`,
      );
  }
}

/** scikit-learn's layout: a first line `n_samples,n_features,class names...`, then rows with the label last. */
function sklearnCsv(name: string, fileName: string): Dataset {
  const text = readText(file(fileName), 'CSV');
  const firstBreak = text.indexOf('\n');
  const meta = text.slice(0, firstBreak).trim().split(',');
  const [n, features] = [Number(meta[0]), Number(meta[1])];
  const labelNames = meta.slice(2);
  const data = parseCsv(text.slice(firstBreak + 1), {
    header: false,
    labelNames: labelNames.map((_, i) => String(i)),
    source: fileName,
  });
  if (data.n !== n || data.features !== features)
    throw new TunekitError(
      'invalid_file',
      `${fileName}: announces ${n} × ${features} but holds ${data.n} × ${data.features}`,
    );
  return checkDataset({
    x: data.x,
    y: data.y,
    n,
    features,
    classes: labelNames.length,
    featureNames: FEATURES[name]!,
    labelNames,
  });
}
