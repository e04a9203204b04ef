import { defineModule, table } from '../../module-descriptor.js';
import { shippedMigrations } from '../../migrate/migration-source.js';
import type { VocabularyTable } from '../../vocabulary/types.js';
import type { UserRoleChangeLogTable } from './tables.js';
import { DEFAULT_CHANGE_SOURCES } from './values.js';

/** The roles module, as the shared machinery reads it. */
export const rolesModule = defineModule({
  name: 'roles',
  dependsOn: ['core', 'lifecycle'],
  summary: 'user_role_change_log, append-only',
  migrations: shippedMigrations('roles'),
  tables: { user_role_change_log: table<UserRoleChangeLogTable>('append'), change_sources: table<VocabularyTable>() },
  vocabularies: {
    change_source: { table: 'change_sources', columns: ['user_role_change_log.change_source'], defaults: DEFAULT_CHANGE_SOURCES },
  },
  appendOnlyLogs: ['user_role_change_log'],
  partitionedLogs: [{ table: 'user_role_change_log', partitionKey: 'changed_at', monthsAhead: 3, keepMonths: null }],
  personalData: [
    // the user's own changes: their id and the free text of the reason
    { table: 'user_role_change_log', reach: { by: 'user_id' }, erasure: 'mask', columns: ['user_id', 'reason'], jsonPaths: ['change_metadata.*'] },
    // the changes the user made to others
    { table: 'user_role_change_log', reach: { by: 'identifier', columns: ['changed_by'] }, erasure: 'mask', columns: ['changed_by'] },
  ],
  functions: { erasure: ['user_role_change_log_pseudonymize(uuid, text[], text)'] },
});
