import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SchemaKitValidationError } from '../../src/index.js';
import { eventListParameters, eventParameters, newEventListSchema, newEventSchema, plainEventParameters, type EventParameters } from '../../src/modules/audit/validation.js';
import { parseInput } from '../../src/validation/parse.js';
import { hostileJson, hostileString, hostileValue } from './arbitraries.js';

// EventLogRepo.append and appendMany check a plain event by hand (plainEventParameters) and hand
// anything else to newEventSchema. Both must accept exactly the same events and bind the same
// parameters; errors always come from the schema.

const RUNS = { numRuns: 5000 };
const MIN_TIMESTAMPTZ = Date.UTC(-4713, 10, 24);

/** What the schema makes of an event, as the insert binds it: the reference for the hand check. */
function bySchema(value: unknown): EventParameters | SchemaKitValidationError {
  try {
    const row = parseInput(newEventSchema, value, 'event');
    return [row.user_id ?? null, row.action, row.entity_type, row.entity_id, JSON.stringify(row.details ?? {}), row.timestamp ?? null];
  } catch (error) {
    if (error instanceof SchemaKitValidationError) return error;
    throw error;
  }
}

/** A field's values: mostly valid ones, now and then one the schema refuses, or none at all. */
const ABSENT = Symbol('absent');
const values = (valid: fc.Arbitrary<unknown>, invalid: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 12, arbitrary: valid }, { weight: 2, arbitrary: invalid }, { weight: 1, arbitrary: fc.constant(ABSENT) });
const text = (max: number) =>
  values(
    fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom('a'.repeat(max), 'é'.repeat(max), '😀'.repeat(max / 2), '\ud83d\ude00')),
    fc.oneof(fc.constantFrom('', 'a'.repeat(max + 1), 'a\u0000', '\ud800x', 'x\udc00'), hostileString, hostileValue),
  );
const deep = (levels: number): unknown => (levels === 0 ? 1 : { a: deep(levels - 1) });
const field = {
  user_id: fc.oneof(text(512), fc.constantFrom(null, undefined)),
  action: text(128),
  entity_type: text(128),
  entity_id: fc.oneof(
    text(512),
    values(fc.oneof(fc.integer(), fc.constantFrom(-0, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER)), fc.constantFrom(Number.MAX_SAFE_INTEGER + 1, Number.MIN_SAFE_INTEGER - 1, 1.5, NaN, Infinity)),
  ),
  details: values(
    fc.oneof(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })), fc.constantFrom(undefined, { ok: 'x'.repeat(999_000) }, deep(32), { a: undefined }, Object.create(null) as object)),
    fc.oneof(
      hostileJson,
      fc.constantFrom(null, [], { big: 'x'.repeat(1_000_000) }, deep(33), { a: [1, undefined] }, { d: new Date(0) }, new Map(), { nested: Object.create(null) as object }),
      hostileValue,
    ),
  ),
  timestamp: values(
    fc.oneof(fc.date({ noInvalidDate: true, min: new Date(MIN_TIMESTAMPTZ) }), fc.constantFrom(undefined, new Date(MIN_TIMESTAMPTZ), new Date(8.64e15))),
    fc.oneof(fc.constantFrom(new Date('garbage'), new Date(MIN_TIMESTAMPTZ - 1), '2026-01-01', 0), hostileValue),
  ),
};

/** Events as hosts build them, valid and not: any field missing or wrong, an extra key now and then. */
const plainEvent = fc
  .record(field)
  .map((fields) => Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== ABSENT)))
  .chain((event) => fc.oneof({ weight: 6, arbitrary: fc.constant(event) }, { weight: 1, arbitrary: hostileString.map((key) => ({ ...event, [key]: 1 })) }));

/** The same events as objects that are not plain (bar a null prototype): what only the schema may judge. */
const unusualEvent = plainEvent.chain((event) =>
  fc.constantFrom<unknown>(
    Object.assign(Object.create(null) as object, event),
    Object.assign(Object.create({ inherited: true }) as object, event),
    Object.assign(new (class Event {})(), event),
    [event],
  ),
);

describe('the hand check of appended events agrees with newEventSchema', () => {
  it('accepts exactly the plain events the schema accepts, with the same parameters', () => {
    let accepted = 0;
    fc.assert(
      fc.property(plainEvent, (event) => {
        const reference = bySchema(event);
        const plain = plainEventParameters(event);
        if (reference instanceof SchemaKitValidationError) expect(plain).toBeUndefined();
        else expect(plain).toEqual(reference);
        if (plain) accepted++;
      }),
      RUNS,
    );
    // both sides of the boundary are exercised, not only refusals
    expect(accepted).toBeGreaterThan(RUNS.numRuns / 5);
  });

  it('leaves every object that is not plain to the schema, and eventParameters gives what the schema gives', () => {
    fc.assert(
      fc.property(fc.oneof(plainEvent, unusualEvent, hostileValue), (event) => {
        const prototype: unknown = typeof event === 'object' && event !== null ? Object.getPrototypeOf(event) : undefined;
        if (prototype !== Object.prototype && prototype !== null) expect(plainEventParameters(event)).toBeUndefined();
        const reference = bySchema(event);
        if (reference instanceof SchemaKitValidationError) {
          const error = (() => {
            try {
              eventParameters(event, 'event');
            } catch (thrown) {
              return thrown;
            }
          })();
          expect(error).toBeInstanceOf(SchemaKitValidationError);
          expect((error as SchemaKitValidationError).field).toBe(reference.field);
          expect((error as SchemaKitValidationError).message).toBe(reference.message);
        } else {
          expect(eventParameters(event, 'event')).toEqual(reference);
        }
      }),
      RUNS,
    );
  });

  it('eventListParameters gives what newEventListSchema gives, in order, or its error', () => {
    const list = fc.oneof(fc.array(fc.oneof({ weight: 5, arbitrary: plainEvent }, { weight: 1, arbitrary: unusualEvent }), { maxLength: 6 }), hostileValue);
    fc.assert(
      fc.property(list, (events) => {
        let reference: EventParameters[] | SchemaKitValidationError;
        try {
          reference = parseInput(newEventListSchema, events, 'events').map((row) => bySchema(row) as EventParameters);
        } catch (error) {
          reference = error as SchemaKitValidationError;
        }
        if (reference instanceof SchemaKitValidationError) {
          expect(() => eventListParameters(events, 'events')).toThrow(reference.message);
        } else {
          expect(eventListParameters(events, 'events')).toEqual(reference);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('judges the bounds of a list as the schema does: 10,000 events, 64 MB of JSON', () => {
    const event = { action: 'a', entity_type: 't', entity_id: 1 };
    expect(eventListParameters(Array.from({ length: 10_000 }, () => event), 'events')).toHaveLength(10_000);
    expect(() => eventListParameters(Array.from({ length: 10_001 }, () => event), 'events')).toThrow('must hold at most 10000 events');
    const large = { ...event, details: { text: 'x'.repeat(900_000) } };
    expect(() => eventListParameters(Array.from({ length: 72 }, () => large), 'events')).toThrow('must total at most 64000000 characters of JSON');
  });
});
