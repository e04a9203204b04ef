/**
 * The achievements module's value sets. The SQL CHECK constraints in `migrations/achievements/` list exactly these
 * values, in this order, and the Kysely column types use the unions below.
 */

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
