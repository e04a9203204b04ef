/**
 * schema-kit: a ready PostgreSQL schema for bots and LLM applications, with typed Kysely tables,
 * SQL migrations and a safe runner, and repositories. Everything public is exported here.
 *
 * @packageDocumentation
 */

export {
  SchemaKitError,
  SchemaKitValidationError,
  SchemaKitConflictError,
  SchemaKitNotFoundError,
  SchemaKitConnectionError,
  SchemaKitMigrationError,
} from './errors.js';
export { MODULES, MODULE_NAMES, type ModuleName, type ModuleDefinition } from './modules.js';

export { migrateToLatest } from './migrate/migrate-to-latest.js';
export { migrateDown } from './migrate/migrate-down.js';
export { migrationStatus, type MigrationStatusResult } from './migrate/migration-status.js';
export type { MigrationState, MigrationStatusEntry } from './migrate/reconcile.js';
export type {
  MigrationOptions,
  MigrateDownOptions,
  MigrationProgress,
  MigrationResult,
  MigrationRunResult,
} from './migrate/options.js';
export { DEFAULT_SCHEMA } from './migrate/schema-name.js';
