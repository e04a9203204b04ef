/** Tables of the `achievements` module: `achievements` and `user_achievements`. */
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Generated, Timestamp } from '../../schema/column-types.js';
import type { AchievementCategory } from './values.js';

/** `achievements`: a badge definition; name and slug are unique. */
export interface AchievementsTable {
  id: Generated<string>;
  name: string;
  /** Lower-case letters and digits separated by `-` or `_`, at most 100 characters. */
  slug: string;
  title: string;
  description: string | null;
  category: AchievementCategory;
  requirement_value: number | null;
  requirement_description: string | null;
  icon_url: string | null;
  badge_color: string | null;
  is_hidden: Generated<boolean>;
  is_repeatable: Generated<boolean>;
  points: Generated<number>;
  display_order: Generated<number>;
  is_active: Generated<boolean>;
  created_at: Generated<Timestamp>;
  /** Set to now() by a trigger on every update. */
  updated_at: Generated<Timestamp>;
}

/** A row of `achievements`. */
export type Achievement = Selectable<AchievementsTable>;
/** A new row for `achievements`. */
export type NewAchievement = Insertable<AchievementsTable>;
/** A change to a row of `achievements`. */
export type AchievementUpdate = Updateable<AchievementsTable>;

/** `user_achievements`: a person's progress on an achievement; unique per (user_id, achievement_id). */
export interface UserAchievementsTable {
  id: Generated<string>;
  user_id: string;
  achievement_id: string;
  progress_current: Generated<number>;
  progress_target: number | null;
  earned: Generated<boolean>;
  /** Set exactly when `earned` is true. */
  earned_at: Timestamp | null;
  /** When the person was told; null until then. */
  notified_at: Timestamp | null;
  /** How many times a repeatable achievement was earned. */
  times_earned: Generated<number>;
  created_at: Generated<Timestamp>;
  /** Set to now() by a trigger on every update. */
  updated_at: Generated<Timestamp>;
}

/** A row of `user_achievements`. */
export type UserAchievement = Selectable<UserAchievementsTable>;
/** A new row for `user_achievements`. */
export type NewUserAchievement = Insertable<UserAchievementsTable>;
/** A change to a row of `user_achievements`. */
export type UserAchievementUpdate = Updateable<UserAchievementsTable>;
