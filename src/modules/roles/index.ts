/** The roles module: its tables, value sets, input schemas and repositories. */

export { type UserRoleChangeLogTable, type UserRoleChange, type NewUserRoleChange } from './tables.js';
export { DEFAULT_CHANGE_SOURCES, type DefaultChangeSource, type ChangeSource } from './values.js';
export {
  RoleChangeLogRepo,
  type RoleChangeLogRepoOptions,
  type RoleChangeInput,
  type RecordedRoleChangeInput,
  type RoleChangeOutcome,
} from './role-change-log-repo.js';
export { rolesModule } from './descriptor.js';
