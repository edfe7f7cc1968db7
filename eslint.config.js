// Lint: TypeScript rules plus the module boundaries of STYLE.md (core stays free of storage back ends,
// the trainer knows nothing of studies, the CLI and dashboard use the public surface only).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/results/**', 'assembly/**', 'src/nn/wasm/*.js', 'src/dashboard/ui/build/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['src/search-space/**'], rules: restrict(['../study/*', '../samplers/*', '../pruners/*', '../storage/*', '../nn/*']) },
  { files: ['src/study/**'], rules: restrict(['../samplers/*', '../pruners/*', '../storage/sqlite/*', '../storage/postgres/*', '../nn/*']) },
  { files: ['src/nn/**'], rules: restrict(['../study/*', '../samplers/*', '../pruners/*', '../storage/*']) },
  { files: ['src/cli/**', 'src/dashboard/**'], rules: restrict(['../study/*', '../samplers/*', '../pruners/*']) },
);
