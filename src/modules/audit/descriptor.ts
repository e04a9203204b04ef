import { defineModule, table } from '../../module-descriptor.js';
import { shippedMigrations } from '../../migrate/migration-source.js';
import type { EventLogPersonalFieldsTable, EventLogTable } from './tables.js';

/** The audit module, as the shared machinery reads it. */
export const auditModule = defineModule({
  name: 'audit',
  dependsOn: ['lifecycle'],
  summary: 'event_log, append-only and enforced by the database',
  migrations: shippedMigrations('audit'),
  tables: { event_log: table<EventLogTable>('append'), event_log_personal_fields: table<EventLogPersonalFieldsTable>() },
  vocabularies: {},
  appendOnlyLogs: ['event_log'],
  partitionedLogs: [{ table: 'event_log', partitionKey: 'created_at', monthsAhead: 3, keepMonths: null }],
  personalData: [
    // the actor and the entity may be the user; `details.*`: the fields declared personal per
    // action (event_log_personal_fields), and any string equal to one of the user's identifiers
    { table: 'event_log', reach: { by: 'identifier', columns: ['user_id', 'entity_id'] }, erasure: 'mask', columns: ['user_id', 'entity_id'], jsonPaths: ['details.*'] },
  ],
  functions: { erasure: ['event_log_pseudonymize(text[], text)'] },
});
