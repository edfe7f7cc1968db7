import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The reliability suite restarts PostgreSQL and loads the machine: it runs after this one, file by file
    // (vitest.reliability.config.ts), never beside other tests.
    exclude: ['test/reliability/**', '**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default is one file at a time on 2 cores (cores - 1), but most end-to-end files wait on child
    // processes, Chromium and PostgreSQL, so two at a time keep both cores busy.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // A study logs every trial to stderr by default; show a test's output only when it fails.
    silent: 'passed-only',
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
