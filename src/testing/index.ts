/**
 * schema-kit/testing: a migrated database per test file (PGlite in-process by default, or a fresh
 * database on a PostgreSQL server), reset between tests, and factories for the rows tests need.
 *
 * @packageDocumentation
 */
export { createPGliteDialect, type PGliteDialectOptions } from './pglite-dialect.js';
