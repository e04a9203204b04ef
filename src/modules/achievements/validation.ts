import { z } from 'zod';
import type { AchievementCategory } from './values.js';
import { freeText, idText, pageOptions, uuid, vocabularyField } from '../../validation/common.js';
import { wholeNumber } from '../../validation/numbers.js';
import { keysetCursor } from '../../repos/cursor.js';

/** An achievement slug: lower-case letters and digits separated by `-` or `_`, at most 100
 * characters, and not shaped like a uuid (methods take an achievement by id or slug in one parameter). */
export const achievementSlugSchema = z
  .string()
  .max(100, 'must be at most 100 characters')
  .regex(/^[a-z0-9]+([_-][a-z0-9]+)*$/, 'must be a slug (a-z, 0-9, separated by - or _)');

/** A slug a new definition may take: not shaped like a uuid. */
export const newSlugSchema = achievementSlugSchema.refine((slug) => !uuid.safeParse(slug).success, 'must not be shaped like a uuid (it would be read as an achievement id)');

/** An achievement named by id (a uuid) or by slug (anything else; a uuid-shaped slug stored by an
 * earlier release is matched too). */
export const achievementKeySchema = z.union([uuid, achievementSlugSchema], { error: 'must be an achievement id or slug' });

/** An achievement definition for `AchievementRepo.define` (keyed by slug). */
export const achievementDefinitionSchema = z
  .object({
    slug: newSlugSchema,
    name: idText(255),
    title: idText(500),
    description: freeText(10_000).nullable().optional(),
    category: vocabularyField<AchievementCategory>(),
    requirement_value: wholeNumber().nullable().optional(),
    requirement_description: freeText(2000).nullable().optional(),
    icon_url: freeText(2048).nullable().optional(),
    badge_color: freeText(64).nullable().optional(),
    is_hidden: z.boolean().optional(),
    is_repeatable: z.boolean().optional(),
    points: wholeNumber().optional(),
    display_order: wholeNumber(-2_147_483_648).optional(),
    is_active: z.boolean().optional(),
  })
  .strict();

/** The input of {@link achievementDefinitionSchema}. */
export type AchievementDefinitionInput = z.input<typeof achievementDefinitionSchema>;

/** How much `UserAchievementRepo.progress` adds: 1 to 1,000,000. */
export const progressIncrementSchema = wholeNumber(1, 1_000_000);

/** Page options of the achievement listings (cursor: opaque, from `next`). */
export const achievementPageSchema = pageOptions(keysetCursor);

/** Page options of `UserAchievementRepo.listForUser`: optionally only earned (true) or unearned (false) ones. */
export const userAchievementPageSchema = achievementPageSchema.extend({ earned: z.boolean().optional() }).strict();
