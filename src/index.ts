/**
 * schema-kit: a ready PostgreSQL schema for bots and LLM applications, with typed Kysely tables,
 * SQL migrations and a safe runner, and repositories. Everything public is exported here.
 *
 * @packageDocumentation
 */

// the machinery every module shares: errors, the module registry, the runner, grants, the
// embedded server, repository plumbing, the shared validators and column types
export {
  SchemaKitError,
  SchemaKitValidationError,
  SchemaKitConflictError,
  SchemaKitNotFoundError,
  SchemaKitConnectionError,
  SchemaKitDatabaseError,
  SchemaKitTimeoutError,
  SchemaKitOutcomeUnknownError,
  SchemaKitMigrationError,
} from './errors.js';
export {
  MODULES,
  MODULE_NAMES,
  APPEND_ONLY_TABLES,
  PARTITIONED_TABLES,
  VOCABULARIES,
  VOCABULARY_NAMES,
  type ModuleName,
  type PartitionedTable,
  type ShippedModule,
  type VocabularyDefinition,
  type VocabularyName,
  type VocabularyValue,
} from './modules.js';
export {
  type ModuleDescriptor,
  type MigrationFile,
  type TableAccess,
  type TableDescriptor,
  type VocabularyDescriptor,
  type PartitionedLog,
  type PersonalData,
  type PersonalDataReach,
  type Erasure,
  type FunctionPrivileges,
  type AfterMigrate,
  type DatabaseOf,
  type VocabulariesOf,
  type PartitionKeysOf,
} from './module-descriptor.js';
export { migrateToLatest, migrateDown, migrationStatus, grantRuntimeAccess, checkSchema, createPartitions, dropPartitionsBefore, forgetUser } from './shipped.js';
export type { MigrationStatusResult } from './migrate/migration-status.js';
export type { MigrationState, MigrationStatusEntry } from './migrate/reconcile.js';
export type { ModuleSelection } from './migrate/plan.js';
export type {
  DownImpact,
  MigrationOptions,
  MigrateDownOptions,
  MigrationProgress,
  MigrationResult,
  MigrationRunResult,
} from './migrate/options.js';
export { DEFAULT_SCHEMA } from './migrate/schema-name.js';
export { lintMigration } from './migrate/lint/lint-migration.js';
export type { LintContext, LintFinding, LintRule, LintSource, LockMode } from './migrate/lint/finding.js';
export type { GrantOptions } from './grants.js';
export {
  type SchemaCheckOptions,
  type SchemaCheckResult,
  type SchemaDifference,
  type SchemaDifferenceKind,
} from './schema-check/doctor.js';
export { startEmbeddedPostgres, type EmbeddedPostgres, type EmbeddedPostgresOptions } from './embedded/start-embedded.js';

export type { Page, PageOptions } from './repos/page.js';
export type { Executor, RepoOptions } from './repos/repo-context.js';
export {
  REPO_CHANNEL,
  MIGRATION_CHANNEL,
  LIFECYCLE_CHANNEL,
  CONSUMER_CHANNEL,
  type RepoCallMessage,
  type MigrationMessage,
  type LifecycleMessage,
  type ConsumerLagMessage,
} from './observability/channels.js';
export { createSchemaKit, type CreateSchemaKitOptions, type SchemaKit } from './create-schema-kit.js';
export type { GroupCommitOptions } from './repos/group-commit.js';
export {
  jsonValue as jsonValueSchema,
  jsonObject as jsonObjectSchema,
  uuid as uuidSchema,
  vocabularyValue as vocabularyValueSchema,
} from './validation/common.js';
export {
  type Database,
  type QualifiedDatabase,
} from './schema/database.js';
export { type HostValue, type VocabularyTable, type VocabularyEntry } from './vocabulary/types.js';
export { VocabularyRepo, type AddVocabularyValueResult } from './vocabulary-repo.js';
export {
  type Generated,
  type GeneratedAlways,
  type Int8,
  type Timestamp,
  type JsonArray,
  type JsonObject,
  type JsonPrimitive,
  type JsonValue,
  type Json,
} from './schema/column-types.js';

// each module: its tables, value sets, input schemas and repositories (each index lists its
// public names explicitly)
export * from './modules/lifecycle/index.js';
export * from './modules/core/index.js';
export * from './modules/audit/index.js';
export * from './modules/idempotency/index.js';
export * from './modules/interests/index.js';
export * from './modules/roles/index.js';
export * from './modules/planning/index.js';
export * from './modules/learning/index.js';
export * from './modules/achievements/index.js';
export * from './modules/insights/index.js';
export * from './modules/telegram/index.js';
export * from './modules/consumers/index.js';
export * from './modules/sessions/index.js';
