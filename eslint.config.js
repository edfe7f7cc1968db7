// Lint: TypeScript rules plus the module boundaries of STYLE.md (core stays free of storage back ends,
// the trainer knows nothing of studies, data is plain data, the CLI and dashboard use the public entries).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// A relative import names its target by how many folders it climbs, so a rule for `src/nn/**` is written
// once per depth: from src/nn/x.ts '../study/' is src/study/, from src/nn/layers/x.ts it is '../../study/'.
// Each rule below is expanded into one block per depth, with the exact prefix that reaches src/.
const DEPTHS = [1, 2, 3, 4];
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * `folder` (under src/) may not import `forbidden` (paths under src/: folders like 'study', files like
 * 'create-study.js', or a folder's file like 'study/study.js'). With `only`, every import leaving the
 * folder must be one of those paths (the public entries) instead.
 */
const boundary = (folder, { forbidden = [], only, types = false, ignores = [] }) =>
  DEPTHS.map((depth) => {
    // Files `depth` folders below src/${folder}/ climb that many more to reach src/.
    const up = escape('../'.repeat(depth + folder.split('/').length - 1));
    const files = [`src/${folder}/${'*/'.repeat(depth - 1)}*.ts`];
    const targets = forbidden.map((t) => (t.endsWith('.js') ? escape(t) + '$' : escape(t) + '(/|$)'));
    const patterns = targets.map((t) => ({
      regex: `^${up}${t}`,
      ...(types ? { allowTypeImports: true } : {}),
      message: `${folder}/ may not import ${t.replace(/\\/g, '').replace(/\(\/\|\$\)|\$$/g, '')} (STYLE.md boundaries)`,
    }));
    if (only)
      patterns.push({
        // Anything that climbs out of the folder, unless it lands on a public entry or back inside.
        regex: `^${up}(?!(${only.map(escape).join('|')})$)(?!${escape(folder)}/)`,
        ...(types ? { allowTypeImports: true } : {}),
        message: `${folder}/ imports the public entries only: ${only.join(', ')} (STYLE.md boundaries)`,
      });
    return {
      files,
      // Boundaries hold for library code; tests may wire any pieces together.
      ignores: ['**/*.test.ts', '**/*.contract.ts', '**/testing/**', ...ignores],
      // typescript-eslint's form of the core rule, which can let type-only imports through.
      rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
    };
  });

/** The package's entries (package.json `exports`), as paths under src/. */
const PUBLIC = [
  'index.js',
  'nn/index.js',
  'data/index.js',
  'evaluate/index.js',
  'config/index.js',
  'dashboard/index.js',
  'storage/sqlite/index.js',
  'storage/postgres/index.js',
  'storage/indexeddb/index.js',
  'mcp/index.js',
  'storage/optuna/index.js',
];
const APPS = ['cli', 'dashboard', 'config'];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'bench/results/**',
      'assembly/**',
      'src/nn/wasm/*.js',
      'src/dashboard/ui/build/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // search-space ← study ← samplers, pruners, storage: the bottom layer knows none of them.
  ...boundary('search-space', {
    forbidden: ['study', 'samplers', 'pruners', 'storage', 'nn', 'analysis', 'data', 'evaluate', ...APPS],
  }),
  ...boundary('study', {
    forbidden: [
      'samplers',
      'pruners',
      'storage/sqlite',
      'storage/postgres',
      'nn',
      'analysis',
      'data',
      'evaluate',
      ...APPS,
    ],
  }),
  // The trainer knows nothing of studies (random.ts and errors.ts are leaves it may use).
  ...boundary('nn', {
    forbidden: [
      'study',
      'samplers',
      'pruners',
      'storage',
      'analysis',
      'data',
      'evaluate',
      'create-study.js',
      ...APPS,
    ],
  }),
  // Analysis reads trial records, not live studies or back ends.
  ...boundary('analysis', {
    forbidden: ['samplers', 'pruners', 'storage', 'nn', 'study/study.js', 'study/trial.js', ...APPS],
  }),
  // Data is plain data: loaders, splits and preprocessing, no studies (the protocol is evaluate/).
  ...boundary('data', {
    forbidden: [
      'study',
      'samplers',
      'pruners',
      'storage',
      'evaluate',
      'create-study.js',
      'analysis',
      ...APPS,
    ],
  }),
  // The protocol uses studies, the trainer and data, but no back end and no application.
  ...boundary('evaluate', { forbidden: ['storage/sqlite', 'storage/postgres', 'samplers', ...APPS] }),
  ...boundary('cli', { only: PUBLIC }),
  ...boundary('mcp', { only: PUBLIC }),
  // errors.ts too: a leaf the page's bundle shares with the server (the core entry would pull in storage).
  ...boundary('dashboard', { only: [...PUBLIC, 'errors.js'], ignores: ['src/dashboard/ui/**'] }),
  // The page is a separate browser bundle that draws what the API returns: it may name the API's types,
  // and share only the pure plot-data functions (the static report computes its tables with them).
  ...boundary('dashboard/ui', { only: ['analysis/plots/index.js'], types: true }),
);
