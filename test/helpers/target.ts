import { it, type TestFunction } from 'vitest';

/**
 * The database the repository tests run on: the PostgreSQL server (default), or in-process PGlite
 * when `SCHEMA_KIT_TEST_TARGET=pglite` (the `pglite` vitest project sets it).
 */
export const TEST_TARGET: 'postgres' | 'pglite' = process.env.SCHEMA_KIT_TEST_TARGET === 'pglite' ? 'pglite' : 'postgres';

/**
 * `it` for a test that needs several connections at once (a second session holding a transaction
 * open, row locks raced by two transactions). PGlite is one connection, so on the PGlite target
 * the test is skipped, and its name in the report carries `reason`.
 */
export function itWithConnections(reason: string): (name: string, fn: TestFunction) => void {
  if (TEST_TARGET !== 'pglite') return (name, fn) => it(name, fn);
  return (name, fn) => it.skip(`${name} [skipped on PGlite, one connection: ${reason}]`, fn);
}

/**
 * Lets the database clock move on before the next write, where a test asserts a newest-first
 * order: PGlite's `now()` counts milliseconds, so rows written within one share their timestamp
 * and the listing orders that tie by the rows' random uuids. PostgreSQL counts microseconds.
 */
export async function nextClockTick(): Promise<void> {
  if (TEST_TARGET === 'pglite') await new Promise((resolve) => setTimeout(resolve, 2));
}
