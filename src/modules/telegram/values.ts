/**
 * The telegram module's value sets. `DEFAULT_*` sets are host-owned vocabularies: the rows the
 * migrations seed into their lookup tables, which a host extends (`VocabularyRepo.add` or its own
 * INSERT). The other sets are closed (the library's code branches on them): the SQL CHECK
 * constraints in `migrations/telegram/` list exactly those values, in this order.
 */
import type { HostValue } from '../../vocabulary/types.js';

/**
 * The default values of `guides.category`: general ones, fit for any business. (Installs from
 * before 0.2 keep the trading categories their guides use: the migration seeds them too.)
 */
export const DEFAULT_GUIDE_CATEGORIES = [
  'getting_started',
  'how_to',
  'reference',
  'technical',
  'troubleshooting',
  'faq',
  'other',
] as const;

/** A default value of `guides.category`. */
export type DefaultGuideCategory = (typeof DEFAULT_GUIDE_CATEGORIES)[number];

/** A value of `guides.category`: a default, or a value the host added to the vocabulary. */
export type GuideCategory = HostValue<DefaultGuideCategory>;

/** The default values of `guides.difficulty_level`. */
export const DEFAULT_GUIDE_DIFFICULTY_LEVELS = ['beginner', 'intermediate', 'advanced'] as const;

/** A default value of `guides.difficulty_level`. */
export type DefaultGuideDifficultyLevel = (typeof DEFAULT_GUIDE_DIFFICULTY_LEVELS)[number];

/** A value of `guides.difficulty_level`: a default, or a value the host added to the vocabulary. */
export type GuideDifficultyLevel = HostValue<DefaultGuideDifficultyLevel>;

/** The default values of `broadcasts.message_type`: the kind of Telegram message a broadcast sends. */
export const DEFAULT_BROADCAST_MESSAGE_TYPES = ['text', 'photo', 'video'] as const;

/** A default value of `broadcasts.message_type`. */
export type DefaultBroadcastMessageType = (typeof DEFAULT_BROADCAST_MESSAGE_TYPES)[number];

/** A value of `broadcasts.message_type`: a default, or a value the host added to the vocabulary. */
export type BroadcastMessageType = HostValue<DefaultBroadcastMessageType>;

/** `broadcasts.status`: draft, then scheduled, sending, and finally sent or failed. */
export const BROADCAST_STATUSES = ['draft', 'scheduled', 'sending', 'sent', 'failed'] as const;

/** How `BroadcastRepo.recipients` resolves a broadcast's audience (closed: it branches on it): a
 * role (or `'all'`), a content package's followers, the users interested in a category, an explicit list. */
export const BROADCAST_AUDIENCE_KINDS = ['role', 'package', 'category', 'users'] as const;

/** One of {@link BROADCAST_AUDIENCE_KINDS}. */
export type BroadcastAudienceKind = (typeof BROADCAST_AUDIENCE_KINDS)[number];

/** A value of `broadcasts.status`. */
export type BroadcastStatus = (typeof BROADCAST_STATUSES)[number];
