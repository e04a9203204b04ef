/**
 * The planning module's value sets: closed (the repositories drive these state machines). The SQL
 * CHECK constraints in `migrations/planning/` list exactly these values, in this order, and the
 * Kysely column types use the unions below.
 */

/** `projects.status`. */
export const PROJECT_STATUSES = ['active', 'paused', 'completed', 'archived'] as const;

/** A value of `projects.status`. */
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

/** `releases.status`. */
export const RELEASE_STATUSES = ['planned', 'in_progress', 'released', 'cancelled'] as const;

/** A value of `releases.status`. */
export type ReleaseStatus = (typeof RELEASE_STATUSES)[number];

/** `features.status`; `features.status_reason` explains the current one. */
export const FEATURE_STATUSES = [
  'backlog',
  'planned',
  'in_progress',
  'blocked',
  'done',
  'cancelled',
] as const;

/** A value of `features.status`. */
export type FeatureStatus = (typeof FEATURE_STATUSES)[number];
