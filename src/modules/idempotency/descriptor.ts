import { defineModule, table } from '../../module-descriptor.js';
import { shippedMigrations } from '../../migrate/migration-source.js';
import type { ProcessedMessagesTable } from './tables.js';

/** The idempotency module, as the shared machinery reads it. */
export const idempotencyModule = defineModule({
  name: 'idempotency',
  dependsOn: [],
  summary: 'processed_messages, keyed by (consumer, message_id)',
  migrations: shippedMigrations('idempotency'),
  tables: { processed_messages: table<ProcessedMessagesTable>() },
  vocabularies: {},
  appendOnlyLogs: [],
  partitionedLogs: [],
  personalData: [],
  functions: {},
});
