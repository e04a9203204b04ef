import { createTestDatabase } from '../../src/testing/index.js';

/**
 * Before the PGlite project's files start side by side: one PGlite started and migrated, which
 * leaves schema-kit/testing's cache of an empty cluster (and of the full install) in the temp
 * folder, so no file pays PGlite's initdb.
 */
export default async function setup(): Promise<void> {
  const started = performance.now();
  const warm = await createTestDatabase();
  await warm.destroy();
  console.log(`[schema-kit tests] PGlite target ready in ${Math.round(performance.now() - started)} ms`);
}
