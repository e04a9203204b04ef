import fc from 'fast-check';

/** Strings a hostile or careless caller might send: any UTF-16 (lone surrogates and NUL included),
 * SQL metacharacters, very long and empty ones. */
export const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', 'a\u0000b', "'; drop table schema_kit.users; --", '$1', '\\', '"', '%_', '\ud800', '😀'.repeat(300)),
  fc.string({ minLength: 500, maxLength: 600 }),
);

/** Anything at all, for arguments that should be strings. */
export const hostileValue = fc.oneof(hostileString, fc.anything(), fc.constantFrom(undefined, null, NaN, Infinity, 42n, new Date('x'), () => 1));

/** JSON-ish documents, including values jsonb cannot store exactly (NUL, lone surrogates, -0, NaN). */
export const hostileJson = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.object({ maxDepth: 3, key: hostileString, values: [hostileString, fc.double(), fc.boolean(), fc.constant(null)] }),
  fc.dictionary(hostileString, fc.jsonValue({ maxDepth: 2 })),
);

/** What jsonb gives back for a JSON value that was accepted: its JSON round trip. */
export function jsonRoundTrip(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}
