import { z } from 'zod';
import type { ChangeSource } from './values.js';
import { freeText, idText, jsonObject, pageOptions, uuid, vocabularyField } from '../../validation/common.js';
import { roleNameSchema } from '../core/index.js';
import { keysetCursor } from '../../repos/cursor.js';

/** The list of allowed roles a RoleChangeLogRepo is configured with. */
export const roleListSchema = z.array(roleNameSchema).min(1, 'must name at least one role');

/** The fields common to `changeRole` and `record`: `new_role` one of `roles` when given, else any
 * well-formed role name (the repository then checks it against the `roles` table). */
function roleChangeFields(roles: readonly string[] | undefined) {
  const allowed = roles ? z.string().refine((r) => roles.includes(r), `must be one of: ${roles.join(', ')}`) : roleNameSchema;
  const fields = {
    user_id: uuid,
    new_role: allowed,
    changed_by: idText(512),
    reason: freeText(2000).nullable().optional(),
    change_source: vocabularyField<ChangeSource>(),
    change_metadata: jsonObject.optional(),
  };
  return { fields, allowed };
}

/** The input of `changeRole`, for the allowed `roles` (any role of the `roles` table when undefined). */
export function changeRoleSchema(roles?: readonly string[]) {
  return z.object(roleChangeFields(roles).fields).strict();
}

/** The input of `record` (log only), for the allowed `roles`: `previous_role` is given by the caller. */
export function recordRoleChangeSchema(roles?: readonly string[]) {
  const { fields, allowed } = roleChangeFields(roles);
  return z.object({ ...fields, previous_role: allowed.nullable().optional() }).strict();
}

/** Page options of the role history listings (cursor: opaque, from `next`). */
export const roleHistoryPageSchema = pageOptions(keysetCursor);
