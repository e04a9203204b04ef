import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // database-bound files wait on I/O, not CPU; >= 2 lets the harness files run side by side
    maxWorkers: 4,
    projects: [
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/setup/global-setup.ts'],
        },
      },
      {
        // the repository tests again, on in-process PGlite (schema-kit/testing), and the example
        // host test; what needs several connections is skipped by name (test/helpers/target.ts)
        extends: true,
        test: {
          name: 'pglite',
          include: ['test/modules/**/*.test.ts', 'examples/**/*.test.ts'],
          globalSetup: ['test/setup/pglite-warm.ts'],
          env: { SCHEMA_KIT_TEST_TARGET: 'pglite' },
          // starting PGlite (WebAssembly) is CPU-bound: give busy CI machines room
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
