import { z } from 'zod';
import { boundedList, idCursor, idText, isIdText, isValidDate, jsonObject, jsonObjectText, MAX_BIGINT, pageOptions, validDate, withinListBounds, type ListBounds } from '../../validation/common.js';
import { parseInput } from '../../validation/parse.js';

/** The longest `user_id` and `entity_id`, and the longest `action` and `entity_type`. */
const ID_MAX = 512;
const NAME_MAX = 128;

/** An event for `EventLogRepo.append`: who did what to which entity, with JSON details. */
export const newEventSchema = z
  .object({
    user_id: idText(ID_MAX).nullable().optional(),
    action: idText(NAME_MAX),
    entity_type: idText(NAME_MAX),
    entity_id: z.union([idText(ID_MAX), z.number().int('must be a whole number').safe('must be a safe integer')]).transform(String),
    details: jsonObject.optional(),
    timestamp: validDate.optional(),
  })
  .strict();

/** The input of {@link newEventSchema}. */
export type NewEvent = z.input<typeof newEventSchema>;

/** An event as the insert binds it: user_id, action, entity_type, entity_id, details as JSON text, timestamp. */
export type EventParameters = [string | null, string, string, string, string, Date | null];

const EVENT_KEYS = new Set(Object.keys(newEventSchema.shape));

/**
 * The parameters of an event that is plainly valid (a plain or null-prototype object whose every
 * field passes the schema's own checks), built without a zod parse, whose cost dominates an append's client CPU;
 * undefined for anything else, which {@link eventParameters} then hands to the schema.
 */
export function plainEventParameters(event: unknown): EventParameters | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const prototype: unknown = Object.getPrototypeOf(event);
  if (prototype !== Object.prototype && prototype !== null) return undefined;
  for (const key in event) if (!EVENT_KEYS.has(key)) return undefined;
  const { user_id, action, entity_type, entity_id, details, timestamp } = event as Record<string, unknown>;
  if (!(user_id == null || isIdText(user_id, ID_MAX)) || !isIdText(action, NAME_MAX) || !isIdText(entity_type, NAME_MAX)) return undefined;
  const entityId = typeof entity_id === 'number' ? (Number.isSafeInteger(entity_id) ? String(entity_id) : undefined) : isIdText(entity_id, ID_MAX) ? entity_id : undefined;
  const detailsJson = details === undefined ? '{}' : jsonObjectText(details);
  if (entityId === undefined || detailsJson === undefined || !(timestamp === undefined || isValidDate(timestamp))) return undefined;
  return [user_id ?? null, action, entity_type, entityId, detailsJson, timestamp ?? null];
}

/** Validates an event (`argument` names it in errors) and returns its insert parameters. */
export function eventParameters(event: unknown, argument: string): EventParameters {
  const plain = plainEventParameters(event);
  if (plain) return plain;
  return parsedEventParameters(parseInput(newEventSchema, event, argument));
}

function parsedEventParameters(row: z.output<typeof newEventSchema>): EventParameters {
  return [row.user_id ?? null, row.action, row.entity_type, row.entity_id, JSON.stringify(row.details ?? {}), row.timestamp ?? null];
}

/** A JSON field of event details that carries personal data: the action (`'*'`: every action) and the path. */
export const personalFieldSchema = z
  .object({ action: idText(128), path: z.array(idText(128)).min(1, 'must name at least one key').max(16, 'must be at most 16 keys deep') })
  .strict();

/** The input of {@link personalFieldSchema}. */
export type PersonalField = z.input<typeof personalFieldSchema>;

/** A list of personal fields for `EventLogRepo.declarePersonalFields`: at most 1000. */
export const personalFieldListSchema = z.array(personalFieldSchema).max(1000, 'must hold at most 1000 fields');

const EVENT_LIST: ListBounds = { maxItems: 10_000, maxChars: 64_000_000, noun: 'events' };

/** A list of events for `appendMany`: at most 10,000, together at most 64 MB of JSON. */
export const newEventListSchema = boundedList(newEventSchema, EVENT_LIST);

/** Validates a list of events (`argument` names it in errors) and returns their insert parameters, in order. */
export function eventListParameters(events: unknown, argument: string): EventParameters[] {
  if (Array.isArray(events) && withinListBounds(events, EVENT_LIST)) {
    const rows: EventParameters[] = [];
    for (const event of events) {
      const plain = plainEventParameters(event);
      if (!plain) break;
      rows.push(plain);
    }
    if (rows.length === events.length) return rows;
  }
  return parseInput(newEventListSchema, events, argument).map(parsedEventParameters);
}

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
