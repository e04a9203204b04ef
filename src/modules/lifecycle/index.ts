/** The lifecycle module: time partitions, retention and erasure, and the log that records them. */

export { LIFECYCLE_ACTIONS, type LifecycleAction } from './values.js';
export { type LifecycleLogTable, type LifecycleLogEntry, type ErasedIdentifiersTable } from './tables.js';
export {
  createPartitions,
  dropPartitionsBefore,
  PARTITIONED_TABLES,
  DEFAULT_MONTHS_AHEAD,
  type PartitionedTable,
  type CreatePartitionsOptions,
  type RetentionOptions,
} from './partitions.js';
export { forgetUser, type ForgetUserOptions, type ForgetUserResult } from './forget-user.js';
