import { defineModule, table } from '../../module-descriptor.js';
import { shippedMigrations } from '../../migrate/migration-source.js';
import type { ConsumerCheckpointsTable } from './tables.js';

/** The consumers module, as the shared machinery reads it. */
export const consumersModule = defineModule({
  name: 'consumers',
  dependsOn: ['audit'],
  summary: 'consumer_checkpoints: durable feed consumers over event_log, one row per consumer',
  migrations: shippedMigrations('consumers'),
  tables: { consumer_checkpoints: table<ConsumerCheckpointsTable>() },
  vocabularies: {},
  appendOnlyLogs: [],
  partitionedLogs: [],
  personalData: [],
  functions: {},
});
