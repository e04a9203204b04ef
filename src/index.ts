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

export { ProcessedMessageRepo, type ProcessedMessageRepoOptions, type ProcessOnceResult } from './repos/processed-message-repo.js';
export { EventLogRepo, type EventPageOptions, type StreamOptions, type StreamedEvent } from './repos/event-log-repo.js';
export {
  RoleChangeLogRepo,
  type RoleChangeLogRepoOptions,
  type RoleChangeInput,
  type RecordedRoleChangeInput,
  type RoleChangeOutcome,
} from './repos/role-change-log-repo.js';
export { UserInterestRepo, type AddInterestResult } from './repos/user-interest-repo.js';
export type { Page, PageOptions } from './repos/page.js';
export type { Executor, RepoOptions } from './repos/repo-context.js';
export { createSchemaKit, type CreateSchemaKitOptions, type SchemaKit } from './create-schema-kit.js';

export { newEventSchema, newEventListSchema, type NewEvent } from './validation/audit.js';
export { messageIdSchema, consumerSchema } from './validation/idempotency.js';
export { roleNameSchema } from './validation/roles.js';
export { jsonValue as jsonValueSchema, jsonObject as jsonObjectSchema, uuid as uuidSchema } from './validation/common.js';
export type { Database } from './schema/database.js';
