/**
 * The lifecycle module's value sets and the logs it partitions. The SQL CHECK constraint in
 * `migrations/lifecycle/` lists exactly the actions, in this order.
 */

/** `lifecycle_log.action`: what retention or erasure did. */
export const LIFECYCLE_ACTIONS = ['partition.dropped', 'partition.detached', 'user.erased'] as const;

/** A value of `lifecycle_log.action`. */
export type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number];

/** The logs that are range-partitioned by month, each with its partition key. */
export const PARTITIONED_TABLES = Object.freeze({ event_log: 'created_at', user_role_change_log: 'changed_at' } as const);

/** The name of a partitioned log. */
export type PartitionedTable = keyof typeof PARTITIONED_TABLES;
