/**
 * The closed value sets of the schema. Each is defined once here; the SQL CHECK constraints in
 * `migrations/` list exactly these values, in this order, and the Kysely column types use the
 * unions below.
 */

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

/** `users.skill_level`: a person's self-declared programming level. */
export const SKILL_LEVELS = ['beginner', 'intermediate', 'advanced', 'expert'] as const;
/** A value of `users.skill_level`. */
export type SkillLevel = (typeof SKILL_LEVELS)[number];

/** `content_packages.category`: what kind of content a package holds. */
export const CONTENT_CATEGORIES = [
  'course',
  'guide',
  'tool',
  'template',
  'community',
  'event',
  'other',
] as const;
/** A value of `content_packages.category`. */
export type ContentCategory = (typeof CONTENT_CATEGORIES)[number];

/** `content_packages.package_type`: whether a package is free or for paying members. */
export const PACKAGE_TYPES = ['free', 'premium'] as const;
/** A value of `content_packages.package_type`. */
export type PackageType = (typeof PACKAGE_TYPES)[number];

/** `user_role_change_log.change_source`: what caused a role change. */
export const CHANGE_SOURCES = ['admin', 'system', 'api', 'migration', 'self'] as const;
/** A value of `user_role_change_log.change_source`. */
export type ChangeSource = (typeof CHANGE_SOURCES)[number];

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

/** `exercises.exercise_type`. */
export const EXERCISE_TYPES = ['algorithm', 'data_structure', 'debugging', 'practical'] as const;
/** A value of `exercises.exercise_type`. */
export type ExerciseType = (typeof EXERCISE_TYPES)[number];

/** `exercises.difficulty` and `user_memory.preferred_difficulty`. */
export const EXERCISE_DIFFICULTIES = ['easy', 'medium', 'hard'] as const;
/** A value of `exercises.difficulty`. */
export type ExerciseDifficulty = (typeof EXERCISE_DIFFICULTIES)[number];

/** `user_exercises.status`: where a person is with an exercise. */
export const EXERCISE_STATUSES = ['pending', 'in_progress', 'completed', 'skipped'] as const;
/** A value of `user_exercises.status`. */
export type ExerciseStatus = (typeof EXERCISE_STATUSES)[number];

/** `messages.role`: who wrote a conversation message. */
export const MESSAGE_ROLES = ['user', 'assistant', 'system'] as const;
/** A value of `messages.role`. */
export type MessageRole = (typeof MESSAGE_ROLES)[number];

/** `achievements.category`. */
export const ACHIEVEMENT_CATEGORIES = [
  'streak',
  'exercise',
  'github',
  'community',
  'mentorship',
  'skill',
  'special',
] as const;
/** A value of `achievements.category`. */
export type AchievementCategory = (typeof ACHIEVEMENT_CATEGORIES)[number];

/** `dissonance_records.risk_level`. */
export const RISK_LEVELS = ['low', 'medium', 'high', 'critical'] as const;
/** A value of `dissonance_records.risk_level`. */
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** `guides.category`. */
export const GUIDE_CATEGORIES = [
  'trading',
  'technical',
  'risk',
  'psychology',
  'automation',
  'platform',
] as const;
/** A value of `guides.category`. */
export type GuideCategory = (typeof GUIDE_CATEGORIES)[number];

/** `guides.difficulty_level`. */
export const GUIDE_DIFFICULTY_LEVELS = ['beginner', 'intermediate', 'advanced'] as const;
/** A value of `guides.difficulty_level`. */
export type GuideDifficultyLevel = (typeof GUIDE_DIFFICULTY_LEVELS)[number];

/** `broadcasts.message_type`: the kind of Telegram message a broadcast sends. */
export const BROADCAST_MESSAGE_TYPES = ['text', 'photo', 'video'] as const;
/** A value of `broadcasts.message_type`. */
export type BroadcastMessageType = (typeof BROADCAST_MESSAGE_TYPES)[number];

/** `broadcasts.status`: draft, then scheduled, sending, and finally sent or failed. */
export const BROADCAST_STATUSES = ['draft', 'scheduled', 'sending', 'sent', 'failed'] as const;
/** A value of `broadcasts.status`. */
export type BroadcastStatus = (typeof BROADCAST_STATUSES)[number];
