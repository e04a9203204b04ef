import { z } from 'zod';
import { CHANGE_SOURCES } from './values.js';
import { freeText, idText, jsonObject, pageOptions, uuid } from '../../validation/common.js';
import { roleNameSchema } from '../core/index.js';
import { keysetCursor } from '../../repos/cursor.js';

/** The list of allowed roles a RoleChangeLogRepo is configured with. */
export const roleListSchema = z.array(roleNameSchema).min(1, 'must name at least one role');

/** The fields common to `changeRole` and `record`, given the allowed roles. */
function roleChangeFields(roles: readonly string[]) {
  const allowed = z.string().refine((r) => roles.includes(r), `must be one of: ${roles.join(', ')}`);
  const fields = {
    user_id: uuid,
    new_role: allowed,
    changed_by: idText(512),
    reason: freeText(2000).nullable().optional(),
    change_source: z.enum(CHANGE_SOURCES),
    change_metadata: jsonObject.optional(),
  };
  return { fields, allowed };
}

/** The input of `changeRole` for the allowed `roles`. */
export function changeRoleSchema(roles: readonly string[]) {
  return z.object(roleChangeFields(roles).fields).strict();
}

/** The input of `record` (log only) for the allowed `roles`: `previous_role` is given by the caller. */
export function recordRoleChangeSchema(roles: readonly string[]) {
  const { fields, allowed } = roleChangeFields(roles);
  return z.object({ ...fields, previous_role: allowed.nullable().optional() }).strict();
}

/** Page options of the role history listings (cursor: opaque, from `next`). */
export const roleHistoryPageSchema = pageOptions(keysetCursor);
