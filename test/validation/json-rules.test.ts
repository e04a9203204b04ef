import { describe, expect, it } from 'vitest';
import { SchemaKitValidationError } from '../../src/index.js';
import { jsonObject, jsonObjectText, jsonValue } from '../../src/validation/common.js';
import { parseInput } from '../../src/validation/parse.js';

// The JSON rules that every details / *_metadata column checks, through the schema and through the
// hand check of the hot paths (jsonObjectText), which share them.

function refusal(value: unknown): { field: string; message: string } | undefined {
  try {
    parseInput(jsonValue, value, 'details');
    return undefined;
  } catch (error) {
    if (!(error instanceof SchemaKitValidationError)) throw error;
    return { field: error.field, message: error.issues[0]!.message };
  }
}

const nest = (levels: number): unknown => (levels === 0 ? 1 : { a: nest(levels - 1) });

describe('JSON rules', () => {
  it('names the path of the first part jsonb cannot store exactly', () => {
    expect(refusal({ a: { b: [1, 2, '\u0000'] } })).toEqual({ field: 'details.a.b.2', message: expect.stringContaining('NUL') });
    expect(refusal({ a: [1, undefined] })).toEqual({ field: 'details.a.1', message: 'must be JSON (got undefined)' });
    expect(refusal({ ok: 1, 'k\u0000': 1 })).toEqual({ field: 'details.k\u0000', message: expect.stringContaining('key must not contain NUL') });
    expect(refusal({ at: new Date(0) })).toEqual({ field: 'details.at', message: 'must be JSON (got a Date)' });
    expect(refusal([{ n: Number.NaN }])).toEqual({ field: 'details.0.n', message: 'must be a finite number' });
  });

  it('skips undefined object members, as JSON does', () => {
    expect(refusal({ a: undefined, b: 1 })).toBeUndefined();
    expect(jsonObjectText({ a: undefined, b: 1 })).toBe('{"b":1}');
  });

  it('allows 32 levels of nesting and 1,000,000 characters, and no more', () => {
    expect(refusal(nest(32))).toBeUndefined();
    expect(refusal(nest(33))).toEqual({ field: `details${'.a'.repeat(33)}`, message: 'nests deeper than 32 levels' });
    const sized = (length: number) => ({ t: 'x'.repeat(length - '{"t":""}'.length) });
    expect(refusal(sized(1_000_000))).toBeUndefined();
    expect(refusal(sized(1_000_001))).toEqual({ field: 'details', message: 'must serialise to at most 1000000 bytes' });
    expect(jsonObjectText(sized(1_000_000))).toHaveLength(1_000_000);
    expect(jsonObjectText(sized(1_000_001))).toBeUndefined();
  });

  it('jsonObjectText returns the JSON text of exactly the objects jsonObject accepts', () => {
    const cases: unknown[] = [{}, { a: [1, 'b', null, true, { c: 2 }] }, Object.create(null), [], null, 'text', 1, nest(33), { a: 1n }, new Map()];
    for (const value of cases) {
      const accepted = jsonObject.safeParse(value).success;
      expect(jsonObjectText(value)).toBe(accepted ? JSON.stringify(value) : undefined);
    }
  });
});
