/** The achievements module: its tables, value sets, input schemas and repositories. */

export {
  type AchievementsTable,
  type Achievement,
  type NewAchievement,
  type AchievementUpdate,
  type UserAchievementsTable,
  type UserAchievement,
  type NewUserAchievement,
  type UserAchievementUpdate,
} from './tables.js';
export { DEFAULT_ACHIEVEMENT_CATEGORIES, type DefaultAchievementCategory, type AchievementCategory } from './values.js';
export {
  achievementDefinitionSchema,
  achievementSlugSchema,
  type AchievementDefinitionInput,
} from './validation.js';
export { AchievementRepo, type DefineAchievementResult } from './achievement-repo.js';
export { UserAchievementRepo, type AchievementProgress } from './user-achievement-repo.js';
export { achievementsModule } from './descriptor.js';
