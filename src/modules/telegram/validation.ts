import { z } from 'zod';
import type { BroadcastMessageType, GuideCategory, GuideDifficultyLevel } from './values.js';
import type { ContentCategory } from '../interests/index.js';
import { freeText, idText, pageOptions, uuid, validDate, vocabularyField } from '../../validation/common.js';
import { wholeNumber } from '../../validation/numbers.js';
import { roleNameSchema } from '../core/index.js';
import { keysetCursor } from '../../repos/cursor.js';

/** A new guide for `GuideRepo.create`. */
export const newGuideSchema = z
  .object({
    title: idText(500),
    description: freeText(10_000).nullable().optional(),
    content_url: freeText(2048).nullable().optional(),
    category: vocabularyField<GuideCategory>(),
    tags: z.array(idText(100)).max(50, 'must hold at most 50 tags').optional(),
    difficulty_level: vocabularyField<GuideDifficultyLevel>().optional(),
    is_active: z.boolean().optional(),
  })
  .strict();

/** The input of {@link newGuideSchema}. */
export type NewGuideInput = z.input<typeof newGuideSchema>;

/** Who a broadcast goes to: a role (or `'all'`), the followers of a content package, the users
 * interested in a category of packages, or an explicit list of users (1-10000). */
export const broadcastAudienceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('role'), role: roleNameSchema }).strict(),
  z.object({ kind: z.literal('package'), package_id: uuid }).strict(),
  z.object({ kind: z.literal('category'), category: vocabularyField<ContentCategory>() }).strict(),
  z.object({ kind: z.literal('users'), user_ids: z.array(uuid).min(1, 'must name at least one user').max(10_000, 'must name at most 10000 users') }).strict(),
]);

/** The input of {@link broadcastAudienceSchema}, its list readonly (a host's `as const` list fits). */
export type BroadcastAudience =
  | Exclude<z.input<typeof broadcastAudienceSchema>, { kind: 'users' }>
  | { readonly kind: 'users'; readonly user_ids: readonly string[] };

/** A new broadcast for `BroadcastRepo.create`: a draft, or scheduled when `scheduled_at` is given;
 * its audience a role by `target_audience` (default `'all'`), or any kind by `audience`. */
export const newBroadcastSchema = z
  .object({
    title: idText(500),
    message_text: idText(100_000),
    message_type: vocabularyField<BroadcastMessageType>().optional(),
    /** `'all'` or a role name. */
    target_audience: roleNameSchema.optional(),
    audience: broadcastAudienceSchema.optional(),
    scheduled_at: validDate.nullable().optional(),
    created_by_id: uuid.nullable().optional(),
  })
  .strict()
  .refine((b) => b.target_audience === undefined || b.audience === undefined, {
    path: ['audience'],
    message: 'give target_audience or audience, not both',
  });

/** The input of {@link newBroadcastSchema}. */
export type NewBroadcastInput = Omit<z.input<typeof newBroadcastSchema>, 'audience'> & { readonly audience?: BroadcastAudience };

/** How many due broadcasts `claimDue` takes: 1-1000. */
export const claimLimitSchema = wholeNumber(1, 1000);

/** The delivery counts of `markSent`. */
export const deliveryCountsSchema = z.object({ recipients_count: wholeNumber(), failed_count: wholeNumber() }).strict();

/** The delivery counts of `markFailed`, when known. */
export const failedDeliverySchema = deliveryCountsSchema.partial().strict();

/** Page options of the telegram listings (cursor: opaque, from `next`). */
export const telegramPageSchema = pageOptions(keysetCursor);

/** A bot command without its slash, as Telegram allows it: 1-32 characters of a-z, 0-9 and _. */
export const commandNameSchema = z.string().regex(/^[a-z0-9_]{1,32}$/, 'must be a bot command (1-32 of a-z, 0-9, _; no slash)');

/** A command for `TelegramCommandRepo.define`. */
export const telegramCommandSchema = z
  .object({
    command: commandNameSchema,
    /** What the command menu shows: 1-256 characters. */
    description: idText(256),
    /** The least role that may run it (compared by rank); default `'public'`. */
    required_role: roleNameSchema.optional(),
    is_enabled: z.boolean().optional(),
  })
  .strict();

/** The input of {@link telegramCommandSchema}. */
export type TelegramCommandInput = z.input<typeof telegramCommandSchema>;
