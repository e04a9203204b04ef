/**
 * Column types shared by the table interfaces. They mean what kysely-codegen generates for the
 * same PostgreSQL types, so the interfaces can be checked against the migrated database.
 */
import type { ColumnType } from 'kysely';

/** A column the database fills when an insert leaves it out (a DEFAULT). */
export type Generated<T> =
  T extends ColumnType<infer S, infer I, infer U>
    ? ColumnType<S, I | undefined, U>
    : ColumnType<T, T | undefined, T>;

/** A `GENERATED ALWAYS AS IDENTITY` column: read-only, never inserted or updated. */
export type GeneratedAlways<T> =
  T extends ColumnType<infer S, unknown, unknown> ? ColumnType<S, never, never> : ColumnType<T, never, never>;

/** A `bigint` column: node-postgres returns it as a string, so no precision is lost. */
export type Int8 = ColumnType<string, bigint | number | string, bigint | number | string>;

/** A `timestamptz` or `date` column: read as a `Date`, written as a `Date` or an ISO string. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** A JSON array. */
export type JsonArray = JsonValue[];

/** A JSON object. */
export type JsonObject = {
  [x: string]: JsonValue | undefined;
};

/** A JSON scalar. */
export type JsonPrimitive = boolean | number | string | null;

/** Any JSON value. */
export type JsonValue = JsonArray | JsonObject | JsonPrimitive;

/** A `jsonb` column. */
export type Json = JsonValue;
