/**
 * The lifecycle module's value sets. The SQL CHECK constraint in
 * `migrations/lifecycle/` lists exactly the actions, in this order.
 */

/** `lifecycle_log.action`: what retention or erasure did. */
export const LIFECYCLE_ACTIONS = ['partition.dropped', 'partition.detached', 'user.erased'] as const;

/** A value of `lifecycle_log.action`. */
export type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number];
