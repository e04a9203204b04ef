/**
 * The telegram module's value sets. The SQL CHECK constraints in `migrations/telegram/` list exactly these
 * values, in this order, and the Kysely column types use the unions below.
 */

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
