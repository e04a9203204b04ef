import { z } from 'zod';

/** Text PostgreSQL stores exactly as given: no NUL (`\u0000`), which `text` and `jsonb` refuse,
 * and no lone UTF-16 surrogate, which cannot be encoded as UTF-8. */
function storable(value: string): boolean {
  return !value.includes('\u0000') && !LONE_SURROGATE.test(value);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const NOT_STORABLE = 'must not contain NUL (\\u0000) characters or lone surrogates';

/** A non-empty identifier of at most `max` characters, without NUL. */
export function idText(max = 512) {
  return z
    .string()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine(storable, NOT_STORABLE);
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

/** Why `value` is not a JSON value jsonb can store exactly, with the path to the problem, or undefined. */
function jsonProblem(value: unknown, path: (string | number)[], depth: number): { path: (string | number)[]; message: string } | undefined {
  if (depth > MAX_JSON_DEPTH) return { path, message: `nests deeper than ${MAX_JSON_DEPTH} levels` };
  if (value === null || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : { path, message: 'must be a finite number' };
  if (typeof value === 'string') return storable(value) ? undefined : { path, message: NOT_STORABLE };
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const problem = jsonProblem(item, [...path, index], depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) {
      if (!storable(key)) return { path: [...path, key], message: `key ${NOT_STORABLE}` };
      if (item === undefined) continue;
      const problem = jsonProblem(item, [...path, key], depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  return { path, message: `must be JSON (got ${value instanceof Date ? 'a Date' : typeof value})` };
}

/** Any JSON value jsonb stores exactly: plain objects, arrays, finite numbers, strings without NUL,
 * booleans and null, at most 32 levels deep and 1 MB serialised. */
export const jsonValue = z.unknown().superRefine((value, ctx) => {
  const problem = jsonProblem(value, [], 0);
  if (problem) {
    ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
  } else if (JSON.stringify(value ?? null).length > MAX_JSON_BYTES) {
    ctx.addIssue({ code: 'custom', message: `must serialise to at most ${MAX_JSON_BYTES} bytes` });
  }
});

/** A JSON object (the shape of every `details` / `*_metadata` column). */
export const jsonObject = jsonValue.refine(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  'must be a JSON object',
) as unknown as z.ZodType<Record<string, unknown>>;

/** A cursor naming a `bigint` id, as log tables return in `next`. */
export const idCursor = z.string().regex(/^[1-9]\d{0,18}$/, 'must be a cursor returned as `next` by a previous page');

/** A cursor naming a uuid row, as entity tables return in `next`. */
export const uuidCursor = uuid.refine(() => true, 'must be a cursor returned as `next` by a previous page');

/** A page request: an opaque `after` cursor from a previous page's `next`, and a `limit` (1-1000, default 50). */
export function pageOptions<C extends z.ZodType<string>>(cursor: C) {
  return z
    .object({
      after: cursor.optional(),
      limit: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(50),
    })
    .strict();
}

/** A valid Date (not `new Date('garbage')`). */
export const validDate = z.date({ error: 'must be a Date' }).refine((d) => !Number.isNaN(d.getTime()), 'must be a valid Date');

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
