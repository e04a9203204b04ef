import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // database-bound files wait on I/O, not CPU; >= 2 lets the harness files run side by side
    maxWorkers: 4,
  },
});
