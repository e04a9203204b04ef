/** The lifecycle module: time partitions, retention and erasure, and the log that records them. */

export { lifecycleModule } from './descriptor.js';
export { LIFECYCLE_ACTIONS, type LifecycleAction } from './values.js';
export { type LifecycleLogTable, type LifecycleLogEntry, type LifecyclePartitionedLogsTable, type ErasedIdentifiersTable } from './tables.js';
export { DEFAULT_MONTHS_AHEAD, type CreatePartitionsOptions, type RetentionOptions } from './partitions.js';
export { type ForgetUserOptions, type ForgetUserResult } from './forget-user.js';
