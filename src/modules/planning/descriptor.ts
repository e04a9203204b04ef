import { defineModule, table } from '../../module-descriptor.js';
import { shippedMigrations } from '../../migrate/migration-source.js';
import type { FeaturesTable, ProjectsTable, ReleasesTable, UserContextTable } from './tables.js';

/** The planning module, as the shared machinery reads it. */
export const planningModule = defineModule({
  name: 'planning',
  dependsOn: ['lifecycle'],
  summary: 'projects, releases, features and user_context',
  migrations: shippedMigrations('planning'),
  tables: { projects: table<ProjectsTable>(), releases: table<ReleasesTable>(), features: table<FeaturesTable>(), user_context: table<UserContextTable>() },
  vocabularies: {},
  appendOnlyLogs: [],
  partitionedLogs: [],
  // user_context.user_id is the host's text identifier of the user, not users.id
  personalData: [{ table: 'user_context', reach: { by: 'identifier', columns: ['user_id'] }, erasure: 'delete' }],
  functions: {},
});
