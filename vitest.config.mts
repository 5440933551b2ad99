import { defineConfig } from 'vitest/config';

/**
 * Tests that measure latency under load: they run alone, one file at a time,
 * so no other test's processes share the two cores while they measure.
 */
const MEASURING = ['tests/e2e/experiment.test.ts', 'tests/bench/bench.test.ts'];

// Three projects, run one after the other by `npm test`: unit tests (in-process,
// some timing-sensitive, e.g. the load generator's rate tests) never share the
// two cores with the system tests, which start the services as processes; the
// measuring tests run last, alone.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 90_000,
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['packages/**/*.test.ts', 'services/**/*.test.ts', 'tools/**/*.test.ts'] } },
      { extends: true, test: { name: 'system', include: ['tests/**/*.test.ts'], exclude: MEASURING } },
      { extends: true, test: { name: 'measuring', include: MEASURING, fileParallelism: false } },
    ],
  },
});
