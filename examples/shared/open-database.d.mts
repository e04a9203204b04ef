// Types of open-database.mjs, for the TypeScript examples.
import type { Kysely } from 'kysely';
import type pg from 'pg';

/** The example's database: a Kysely on `pool`, and `close()` which ends both. */
export interface ExampleDatabase {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the .mjs examples' untyped Kysely
  readonly db: Kysely<any>;
  readonly pool: pg.Pool;
  close(): Promise<void>;
}

/** This run of the example, a number no other run has: the persisted keys of an example carry it. */
export const RUN: number;

/** Opens the example's database: DATABASE_URL, else the embedded PostgreSQL in ./.schema-kit. */
export function openDatabase(): Promise<ExampleDatabase>;

/** Runs `main(db, pool)` with the example's database, and closes it whatever happens. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see ExampleDatabase.db
export function runExample(main: (db: Kysely<any>, pool: pg.Pool) => Promise<void>): Promise<void>;
