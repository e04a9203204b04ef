/** The `Database` interface: every schema-kit table by its bare name (use `withSchema`). */
import type { AchievementsTable, UserAchievementsTable } from './achievements.js';
import type { EventLogTable } from './audit.js';
import type { RolesTable, UsersTable } from './core.js';
import type { ProcessedMessagesTable } from './idempotency.js';
import type { DissonanceRecordsTable, InterfaceEvolutionLogTable } from './insights.js';
import type { ContentPackagesTable, UserInterestsTable } from './interests.js';
import type {
  ConversationsTable,
  ExercisesTable,
  MessagesTable,
  UserExercisesTable,
  UserMemoryTable,
} from './learning.js';
import type {
  FeaturesTable,
  ProjectsTable,
  ReleasesTable,
  UserContextTable,
} from './planning.js';
import type { UserRoleChangeLogTable } from './roles.js';
import type { BroadcastsTable, GuidesTable, UserGuideCollectionsTable } from './telegram.js';

/** Every table of every module, keyed by table name; a host only has the modules it installed. */
export interface Database {
  // core
  roles: RolesTable;
  users: UsersTable;
  // audit
  event_log: EventLogTable;
  // idempotency
  processed_messages: ProcessedMessagesTable;
  // interests
  content_packages: ContentPackagesTable;
  user_interests: UserInterestsTable;
  // roles
  user_role_change_log: UserRoleChangeLogTable;
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
  user_memory: UserMemoryTable;
  // achievements
  achievements: AchievementsTable;
  user_achievements: UserAchievementsTable;
  // insights
  interface_evolution_log: InterfaceEvolutionLogTable;
  dissonance_records: DissonanceRecordsTable;
  // telegram
  guides: GuidesTable;
  broadcasts: BroadcastsTable;
  user_guide_collections: UserGuideCollectionsTable;
}
