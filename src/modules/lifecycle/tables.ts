/** Tables of the `lifecycle` module: `lifecycle_log`, `lifecycle_partitioned_logs` and `erased_identifiers`. */
import type { Selectable } from 'kysely';
import type { Generated, GeneratedAlways, Int8, Json, Timestamp } from '../../schema/column-types.js';
import type { LifecycleAction } from './values.js';

/** `lifecycle_log`: what retention and erasure did, without personal data. Written by the database functions only. */
export interface LifecycleLogTable {
  id: GeneratedAlways<Int8>;
  action: LifecycleAction;
  /** The partition removed, or the pseudonym of the forgotten user. */
  target: string;
  /** Bounds and size of a partition; rows changed per table of an erasure. */
  details: Generated<Json>;
  /** The session's role. */
  performed_by: Generated<string>;
  performed_at: Generated<Timestamp>;
}

/** A row of `lifecycle_log`. */
export type LifecycleLogEntry = Selectable<LifecycleLogTable>;

/** `erased_identifiers`: the SHA-256 digests of the identifiers forgetUser forgot, which the erasure guards refuse. Written by the database functions only. */
export interface ErasedIdentifiersTable {
  /** SHA-256 of the identifier's UTF-8 text. */
  digest: Buffer;
  /** When it was first forgotten. */
  erased_at: Generated<Timestamp>;
}

/** `lifecycle_partitioned_logs`: the logs modules partitioned by month (`lifecycle_rebuild_table` registers them). Written by the database functions only. */
export interface LifecyclePartitionedLogsTable {
  /** The log's table name, in schema-kit's schema. */
  name: string;
}
