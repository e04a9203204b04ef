import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // guards against a hang, not budgets: a loaded 2-core CI machine runs many times slower than a
    // laptop, and no test asserts how long it took. Above test/helpers/wait.ts's HANG_LIMIT_MS
    // (120 s), so a test waiting on a condition fails with that wait's message, not a timeout.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // database-bound files wait on I/O, not CPU; >= 2 lets the harness files run side by side
    maxWorkers: 4,
    projects: [
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ['test/**/*.test.ts'],
          sequence: { groupOrder: 0 },
          globalSetup: ['test/setup/global-setup.ts'],
        },
      },
      {
        // the repository tests again, on in-process PGlite (schema-kit/testing), and the example
        // host test; what needs several connections is skipped by name (test/helpers/target.ts)
        extends: true,
        test: {
          name: 'pglite',
          // after the server's project, not beside it: the harness files meet while both run,
          // and PGlite's WebAssembly would take the CPU the server tests wait on
          sequence: { groupOrder: 1 },
          include: ['test/modules/**/*.test.ts', 'test/ai-sdk/**/*.test.ts', 'examples/**/*.test.ts'],
          // server-only: lifecycle's tests read the database with pg_dump, a second role and the
          // server's pool; tx-id's connect as a second role to a database of their own
          exclude: ['test/modules/lifecycle/**', 'test/modules/audit/tx-id.test.ts'],
          globalSetup: ['test/setup/pglite-warm.ts'],
          env: { SCHEMA_KIT_TEST_TARGET: 'pglite' },
          // starting PGlite (WebAssembly) is CPU-bound: give busy CI machines room
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
