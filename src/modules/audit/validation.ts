import { z } from 'zod';
import { boundedList, idCursor, idText, jsonObject, MAX_BIGINT, pageOptions, validDate } from '../../validation/common.js';

/** An event for `EventLogRepo.append`: who did what to which entity, with JSON details. */
export const newEventSchema = z
  .object({
    user_id: idText(512).nullable().optional(),
    action: idText(128),
    entity_type: idText(128),
    entity_id: z.union([idText(512), z.number().int('must be a whole number').safe('must be a safe integer')]).transform(String),
    details: jsonObject.optional(),
    timestamp: validDate.optional(),
  })
  .strict();

/** The input of {@link newEventSchema}. */
export type NewEvent = z.input<typeof newEventSchema>;

/** A JSON field of event details that carries personal data: the action (`'*'`: every action) and the path. */
export const personalFieldSchema = z
  .object({ action: idText(128), path: z.array(idText(128)).min(1, 'must name at least one key').max(16, 'must be at most 16 keys deep') })
  .strict();

/** The input of {@link personalFieldSchema}. */
export type PersonalField = z.input<typeof personalFieldSchema>;

/** A list of personal fields for `EventLogRepo.declarePersonalFields`: at most 1000. */
export const personalFieldListSchema = z.array(personalFieldSchema).max(1000, 'must hold at most 1000 fields');

/** A list of events for `appendMany`: at most 10,000, together at most 64 MB of JSON. */
export const newEventListSchema = boundedList(newEventSchema, { maxItems: 10_000, maxChars: 64_000_000, noun: 'events' });


/** Page options of the event listings (cursor: an event id). */
export const eventPageSchema = pageOptions(idCursor).extend({ order: z.enum(['asc', 'desc']).default('desc') }).strict();

const POSITION_MESSAGE = 'must be a `position` returned by a streamed event';
const MAX_XID8 = 18_446_744_073_709_551_615n;

/** A stream position: `<transaction id>:<event id>`, as every streamed event carries in `position`. */
export const positionSchema = z
  .string()
  .regex(/^\d{1,20}:\d{1,19}$/, POSITION_MESSAGE)
  .refine((position) => {
    const [tx, id] = position.split(':');
    return /^\d+$/.test(tx ?? '') && /^\d+$/.test(id ?? '') && BigInt(tx!) <= MAX_XID8 && BigInt(id!) <= MAX_BIGINT;
  }, POSITION_MESSAGE);

/** Options of `EventLogRepo.stream`. */
export const streamOptionsSchema = z
  .object({
    after: positionSchema.optional(),
    batchSize: z.number().int('must be a whole number').min(1, 'must be at least 1').max(10_000, 'must be at most 10000').default(500),
    follow: z.boolean().default(false),
    pollIntervalMs: z.number().int('must be a whole number').min(10, 'must be at least 10').max(60_000, 'must be at most 60000').default(500),
    signal: z.instanceof(AbortSignal, { message: 'must be an AbortSignal' }).optional(),
  })
  .strict();
