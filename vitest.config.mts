import { defineConfig } from 'vitest/config';

// Two projects, run one after the other by `npm test`: unit tests (in-process,
// some timing-sensitive, e.g. the load generator's rate tests) never share the
// two cores with the system tests, which start the services as processes.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 90_000,
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['packages/**/*.test.ts', 'services/**/*.test.ts', 'tools/**/*.test.ts'] } },
      { extends: true, test: { name: 'system', include: ['tests/**/*.test.ts'] } },
    ],
  },
});
