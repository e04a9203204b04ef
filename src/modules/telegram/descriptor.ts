import { defineModule, table } from '../../module-descriptor.js';
import { shippedMigrations } from '../../migrate/migration-source.js';
import type { VocabularyTable } from '../../vocabulary/types.js';
import type { BroadcastAudienceUsersTable, BroadcastsTable, GuidesTable, TelegramCommandsTable, UserGuideCollectionsTable } from './tables.js';
import { DEFAULT_BROADCAST_MESSAGE_TYPES, DEFAULT_GUIDE_CATEGORIES, DEFAULT_GUIDE_DIFFICULTY_LEVELS } from './values.js';

/** The telegram module, as the shared machinery reads it. */
export const telegramModule = defineModule({
  name: 'telegram',
  dependsOn: ['core'],
  summary: 'guides, broadcasts and user_guide_collections',
  migrations: shippedMigrations('telegram'),
  tables: {
    guides: table<GuidesTable>(),
    broadcasts: table<BroadcastsTable>(),
    broadcast_audience_users: table<BroadcastAudienceUsersTable>(),
    user_guide_collections: table<UserGuideCollectionsTable>(),
    telegram_commands: table<TelegramCommandsTable>(),
    guide_categories: table<VocabularyTable>(),
    guide_difficulty_levels: table<VocabularyTable>(),
    broadcast_message_types: table<VocabularyTable>(),
  },
  vocabularies: {
    guide_category: { table: 'guide_categories', columns: ['guides.category'], defaults: DEFAULT_GUIDE_CATEGORIES },
    guide_difficulty_level: { table: 'guide_difficulty_levels', columns: ['guides.difficulty_level'], defaults: DEFAULT_GUIDE_DIFFICULTY_LEVELS },
    broadcast_message_type: { table: 'broadcast_message_types', columns: ['broadcasts.message_type'], defaults: DEFAULT_BROADCAST_MESSAGE_TYPES },
  },
  appendOnlyLogs: [],
  partitionedLogs: [],
  personalData: [
    { table: 'broadcast_audience_users', reach: { by: 'user_id' }, erasure: 'delete' },
    { table: 'user_guide_collections', reach: { by: 'user_id' }, erasure: 'delete' },
  ],
  functions: {},
});
