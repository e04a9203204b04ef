import { z } from 'zod';
import { wholeNumber } from '../../validation/numbers.js';
import type { SkillLevel } from './values.js';
import { freeText, idText, jsonObject, MAX_BIGINT, vocabularyField } from '../../validation/common.js';

/** A role name as the `roles` table accepts it: lowercase, starting with a letter, at most 32 characters. */
export const roleNameSchema = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'must be a role name (a-z, 0-9, _; at most 32 characters)');

/** A Telegram user id: a positive whole number (number, bigint or digit string) that fits a `bigint`; parsed to a string. */
export const telegramIdSchema = z
  .union([
    z.number().int('must be a whole number').safe('must be a safe integer, or a string').positive('must be positive'),
    z.bigint().positive('must be positive'),
    z.string().regex(/^[1-9]\d{0,18}$/, 'must be a positive whole number'),
  ])
  .transform(String)
  .refine((id) => BigInt(id) <= MAX_BIGINT, 'must fit a bigint');

/** An email address as `users` accepts it: at most 320 characters, one `@`, no spaces. */
export const emailSchema = idText(320).regex(/^[^@\s]+@[^@\s]+$/, 'must be an email address');

/** An external identity (GitHub or Google id): 1-512 characters. */
export const identitySchema = idText(512);

/** An IETF language tag as Telegram sends it in `language_code` (`'en'`, `'pt-BR'`): at most 35 characters. */
export const languageCodeSchema = z
  .string()
  .max(35, 'must be at most 35 characters')
  .regex(/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/, 'must be an IETF language tag such as en or pt-BR');

/** What Telegram sends about a user besides the id: the names, the language, the flags. */
const telegramFields = {
  telegram_username: freeText(256).nullable().optional(),
  telegram_first_name: freeText(256).nullable().optional(),
  telegram_last_name: freeText(256).nullable().optional(),
  language_code: languageCodeSchema.nullable().optional(),
  is_premium: z.boolean().optional(),
  added_to_attachment_menu: z.boolean().optional(),
};

/** The fields of a user that describe them, not identify them: what `UserRepo.update` changes. */
const profileFields = {
  ...telegramFields,
  name: freeText(512).nullable().optional(),
  avatar_url: freeText(2048).nullable().optional(),
  skill_level: vocabularyField<SkillLevel>().nullable().optional(),
  programming_language: freeText(128).nullable().optional(),
  learning_style: freeText(512).nullable().optional(),
  career_goals: freeText(10_000).nullable().optional(),
  time_commitment: freeText(512).nullable().optional(),
  preferences: jsonObject.optional(),
};

/** A new user for `UserRepo.create`: every identity optional (each is unique), a profile, a role. */
export const newUserSchema = z
  .object({
    email: emailSchema.nullable().optional(),
    telegram_id: telegramIdSchema.nullable().optional(),
    github_id: identitySchema.nullable().optional(),
    google_id: identitySchema.nullable().optional(),
    ...profileFields,
    role: roleNameSchema.optional(),
    is_active: z.boolean().optional(),
  })
  .strict();

/** A change to a user's profile for `UserRepo.update`: at least one field; identities, the role
 * (`RoleChangeLogRepo.changeRole`) and `is_active` (`activate`, `deactivate`) change elsewhere. */
export const userPatchSchema = z
  .object(profileFields)
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'must change at least one field');

/** The input of {@link userPatchSchema}. */
export type UserPatchInput = z.input<typeof userPatchSchema>;

/** Options of `UserRepo.upsertTelegramUser`. */
export const upsertTelegramUserOptionsSchema = z.object({ reactivate: z.boolean().optional() }).strict();

/** The input of {@link newUserSchema}. */
export type NewUserInput = z.input<typeof newUserSchema>;

/** A Telegram sender for `UserRepo.upsertTelegramUser`: the id, the names, the language and the
 * flags Telegram sent (`from` of an update, its `id` as `telegram_id`). */
export const telegramUserSchema = z.object({ telegram_id: telegramIdSchema, ...telegramFields }).strict();

/** The input of {@link telegramUserSchema}. */
export type TelegramUserInput = z.input<typeof telegramUserSchema>;

/** A new role for `RoleRepo.add`: its name, its rank (0 anyone, 1 member, 2 staff, 3 owner, or any
 * other non-negative whole number; ranks may tie) and an optional description. */
export const newRoleSchema = z
  .object({
    name: roleNameSchema,
    rank: wholeNumber(),
    description: freeText(2000).nullable().optional(),
  })
  .strict();

/** The input of {@link newRoleSchema}. */
export type NewRoleInput = z.input<typeof newRoleSchema>;
