import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/**/*.test.ts', 'services/**/*.test.ts', 'tools/**/*.test.ts', 'tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Cross-process suites start real services on ephemeral ports; two cores
    // cannot run many of them at once without distorting their timings.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
