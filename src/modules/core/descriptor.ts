import { defineModule, table } from '../../module-descriptor.js';
import { shippedMigrations } from '../../migrate/migration-source.js';
import type { VocabularyTable } from '../../vocabulary/types.js';
import type { RolesTable, UsersTable } from './tables.js';
import { DEFAULT_SKILL_LEVELS } from './values.js';

/** The core module, as the shared machinery reads it. */
export const coreModule = defineModule({
  name: 'core',
  dependsOn: ['lifecycle'],
  summary: 'users with optional identities, role and preferences; the role catalogue',
  migrations: shippedMigrations('core'),
  tables: { roles: table<RolesTable>(), users: table<UsersTable>(), skill_levels: table<VocabularyTable>() },
  vocabularies: { skill_level: { table: 'skill_levels', columns: ['users.skill_level'], defaults: DEFAULT_SKILL_LEVELS } },
  appendOnlyLogs: [],
  partitionedLogs: [],
  personalData: [
    {
      table: 'users',
      reach: { by: 'self' },
      erasure: 'delete',
      columns: [
        'email', 'telegram_id', 'telegram_username', 'telegram_first_name', 'telegram_last_name', 'language_code', 'is_premium',
        'added_to_attachment_menu', 'github_id', 'google_id', 'name', 'avatar_url',
      ],
      jsonPaths: ['preferences.*'],
      identifiers: ['email', 'telegram_id', 'telegram_username', 'github_id', 'google_id'],
    },
  ],
  functions: {},
});
