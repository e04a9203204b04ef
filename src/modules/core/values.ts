/**
 * The core module's value sets (besides the roles): host-owned vocabularies. `DEFAULT_*` are the rows
 * the migrations seed into their lookup tables; a host extends them (`VocabularyRepo.add` or its
 * own INSERT), and the Kysely column types accept the defaults and any host value.
 */
import type { HostValue } from '../../vocabulary/types.js';

/** The roles the core migration seeds into `roles` (hosts may add more with an INSERT). */
export const DEFAULT_ROLES = [
  'public',
  'subscriber',
  'student',
  'mentor',
  'moderator',
  'admin',
  'owner',
] as const;

/** A role seeded by the core migration. */
export type DefaultRole = (typeof DEFAULT_ROLES)[number];

/**
 * The privilege rank seeded for each default role: 0 anyone, 1 member, 2 staff, 3 owner.
 * public/subscriber/admin/owner keep the integers 0..3 of the Telegram seed.
 */
export const DEFAULT_ROLE_RANKS: Readonly<Record<DefaultRole, number>> = Object.freeze({
  public: 0,
  subscriber: 1,
  student: 1,
  mentor: 1,
  moderator: 2,
  admin: 2,
  owner: 3,
});

/** The default values of `users.skill_level`: a person's self-declared programming level. */
export const DEFAULT_SKILL_LEVELS = ['beginner', 'intermediate', 'advanced', 'expert'] as const;

/** A default value of `users.skill_level`. */
export type DefaultSkillLevel = (typeof DEFAULT_SKILL_LEVELS)[number];

/** A value of `users.skill_level`: a default, or a value the host added to the vocabulary. */
export type SkillLevel = HostValue<DefaultSkillLevel>;
