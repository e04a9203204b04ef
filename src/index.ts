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
export { grantRuntimeAccess, APPEND_ONLY_TABLES, type GrantOptions } from './grants.js';
export {
  checkSchema,
  type SchemaCheckOptions,
  type SchemaCheckResult,
  type SchemaDifference,
  type SchemaDifferenceKind,
} from './schema-check/doctor.js';
export { startEmbeddedPostgres, type EmbeddedPostgres, type EmbeddedPostgresOptions } from './embedded/start-embedded.js';

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
export { UserRepo, type UpsertTelegramUserResult } from './repos/user-repo.js';
export { ProjectRepo } from './repos/project-repo.js';
export { ReleaseRepo } from './repos/release-repo.js';
export { FeatureRepo } from './repos/feature-repo.js';
export { UserContextRepo } from './repos/user-context-repo.js';
export { AuditedRepo, type AuditedRepoOptions, type ChangeOptions } from './repos/audited-write.js';
export { ConversationRepo } from './repos/conversation-repo.js';
export { UserMemoryRepo } from './repos/user-memory-repo.js';
export { ExerciseRepo } from './repos/exercise-repo.js';
export { UserExerciseRepo } from './repos/user-exercise-repo.js';
export { AchievementRepo, type DefineAchievementResult } from './repos/achievement-repo.js';
export { UserAchievementRepo, type AchievementProgress } from './repos/user-achievement-repo.js';
export { GuideRepo } from './repos/guide-repo.js';
export { GuideCollectionRepo, type SaveGuideResult } from './repos/guide-collection-repo.js';
export { BroadcastRepo, type DeliveryCounts } from './repos/broadcast-repo.js';
export { InterfaceEvolutionRepo } from './repos/interface-evolution-repo.js';
export { DissonanceRepo, type DissonanceQuery } from './repos/dissonance-repo.js';
export type { Page, PageOptions } from './repos/page.js';
export type { Executor, RepoOptions } from './repos/repo-context.js';
export { createSchemaKit, type CreateSchemaKitOptions, type SchemaKit } from './create-schema-kit.js';

export { newEventSchema, newEventListSchema, type NewEvent } from './validation/audit.js';
export { messageIdSchema, consumerSchema } from './validation/idempotency.js';
export { roleNameSchema } from './validation/roles.js';
export { newUserSchema, telegramUserSchema, telegramIdSchema, type NewUserInput, type TelegramUserInput } from './validation/core.js';
export {
  newProjectSchema,
  newReleaseSchema,
  newFeatureSchema,
  type NewProjectInput,
  type NewReleaseInput,
  type NewFeatureInput,
} from './validation/planning.js';
export {
  newConversationSchema,
  newMessageSchema,
  newExerciseSchema,
  exerciseCompletionSchema,
  memoryMergeSchema,
  memoryAppendSchema,
  type NewConversationInput,
  type NewMessageInput,
  type NewExerciseInput,
  type ExerciseCompletionInput,
  type MemoryMergeInput,
  type MemoryAppendInput,
} from './validation/learning.js';
export { achievementDefinitionSchema, achievementSlugSchema, type AchievementDefinitionInput } from './validation/achievements.js';
export { newGuideSchema, newBroadcastSchema, type NewGuideInput, type NewBroadcastInput } from './validation/telegram.js';
export { newDissonanceSchema, type NewDissonanceInput } from './validation/insights.js';
export { jsonValue as jsonValueSchema, jsonObject as jsonObjectSchema, uuid as uuidSchema } from './validation/common.js';

// the schema: tables by module, row types, column types and closed value sets
export {
  type Database,
} from './schema/database.js';
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
export {
  DEFAULT_ROLES,
  DEFAULT_ROLE_RANKS,
  SKILL_LEVELS,
  CONTENT_CATEGORIES,
  PACKAGE_TYPES,
  CHANGE_SOURCES,
  PROJECT_STATUSES,
  RELEASE_STATUSES,
  FEATURE_STATUSES,
  EXERCISE_TYPES,
  EXERCISE_DIFFICULTIES,
  EXERCISE_STATUSES,
  MESSAGE_ROLES,
  ACHIEVEMENT_CATEGORIES,
  RISK_LEVELS,
  GUIDE_CATEGORIES,
  GUIDE_DIFFICULTY_LEVELS,
  BROADCAST_MESSAGE_TYPES,
  BROADCAST_STATUSES,
  type DefaultRole,
  type SkillLevel,
  type ContentCategory,
  type PackageType,
  type ChangeSource,
  type ProjectStatus,
  type ReleaseStatus,
  type FeatureStatus,
  type ExerciseType,
  type ExerciseDifficulty,
  type ExerciseStatus,
  type MessageRole,
  type AchievementCategory,
  type RiskLevel,
  type GuideCategory,
  type GuideDifficultyLevel,
  type BroadcastMessageType,
  type BroadcastStatus,
} from './schema/values.js';
export {
  type RolesTable,
  type Role,
  type NewRole,
  type RoleUpdate,
  type UsersTable,
  type User,
  type NewUser,
  type UserUpdate,
} from './schema/core.js';
export {
  type ContentPackagesTable,
  type ContentPackage,
  type NewContentPackage,
  type ContentPackageUpdate,
  type UserInterestsTable,
  type UserInterest,
  type NewUserInterest,
  type UserInterestUpdate,
} from './schema/interests.js';
export {
  type UserRoleChangeLogTable,
  type UserRoleChange,
  type NewUserRoleChange,
} from './schema/roles.js';
export {
  type EventLogTable,
  type EventLogEntry,
  type NewEventLogEntry,
} from './schema/audit.js';
export {
  type ProcessedMessagesTable,
  type ProcessedMessage,
  type NewProcessedMessage,
  type ProcessedMessageUpdate,
} from './schema/idempotency.js';
export {
  type ProjectsTable,
  type Project,
  type NewProject,
  type ProjectUpdate,
  type ReleasesTable,
  type Release,
  type NewRelease,
  type ReleaseUpdate,
  type FeaturesTable,
  type Feature,
  type NewFeature,
  type FeatureUpdate,
  type UserContextTable,
  type UserContext,
  type NewUserContext,
  type UserContextUpdate,
} from './schema/planning.js';
export {
  type ExercisesTable,
  type Exercise,
  type NewExercise,
  type ExerciseUpdate,
  type UserExercisesTable,
  type UserExercise,
  type NewUserExercise,
  type UserExerciseUpdate,
  type ConversationsTable,
  type Conversation,
  type NewConversation,
  type ConversationUpdate,
  type MessagesTable,
  type Message,
  type NewMessage,
  type MessageUpdate,
  type UserMemoryTable,
  type UserMemory,
  type NewUserMemory,
  type UserMemoryUpdate,
} from './schema/learning.js';
export {
  type AchievementsTable,
  type Achievement,
  type NewAchievement,
  type AchievementUpdate,
  type UserAchievementsTable,
  type UserAchievement,
  type NewUserAchievement,
  type UserAchievementUpdate,
} from './schema/achievements.js';
export {
  type InterfaceEvolutionLogTable,
  type InterfaceEvolution,
  type NewInterfaceEvolution,
  type InterfaceEvolutionUpdate,
  type DissonanceRecordsTable,
  type DissonanceRecord,
  type NewDissonanceRecord,
  type DissonanceRecordUpdate,
} from './schema/insights.js';
export {
  type GuidesTable,
  type Guide,
  type NewGuide,
  type GuideUpdate,
  type BroadcastsTable,
  type Broadcast,
  type NewBroadcast,
  type BroadcastUpdate,
  type UserGuideCollectionsTable,
  type UserGuideCollection,
  type NewUserGuideCollection,
  type UserGuideCollectionUpdate,
} from './schema/telegram.js';
