/** Tables of the `roles` module: `user_role_change_log`. */
import type { Insertable, Selectable } from 'kysely';
import type { Generated, GeneratedAlways, Int8, Json, Timestamp } from '../../schema/column-types.js';
import type { ChangeSource } from './values.js';

/**
 * `user_role_change_log`: one row per role change, append-only (the database rejects UPDATE,
 * DELETE and TRUNCATE). No foreign keys, so the history outlives users and roles.
 */
export interface UserRoleChangeLogTable {
  id: GeneratedAlways<Int8>;
  /** The person whose role changed. */
  user_id: string;
  previous_role: string | null;
  new_role: string;
  /** Who made the change, as text (a user id, an admin handle, `'system'`...). */
  changed_by: string;
  reason: string | null;
  change_source: ChangeSource;
  /** A JSON object; defaults to `{}`. */
  change_metadata: Generated<Json>;
  changed_at: Generated<Timestamp>;
}

/** A row of `user_role_change_log`. */
export type UserRoleChange = Selectable<UserRoleChangeLogTable>;
/** A new row for `user_role_change_log` (rows are never updated). */
export type NewUserRoleChange = Insertable<UserRoleChangeLogTable>;
