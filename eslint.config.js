// Lint: TypeScript rules plus the module boundaries of STYLE.md (core stays free of storage back ends,
// the trainer knows nothing of studies, the CLI and dashboard use the public surface only).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });
// Boundaries hold for library code; tests may wire any pieces together.
const boundary = (files, patterns) => ({
  files,
  ignores: ['**/*.test.ts', '**/*.contract.ts', '**/testing/**'],
  rules: restrict(patterns),
});

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
  boundary(
    ['src/search-space/**'],
    ['../study/*', '../samplers/*', '../pruners/*', '../storage/*', '../nn/*'],
  ),
  boundary(
    ['src/study/**'],
    ['../samplers/*', '../pruners/*', '../storage/sqlite/*', '../storage/postgres/*', '../nn/*'],
  ),
  boundary(['src/nn/**'], ['../study/*', '../samplers/*', '../pruners/*', '../storage/*', '../data/*']),
  boundary(
    ['src/analysis/**'],
    ['../samplers/*', '../pruners/*', '../storage/*', '../nn/*', '../study/study.js', '../study/trial.js'],
  ),
  boundary(
    ['src/cli/**', 'src/dashboard/**'],
    ['../study/*', '../samplers/*', '../pruners/*', '../../study/*', '../../samplers/*', '../../pruners/*'],
  ),
);
