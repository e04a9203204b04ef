import { defineModule, table } from '../../module-descriptor.js';
import { shippedMigrations } from '../../migrate/migration-source.js';
import type { ErasedIdentifiersTable, LifecycleLogTable } from './tables.js';
import { createPartitions } from './partitions.js';

/** The lifecycle module, as the shared machinery reads it. */
export const lifecycleModule = defineModule({
  name: 'lifecycle',
  dependsOn: [],
  summary: 'time partitions, retention and erasure shared by every module; lifecycle_log records them',
  migrations: shippedMigrations('lifecycle'),
  // the database's own functions write lifecycle_log (the runtime role only reads it) and keep
  // erasure's digests (the runtime role has no access)
  tables: { lifecycle_log: table<LifecycleLogTable>('read'), erased_identifiers: table<ErasedIdentifiersTable>('none') },
  vocabularies: {},
  appendOnlyLogs: [],
  partitionedLogs: [],
  personalData: [],
  functions: { runtime: ['create_partitions(text, integer)'], erasure: ['record_erasure(text, jsonb)', 'lifecycle_remember_erasure(text[])'] },
  /** Keeps every installed partitioned log's monthly partitions ahead, on every run. */
  afterMigrate: (db, schema) => createPartitions(db, { schema }),
});
