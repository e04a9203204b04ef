import { z } from 'zod';
import { FEATURE_STATUSES, PROJECT_STATUSES, RELEASE_STATUSES } from './values.js';
import { freeText, idText, pageOptions, uuid, validDate } from '../../validation/common.js';
import { keysetCursor } from '../../repos/cursor.js';

/** Who makes a planning change (the event's `user_id`): 1-512 characters. */
export const actorSchema = idText(512);

/** Options of a planning change: the actor. */
export const changeOptionsSchema = z.object({ actor: actorSchema.optional() }).strict();

/** Whether `day` (`YYYY-MM-DD`) is a day of the calendar from year 1 (there is no year 0). */
function isCalendarDay(day: string): boolean {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const utc = new Date(Date.UTC(year, month - 1, date));
  utc.setUTCFullYear(year); // Date.UTC reads years 0-99 as 1900-1999
  return year >= 1 && utc.getUTCFullYear() === year && utc.getUTCMonth() === month - 1 && utc.getUTCDate() === date;
}

/** A calendar day of years 1-9999: `'YYYY-MM-DD'`, or a Date (its UTC day); parsed to `'YYYY-MM-DD'`. */
export const calendarDaySchema = z.union(
  [
    z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a YYYY-MM-DD date').refine(isCalendarDay, 'must be a real date of years 1-9999'),
    validDate
      .transform((d) => d.toISOString().slice(0, 10))
      .refine((day) => /^\d{4}-\d{2}-\d{2}$/.test(day) && isCalendarDay(day), 'must be a date of years 1-9999'),
  ],
  { error: 'must be a YYYY-MM-DD date or a Date' },
);

/** A new project for `ProjectRepo.create`. */
export const newProjectSchema = z
  .object({
    name: idText(200),
    description: freeText(10_000).nullable().optional(),
    status: z.enum(PROJECT_STATUSES).optional(),
  })
  .strict();

/** The input of {@link newProjectSchema}. */
export type NewProjectInput = z.input<typeof newProjectSchema>;

/** A new release for `ReleaseRepo.create`. */
export const newReleaseSchema = z
  .object({
    project_id: uuid,
    version: idText(128),
    target_date: calendarDaySchema.nullable().optional(),
    status: z.enum(RELEASE_STATUSES).optional(),
  })
  .strict();

/** The input of {@link newReleaseSchema}. */
export type NewReleaseInput = z.input<typeof newReleaseSchema>;

/** A new feature for `FeatureRepo.create` (unplanned: `FeatureRepo.assignRelease` plans it into a release). */
export const newFeatureSchema = z
  .object({
    project_id: uuid,
    name: idText(200),
    description: freeText(10_000).nullable().optional(),
    status: z.enum(FEATURE_STATUSES).optional(),
    status_reason: freeText(2000).nullable().optional(),
    assigned_teams: z.array(idText(200)).max(100, 'must hold at most 100 teams').optional(),
    assigned_po: idText(100).nullable().optional(),
  })
  .strict();

/** The input of {@link newFeatureSchema}. */
export type NewFeatureInput = z.input<typeof newFeatureSchema>;

/** Options of `FeatureRepo.setStatus`: the actor and why the feature has its new status. */
export const featureStatusOptionsSchema = changeOptionsSchema.extend({ reason: freeText(2000).nullable().optional() }).strict();

/** Page options of the planning listings (cursor: opaque, from `next`). */
export const planningPageSchema = pageOptions(keysetCursor);

/** Page options of `FeatureRepo.listByProject`: optionally one status. */
export const featurePageSchema = planningPageSchema.extend({ status: z.enum(FEATURE_STATUSES).optional() }).strict();

/** The host's user id of `user_context` (e.g. a chat id): 1-512 characters. */
export const contextUserIdSchema = idText(512);
