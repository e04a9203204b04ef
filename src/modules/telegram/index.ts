/** The telegram module: its tables, value sets, input schemas and repositories. */

export {
  type GuidesTable,
  type Guide,
  type NewGuide,
  type GuideUpdate,
  type BroadcastsTable,
  type BroadcastAudienceUsersTable,
  type Broadcast,
  type NewBroadcast,
  type BroadcastUpdate,
  type UserGuideCollectionsTable,
  type UserGuideCollection,
  type NewUserGuideCollection,
  type UserGuideCollectionUpdate,
  type TelegramCommandsTable,
  type TelegramCommand,
  type NewTelegramCommand,
  type TelegramCommandUpdate,
} from './tables.js';
export {
  DEFAULT_GUIDE_CATEGORIES,
  DEFAULT_GUIDE_DIFFICULTY_LEVELS,
  DEFAULT_BROADCAST_MESSAGE_TYPES,
  BROADCAST_STATUSES,
  BROADCAST_AUDIENCE_KINDS,
  type BroadcastAudienceKind,
  type DefaultGuideCategory,
  type GuideCategory,
  type DefaultGuideDifficultyLevel,
  type GuideDifficultyLevel,
  type DefaultBroadcastMessageType,
  type BroadcastMessageType,
  type BroadcastStatus,
} from './values.js';
export {
  newGuideSchema,
  newBroadcastSchema,
  broadcastAudienceSchema,
  type BroadcastAudience,
  telegramCommandSchema,
  type NewGuideInput,
  type NewBroadcastInput,
  type TelegramCommandInput,
} from './validation.js';
export { BroadcastRepo, type DeliveryCounts, type BroadcastRecipient } from './broadcast-repo.js';
export { GuideCollectionRepo, type SaveGuideResult } from './guide-collection-repo.js';
export { GuideRepo } from './guide-repo.js';
export { TelegramCommandRepo } from './telegram-command-repo.js';
export { telegramModule } from './descriptor.js';
