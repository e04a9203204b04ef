import { defineModule, table } from '../../module-descriptor.js';
import { shippedMigrations } from '../../migrate/migration-source.js';
import type { VocabularyTable } from '../../vocabulary/types.js';
import type { ContentPackagesTable, UserInterestsTable } from './tables.js';
import { DEFAULT_CONTENT_CATEGORIES, DEFAULT_PACKAGE_TYPES } from './values.js';

/** The interests module, as the shared machinery reads it. */
export const interestsModule = defineModule({
  name: 'interests',
  dependsOn: ['core'],
  summary: 'content_packages and user_interests',
  migrations: shippedMigrations('interests'),
  tables: {
    content_packages: table<ContentPackagesTable>(),
    user_interests: table<UserInterestsTable>(),
    content_categories: table<VocabularyTable>(),
    package_types: table<VocabularyTable>(),
  },
  vocabularies: {
    content_category: { table: 'content_categories', columns: ['content_packages.category'], defaults: DEFAULT_CONTENT_CATEGORIES },
    package_type: { table: 'package_types', columns: ['content_packages.package_type'], defaults: DEFAULT_PACKAGE_TYPES },
  },
  appendOnlyLogs: [],
  partitionedLogs: [],
  personalData: [{ table: 'user_interests', reach: { by: 'user_id' }, erasure: 'delete' }],
  functions: {},
});
