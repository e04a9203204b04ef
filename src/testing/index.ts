/**
 * schema-kit/testing: a migrated database per test file (PGlite in-process by default, or a fresh
 * database on a PostgreSQL server), emptied between tests, and factories for the rows tests need.
 *
 * @packageDocumentation
 */
export {
  createTestDatabase,
  type TestDatabase,
  type TestDatabaseOptions,
  type TestDatabaseTarget,
} from './test-database.js';
export { resetTables, snapshotSeeds, type ResetOptions, type ResetTablesOptions, type SeedSnapshot } from './reset.js';
export {
  createFactories,
  type ConversationOverrides,
  type ConversationWithMessages,
  type Factories,
  type FactoryOptions,
  type ProjectWithFeature,
  type ProjectWithFeatureOverrides,
} from './factories.js';
export { createPGliteDialect, type PGliteDialectOptions, type PGliteInstance } from './pglite-dialect.js';
