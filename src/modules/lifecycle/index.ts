/** The lifecycle module: time partitions, retention and erasure, and the log that records them. */

export { LIFECYCLE_ACTIONS, PARTITIONED_TABLES, type LifecycleAction, type PartitionedTable } from './values.js';
export { type LifecycleLogTable, type LifecycleLogEntry, type ErasedIdentifiersTable } from './tables.js';
export {
  createPartitions,
  dropPartitionsBefore,
  DEFAULT_MONTHS_AHEAD,
  type CreatePartitionsOptions,
  type RetentionOptions,
} from './partitions.js';
export { forgetUser, type ForgetUserOptions, type ForgetUserResult } from './forget-user.js';
