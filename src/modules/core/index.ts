/** The core module: its tables, value sets, input schemas and repositories. */

export {
  type RolesTable,
  type Role,
  type NewRole,
  type RoleUpdate,
  type UsersTable,
  type User,
  type NewUser,
  type UserUpdate,
} from './tables.js';
export {
  DEFAULT_ROLES,
  DEFAULT_ROLE_RANKS,
  DEFAULT_SKILL_LEVELS,
  type DefaultRole,
  type DefaultSkillLevel,
  type SkillLevel,
} from './values.js';
export {
  roleNameSchema,
  newUserSchema,
  telegramUserSchema,
  telegramIdSchema,
  languageCodeSchema,
  userPatchSchema,
  newRoleSchema,
  type NewUserInput,
  type UserPatchInput,
  type TelegramUserInput,
  type NewRoleInput,
} from './validation.js';
export { RoleRepo, type AddRoleResult } from './role-repo.js';
export { UserRepo, USER_COLUMNS, type UpsertTelegramUserOptions, type UpsertTelegramUserResult } from './user-repo.js';
export { coreModule } from './descriptor.js';
