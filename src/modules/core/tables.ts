/** Tables of the `core` module: `roles` and `users`. */
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Generated, Int8, Json, Timestamp } from '../../schema/column-types.js';
import type { SkillLevel } from './values.js';

/** `roles`: the role catalogue `users.role` references; seeded with `DEFAULT_ROLES`. */
export interface RolesTable {
  /** Lower-case identifier, `^[a-z][a-z0-9_]{0,31}$`. */
  name: string;
  /** Privilege rank, higher is more privileged; ranks may tie. */
  rank: number;
  description: string | null;
  created_at: Generated<Timestamp>;
}

/** A row of `roles`. */
export type Role = Selectable<RolesTable>;
/** A new row for `roles`. */
export type NewRole = Insertable<RolesTable>;
/** A change to a row of `roles`. */
export type RoleUpdate = Updateable<RolesTable>;

/** `users`: one row per person, with optional identities and a role. */
export interface UsersTable {
  id: Generated<string>;
  /** Unique case-insensitively. */
  email: string | null;
  /** Unique; a bigint, read as a string. */
  telegram_id: Int8 | null;
  telegram_username: string | null;
  telegram_first_name: string | null;
  telegram_last_name: string | null;
  /** The IETF language tag of the user's Telegram client (`'en'`, `'pt-BR'`), or null. */
  language_code: string | null;
  /** Whether the user has Telegram Premium; false when Telegram did not say. */
  is_premium: Generated<boolean>;
  /** Whether the user added the bot to their attachment menu; false when Telegram did not say. */
  added_to_attachment_menu: Generated<boolean>;
  /** Unique. */
  github_id: string | null;
  /** Unique. */
  google_id: string | null;
  /** Display name. */
  name: string | null;
  avatar_url: string | null;
  skill_level: SkillLevel | null;
  programming_language: string | null;
  learning_style: string | null;
  career_goals: string | null;
  time_commitment: string | null;
  /** A `roles.name`; defaults to `'public'`. */
  role: Generated<string>;
  is_active: Generated<boolean>;
  /** A JSON object; defaults to `{}`. */
  preferences: Generated<Json>;
  created_at: Generated<Timestamp>;
  /** Set to now() by a trigger on every update. */
  updated_at: Generated<Timestamp>;
  last_login_at: Timestamp | null;
}

/** A row of `users`. */
export type User = Selectable<UsersTable>;
/** A new row for `users`. */
export type NewUser = Insertable<UsersTable>;
/** A change to a row of `users`. */
export type UserUpdate = Updateable<UsersTable>;
