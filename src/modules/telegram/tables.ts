/** Tables of the `telegram` module: `guides`, `broadcasts`, `user_guide_collections` and
 * `telegram_commands` (its vocabularies' lookup tables are typed by `VocabularyTable`). */
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Generated, Timestamp } from '../../schema/column-types.js';
import type { BroadcastAudienceKind, BroadcastMessageType, BroadcastStatus, GuideCategory, GuideDifficultyLevel } from './values.js';

/** `guides`: an educational guide. */
export interface GuidesTable {
  id: Generated<string>;
  title: string;
  description: string | null;
  /** A Telegraph or external link. */
  content_url: string | null;
  category: GuideCategory;
  /** Defaults to an empty array. */
  tags: Generated<string[]>;
  difficulty_level: Generated<GuideDifficultyLevel>;
  views_count: Generated<number>;
  is_active: Generated<boolean>;
  created_at: Generated<Timestamp>;
  /** Set to now() by a trigger on every update. */
  updated_at: Generated<Timestamp>;
}

/** A row of `guides`. */
export type Guide = Selectable<GuidesTable>;
/** A new row for `guides`. */
export type NewGuide = Insertable<GuidesTable>;
/** A change to a row of `guides`. */
export type GuideUpdate = Updateable<GuidesTable>;

/** `broadcasts`: a message campaign, drafted, scheduled and sent to an audience. */
export interface BroadcastsTable {
  id: Generated<string>;
  title: string;
  message_text: string;
  message_type: Generated<BroadcastMessageType>;
  /** With `audience_kind` `'role'`: `'all'` (the default) or a role name. */
  target_audience: Generated<string>;
  /** How the recipients are resolved; `'role'` (by `target_audience`) by default. */
  audience_kind: Generated<BroadcastAudienceKind>;
  /** With `audience_kind` `'package'`: the content package whose followers receive it. */
  audience_package_id: string | null;
  /** With `audience_kind` `'category'`: the users interested in a package of this category receive it. */
  audience_category: string | null;
  status: Generated<BroadcastStatus>;
  /** Required while `status` is `'scheduled'`. */
  scheduled_at: Timestamp | null;
  /** Required once `status` is `'sent'`. */
  sent_at: Timestamp | null;
  recipients_count: Generated<number>;
  failed_count: Generated<number>;
  /** The user who created it; null once that user is deleted. */
  created_by_id: string | null;
  created_at: Generated<Timestamp>;
  /** Set to now() by a trigger on every update. */
  updated_at: Generated<Timestamp>;
}

/** `broadcast_audience_users`: the users of a broadcast whose `audience_kind` is `'users'`. */
export interface BroadcastAudienceUsersTable {
  broadcast_id: string;
  user_id: string;
}

/** A row of `broadcasts`. */
export type Broadcast = Selectable<BroadcastsTable>;
/** A new row for `broadcasts`. */
export type NewBroadcast = Insertable<BroadcastsTable>;
/** A change to a row of `broadcasts`. */
export type BroadcastUpdate = Updateable<BroadcastsTable>;

/** `user_guide_collections`: a guide a person saved; unique per (user_id, guide_id). */
export interface UserGuideCollectionsTable {
  id: Generated<string>;
  user_id: string;
  guide_id: string;
  is_read: Generated<boolean>;
  times_viewed: Generated<number>;
  last_viewed_at: Timestamp | null;
  saved_at: Generated<Timestamp>;
  created_at: Generated<Timestamp>;
}

/** A row of `user_guide_collections`. */
export type UserGuideCollection = Selectable<UserGuideCollectionsTable>;
/** A new row for `user_guide_collections`. */
export type NewUserGuideCollection = Insertable<UserGuideCollectionsTable>;
/** A change to a row of `user_guide_collections`. */
export type UserGuideCollectionUpdate = Updateable<UserGuideCollectionsTable>;

/**
 * `telegram_commands`: the bot's command registry, each command with the least role that may run
 * it (compared by `roles.rank`).
 */
export interface TelegramCommandsTable {
  /** The command without its slash: 1-32 characters of a-z, 0-9 and _, as Telegram allows. */
  command: string;
  /** What the command menu shows: 1-256 characters. */
  description: string;
  /** A role name (`roles.name`); defaults to `'public'`. */
  required_role: Generated<string>;
  is_enabled: Generated<boolean>;
  created_at: Generated<Timestamp>;
  /** Set to now() by a trigger on every update. */
  updated_at: Generated<Timestamp>;
}

/** A row of `telegram_commands`. */
export type TelegramCommand = Selectable<TelegramCommandsTable>;
/** A new row for `telegram_commands`. */
export type NewTelegramCommand = Insertable<TelegramCommandsTable>;
/** A change to a row of `telegram_commands`. */
export type TelegramCommandUpdate = Updateable<TelegramCommandsTable>;
