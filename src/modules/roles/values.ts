/**
 * The roles module's value sets. The SQL CHECK constraints in `migrations/roles/` list exactly these
 * values, in this order, and the Kysely column types use the unions below.
 */

/** `user_role_change_log.change_source`: what caused a role change. */
export const CHANGE_SOURCES = ['admin', 'system', 'api', 'migration', 'self'] as const;

/** A value of `user_role_change_log.change_source`. */
export type ChangeSource = (typeof CHANGE_SOURCES)[number];
