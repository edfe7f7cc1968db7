// The reliability suite alone: `npm run test:reliability` (CI sizes; `npm test` runs it after the main suite) and
// `npm run test:reliability:long` (`--mode long`: 2,000 trials on 16 / 8 workers, a 20,000-trial study).
import { defineConfig } from 'vitest/config';

export default defineConfig(({ mode }) => ({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    provide: { reliabilitySize: mode === 'long' ? 'long' : 'ci' },
    testTimeout: mode === 'long' ? 1_800_000 : 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // Load and fault tests start many processes; one file at a time keeps their timings meaningful.
    fileParallelism: false,
    reporters: ['default', './test/summary-reporter.ts'],
  },
}));
