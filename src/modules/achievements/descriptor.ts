import { defineModule, table } from '../../module-descriptor.js';
import { shippedMigrations } from '../../migrate/migration-source.js';
import type { VocabularyTable } from '../../vocabulary/types.js';
import type { AchievementsTable, UserAchievementsTable } from './tables.js';
import { DEFAULT_ACHIEVEMENT_CATEGORIES } from './values.js';

/** The achievements module, as the shared machinery reads it. */
export const achievementsModule = defineModule({
  name: 'achievements',
  dependsOn: ['core'],
  summary: 'achievements and user_achievements',
  migrations: shippedMigrations('achievements'),
  tables: { achievements: table<AchievementsTable>(), user_achievements: table<UserAchievementsTable>(), achievement_categories: table<VocabularyTable>() },
  vocabularies: {
    achievement_category: { table: 'achievement_categories', columns: ['achievements.category'], defaults: DEFAULT_ACHIEVEMENT_CATEGORIES },
  },
  appendOnlyLogs: [],
  partitionedLogs: [],
  personalData: [{ table: 'user_achievements', reach: { by: 'user_id' }, erasure: 'delete' }],
  functions: {},
});
