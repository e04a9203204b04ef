import { defineModule, table } from '../../module-descriptor.js';
import { shippedMigrations } from '../../migrate/migration-source.js';
import type { ErasedIdentifiersTable, LifecycleLogTable, LifecyclePartitionedLogsTable } from './tables.js';
import { createModulesPartitions } from './partitions.js';

/** The lifecycle module, as the shared machinery reads it. */
export const lifecycleModule = defineModule({
  name: 'lifecycle',
  dependsOn: [],
  summary: 'time partitions, retention and erasure shared by every module; lifecycle_log records them',
  migrations: shippedMigrations('lifecycle'),
  // the database's own functions write lifecycle_log (the runtime role only reads it), keep the
  // registered partitioned logs and erasure's digests (the runtime role has no access)
  tables: {
    lifecycle_log: table<LifecycleLogTable>('read'),
    lifecycle_partitioned_logs: table<LifecyclePartitionedLogsTable>('none'),
    erased_identifiers: table<ErasedIdentifiersTable>('none'),
  },
  vocabularies: {},
  appendOnlyLogs: [],
  partitionedLogs: [],
  personalData: [],
  functions: { runtime: ['create_partitions(text, integer)'], erasure: ['record_erasure(text, jsonb)', 'lifecycle_remember_erasure(text[])'] },
  /** Keeps every installed partitioned log's monthly partitions ahead, on every run. */
  afterMigrate: (db, schema, modules) => createModulesPartitions(db, modules, { schema }),
});
