import { z } from 'zod';

/** Text PostgreSQL stores exactly as given: no NUL (`\u0000`), which `text` and `jsonb` refuse,
 * and no lone UTF-16 surrogate, which cannot be encoded as UTF-8. */
function storable(value: string): boolean {
  return !value.includes('\u0000') && !LONE_SURROGATE.test(value);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const NOT_STORABLE = 'must not contain NUL (\\u0000) characters or lone surrogates';

/** Why `value` is not a non-empty identifier of at most `max` characters without NUL (undefined: it is one). */
function idTextProblem(value: string, max: number): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > max) return `must be at most ${max} characters`;
  return storable(value) ? undefined : NOT_STORABLE;
}

/** A non-empty identifier of at most `max` characters, without NUL. */
export function idText(max = 512) {
  return z.string().superRefine((value, ctx) => {
    const message = idTextProblem(value, max);
    if (message) ctx.addIssue({ code: 'custom', message });
  });
}

/** Whether `value` is what {@link idText}(`max`) accepts (and returns as is): for hot paths that check by hand. */
export function isIdText(value: unknown, max: number): value is string {
  return typeof value === 'string' && idTextProblem(value, max) === undefined;
}

/** Free text of at most `max` characters, without NUL; may be empty. */
export function freeText(max = 10_000) {
  return z.string().max(max, `must be at most ${max} characters`).refine(storable, NOT_STORABLE);
}

/** A uuid, as PostgreSQL's `uuid` type accepts it. */
export const uuid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a uuid');

const MAX_JSON_DEPTH = 32;
const MAX_JSON_BYTES = 1_000_000;

type JsonProblem = { path: (string | number)[]; message: string };

/** Why `value` is not a JSON value jsonb can store exactly, with the path to the problem, or
 * undefined. The path is built on the way out, so a valid document allocates nothing. */
function jsonProblem(value: unknown, depth: number): JsonProblem | undefined {
  if (depth > MAX_JSON_DEPTH) return { path: [], message: `nests deeper than ${MAX_JSON_DEPTH} levels` };
  if (value === null || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : { path: [], message: 'must be a finite number' };
  if (typeof value === 'string') return storable(value) ? undefined : { path: [], message: NOT_STORABLE };
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const problem = jsonProblem(value[index], depth + 1);
      if (problem) return (problem.path.unshift(index), problem);
    }
    return undefined;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const key of Object.keys(value)) {
      if (!storable(key)) return { path: [key], message: `key ${NOT_STORABLE}` };
      const item = (value as Record<string, unknown>)[key];
      if (item === undefined) continue;
      const problem = jsonProblem(item, depth + 1);
      if (problem) return (problem.path.unshift(key), problem);
    }
    return undefined;
  }
  return { path: [], message: `must be JSON (got ${value instanceof Date ? 'a Date' : typeof value})` };
}

/** Why `value` is not what {@link jsonValue} accepts, or its JSON text when it is. */
function jsonValueCheck(value: unknown): JsonProblem | string {
  const problem = jsonProblem(value, 0);
  if (problem) return problem;
  const text = JSON.stringify(value ?? null);
  return text.length > MAX_JSON_BYTES ? { path: [], message: `must serialise to at most ${MAX_JSON_BYTES} bytes` } : text;
}

/** Any JSON value jsonb stores exactly: plain objects, arrays, finite numbers, strings without NUL,
 * booleans and null, at most 32 levels deep and 1 MB serialised. */
export const jsonValue = z.unknown().superRefine((value, ctx) => {
  const checked = jsonValueCheck(value);
  if (typeof checked !== 'string') ctx.addIssue({ code: 'custom', path: checked.path, message: checked.message });
});

/** The JSON text of `value` when {@link jsonValue} accepts it, else undefined: for hot paths that
 * check by hand and send the text they checked. */
export function jsonValueText(value: unknown): string | undefined {
  const checked = jsonValueCheck(value);
  return typeof checked === 'string' ? checked : undefined;
}

/** Whether `value` is a plain object (the shape {@link jsonObject} asks for, whatever it holds). */
function isObjectShaped(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The JSON text of `value` when {@link jsonObject} accepts it, else undefined: for hot paths that
 * check by hand and send the text they checked. */
export function jsonObjectText(value: unknown): string | undefined {
  if (!isObjectShaped(value)) return undefined;
  const checked = jsonValueCheck(value);
  return typeof checked === 'string' ? checked : undefined;
}

/** A JSON object (the shape of every `details` / `*_metadata` column). */
export const jsonObject = jsonValue.refine(isObjectShaped, 'must be a JSON object') as unknown as z.ZodType<Record<string, unknown>>;

/** The largest `bigint` (PostgreSQL's int8). */
export const MAX_BIGINT = 9_223_372_036_854_775_807n;

/** A positive whole number as digits, at most `max` (default: the largest `bigint`). */
export function positiveDigits(message: string, max = MAX_BIGINT) {
  return z.string().regex(/^[1-9]\d{0,19}$/, message).refine((digits) => /^\d+$/.test(digits) && BigInt(digits) <= max, message);
}

/** A cursor naming a `bigint` id, as `event_log` listings return in `next`. */
export const idCursor = positiveDigits('must be a cursor returned as `next` by a previous page');

/** A page request: an opaque `after` cursor from a previous page's `next`, and a `limit` (1-1000, default 50). */
export function pageOptions<C extends z.ZodType>(cursor: C) {
  return z
    .object({
      after: cursor.optional(),
      limit: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(50),
    })
    .strict();
}

/** The earliest instant a `timestamptz` holds: 4714-11-24 00:00:00 UTC BC (the latest is beyond
 * any JS Date). */
const MIN_TIMESTAMPTZ = Date.UTC(-4713, 10, 24);

/** Why `date` is not an instant a `timestamptz` column holds (undefined: it is one). */
function dateProblem(date: Date): string | undefined {
  const time = date.getTime();
  if (Number.isNaN(time)) return 'must be a valid Date';
  return time >= MIN_TIMESTAMPTZ ? undefined : 'must be no earlier than 4714-11-24 BC (PostgreSQL timestamptz)';
}

/** A valid Date (not `new Date('garbage')`) that a `timestamptz` column holds: from 4714-11-24 BC. */
export const validDate = z.date({ error: 'must be a Date' }).superRefine((date, ctx) => {
  const message = dateProblem(date);
  if (message) ctx.addIssue({ code: 'custom', message });
});

/** Whether `value` is what {@link validDate} accepts: for hot paths that check by hand. */
export function isValidDate(value: unknown): value is Date {
  return value instanceof Date && dateProblem(value) === undefined;
}

/** The bounds of a {@link boundedList}: how many items, how many characters of JSON in all, and what the items are called in errors. */
export interface ListBounds {
  readonly maxItems: number;
  readonly maxChars: number;
  readonly noun: string;
}

/**
 * A list of at most `maxItems` items of `item`, together at most `maxChars` characters of JSON:
 * each item is bounded on its own, but a list of many large ones would build a statement larger
 * than the client can hold (`RangeError: Invalid string length` near 1 GB). The total is checked
 * first, stopping at the limit, so an oversized list is refused before its items are parsed.
 */
export function boundedList<I extends z.ZodType>(item: I, { maxItems, maxChars, noun }: ListBounds) {
  return z
    .array(z.unknown())
    .max(maxItems, `must hold at most ${maxItems} ${noun}`)
    .superRefine((items, ctx) => {
      if (!jsonTotalWithin(items, maxChars)) ctx.addIssue({ code: 'custom', message: `must total at most ${maxChars} characters of JSON: split the ${noun} into smaller calls` });
    })
    .pipe(z.array(item));
}

/** Whether `items` is within the bounds a {@link boundedList} sets on the list itself (its items aside): for hot paths that check by hand. */
export function withinListBounds(items: readonly unknown[], { maxItems, maxChars }: ListBounds): boolean {
  return items.length <= maxItems && jsonTotalWithin(items, maxChars);
}

/** Whether the items' JSON totals at most `maxChars` characters, stopping at the limit. */
function jsonTotalWithin(items: readonly unknown[], maxChars: number): boolean {
  let total = 0;
  for (const value of items) {
    total += jsonLength(value);
    if (total > maxChars) return false;
  }
  return true;
}

/** The length of `value` as JSON, or 0 when it has none (the item's own schema refuses it). */
function jsonLength(value: unknown): number {
  try {
    return JSON.stringify(value)?.length ?? 0;
  } catch {
    return 0;
  }
}

/** A value of a host-owned vocabulary, checked for format only: whether the value exists is the
 * database's to say (a foreign key onto the vocabulary's lookup table). */
export const vocabularyValue = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a vocabulary value (a-z, 0-9, _; starting with a letter; at most 64 characters)');

/** {@link vocabularyValue} typed as the vocabulary's `HostValue` type, so an input's defaults
 * autocomplete (a plain string schema would type the input as `string`). */
export function vocabularyField<V extends string>(): z.ZodType<V, V> {
  return vocabularyValue as unknown as z.ZodType<V, V>;
}

/** A slug: lower-case letters and digits separated by `-` or `_`, at most 100 characters. */
export const slug = z
  .string()
  .max(100, 'must be at most 100 characters')
  .regex(/^[a-z0-9]+([_-][a-z0-9]+)*$/, 'must be a slug (a-z, 0-9, separated by - or _)');
