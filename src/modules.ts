/**
 * The module registry: every schema module schema-kit ships, the modules it needs installed first,
 * and what it holds. The migrations of a module live in `migrations/<name>/`.
 */

/** The name of a schema module. */
export type ModuleName =
  | 'lifecycle'
  | 'core'
  | 'interests'
  | 'roles'
  | 'audit'
  | 'idempotency'
  | 'planning'
  | 'learning'
  | 'achievements'
  | 'insights'
  | 'telegram';

/** One schema module: its name, the modules it depends on and a one-line summary. */
export interface ModuleDefinition {
  readonly name: ModuleName;
  readonly dependsOn: readonly ModuleName[];
  readonly summary: string;
}

/** Every module, in an order where each module comes after its dependencies. */
export const MODULES: readonly ModuleDefinition[] = Object.freeze([
  { name: 'lifecycle', dependsOn: [], summary: 'time partitions, retention and erasure shared by every module; lifecycle_log records them' },
  { name: 'core', dependsOn: ['lifecycle'], summary: 'users with optional identities, role and preferences; the role catalogue' },
  { name: 'audit', dependsOn: ['lifecycle'], summary: 'event_log, append-only and enforced by the database' },
  { name: 'idempotency', dependsOn: [], summary: 'processed_messages, keyed by (consumer, message_id)' },
  { name: 'interests', dependsOn: ['core'], summary: 'content_packages and user_interests' },
  { name: 'roles', dependsOn: ['core', 'lifecycle'], summary: 'user_role_change_log, append-only' },
  { name: 'planning', dependsOn: ['lifecycle'], summary: 'projects, releases, features and user_context' },
  { name: 'learning', dependsOn: ['core'], summary: 'exercises, user_exercises, conversations with their messages, tool calls, summaries and usage, user_memory' },
  { name: 'achievements', dependsOn: ['core'], summary: 'achievements and user_achievements' },
  { name: 'insights', dependsOn: ['core', 'learning'], summary: 'interface_evolution_log and dissonance_records' },
  { name: 'telegram', dependsOn: ['core'], summary: 'guides, broadcasts and user_guide_collections' },
] satisfies ModuleDefinition[]);

/** The names of every module, in dependency order. */
export const MODULE_NAMES: readonly ModuleName[] = Object.freeze(MODULES.map((m) => m.name));
