/**
 * The achievements module's value sets: host-owned vocabularies. `DEFAULT_*` are the rows
 * the migrations seed into their lookup tables; a host extends them (`VocabularyRepo.add` or its
 * own INSERT), and the Kysely column types accept the defaults and any host value.
 */
import type { HostValue } from '../../vocabulary/types.js';

/** The default values of `achievements.category`. */
export const DEFAULT_ACHIEVEMENT_CATEGORIES = [
  'streak',
  'exercise',
  'github',
  'community',
  'mentorship',
  'skill',
  'special',
] as const;

/** A default value of `achievements.category`. */
export type DefaultAchievementCategory = (typeof DEFAULT_ACHIEVEMENT_CATEGORIES)[number];

/** A value of `achievements.category`: a default, or a value the host added to the vocabulary. */
export type AchievementCategory = HostValue<DefaultAchievementCategory>;
