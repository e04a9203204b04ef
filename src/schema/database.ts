/** The `Database` interface: every schema-kit table by its bare name (use `withSchema`). */
// Modules in registry order: this order decides which value-set literals TypeScript meets first,
// and so the member order the API report (api/schema-kit.api.md) prints for shared literals.
import type { LifecycleLogTable } from '../modules/lifecycle/index.js';
import type { RolesTable, UsersTable } from '../modules/core/index.js';
import type { ContentPackagesTable, UserInterestsTable } from '../modules/interests/index.js';
import type { UserRoleChangeLogTable } from '../modules/roles/index.js';
import type { EventLogPersonalFieldsTable, EventLogTable } from '../modules/audit/index.js';
import type { ProcessedMessagesTable } from '../modules/idempotency/index.js';
import type { FeaturesTable, ProjectsTable, ReleasesTable, UserContextTable } from '../modules/planning/index.js';
import type { AchievementsTable, UserAchievementsTable } from '../modules/achievements/index.js';
import type {
  ConversationsTable,
  ConversationSummariesTable,
  ConversationUsageTable,
  ExercisesTable,
  MessageToolCallsTable,
  MessagesTable,
  UserExercisesTable,
  UserMemoryTable,
} from '../modules/learning/index.js';
import type { DissonanceRecordsTable, InterfaceEvolutionLogTable } from '../modules/insights/index.js';
import type {
  BroadcastAudienceUsersTable,
  BroadcastsTable,
  GuidesTable,
  TelegramCommandsTable,
  UserGuideCollectionsTable,
} from '../modules/telegram/index.js';
import type { VocabularyTable } from '../vocabulary/types.js';

/** Every table of every module, keyed by table name (a host-owned vocabulary's lookup table next to
 * the table that uses it); a host only has the modules it installed. */
export interface Database {
  // lifecycle
  lifecycle_log: LifecycleLogTable;
  // core
  roles: RolesTable;
  users: UsersTable;
  skill_levels: VocabularyTable;
  // audit
  event_log: EventLogTable;
  event_log_personal_fields: EventLogPersonalFieldsTable;
  // idempotency
  processed_messages: ProcessedMessagesTable;
  // interests
  content_packages: ContentPackagesTable;
  user_interests: UserInterestsTable;
  content_categories: VocabularyTable;
  package_types: VocabularyTable;
  // roles
  user_role_change_log: UserRoleChangeLogTable;
  change_sources: VocabularyTable;
  // planning
  projects: ProjectsTable;
  releases: ReleasesTable;
  features: FeaturesTable;
  user_context: UserContextTable;
  // learning
  exercises: ExercisesTable;
  user_exercises: UserExercisesTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  message_tool_calls: MessageToolCallsTable;
  conversation_summaries: ConversationSummariesTable;
  conversation_usage: ConversationUsageTable;
  user_memory: UserMemoryTable;
  exercise_types: VocabularyTable;
  exercise_difficulties: VocabularyTable;
  // achievements
  achievements: AchievementsTable;
  user_achievements: UserAchievementsTable;
  achievement_categories: VocabularyTable;
  // insights
  interface_evolution_log: InterfaceEvolutionLogTable;
  dissonance_records: DissonanceRecordsTable;
  risk_levels: VocabularyTable;
  // telegram
  guides: GuidesTable;
  broadcasts: BroadcastsTable;
  broadcast_audience_users: BroadcastAudienceUsersTable;
  user_guide_collections: UserGuideCollectionsTable;
  telegram_commands: TelegramCommandsTable;
  guide_categories: VocabularyTable;
  guide_difficulty_levels: VocabularyTable;
  broadcast_message_types: VocabularyTable;
}

/**
 * Every schema-kit table keyed by its schema-qualified name (`"schema_kit.users"`), for hosts that
 * query or join schema-kit's tables with their own Kysely: `Kysely<HostDB & QualifiedDatabase>`
 * type-checks `selectFrom('schema_kit.users')` and refuses the bare `'users'`, which would fail at
 * run time. `S` is the schema schema-kit was installed into (default `'schema_kit'`).
 *
 * ### Examples
 * ```ts
 * const db = new Kysely<HostDB & QualifiedDatabase>({ dialect });
 * await db.selectFrom('orders').innerJoin('schema_kit.users as u', 'u.id', 'orders.user_id')
 *   .select(['orders.id', 'u.telegram_username']).execute();
 * // installed with --schema kit: Kysely<HostDB & QualifiedDatabase<'kit'>>
 * ```
 */
export type QualifiedDatabase<S extends string = 'schema_kit'> = {
  [T in keyof Database as `${S}.${T}`]: Database[T];
};
