import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type pg from 'pg';
import { z } from 'zod';
import { parseInput } from '../validation/parse.js';
import { toSchemaKitError } from '../database-errors.js';
import { queryOnPool, type DirectPool } from './direct-pool.js';

// Named prepared statements on node-postgres, through the host's own Kysely.
//
// Kysely's PostgresDriver hands `CompiledQuery.sql` to `client.query(sql, parameters)` as is (0.28
// and 0.29 alike). node-postgres takes an object with a `submit` method as a query of its own
// (pg's Submittable, as pg-cursor uses it) and returns that object, which Kysely then awaits. So
// the hot paths pass, as their SQL, a subclass of pg's own `Query`: named (pg parses and plans the
// statement once per connection, then only binds and executes it), carrying its parameters, its
// result awaited through `then`, and its `toString()` the SQL text (what a host's `log` prints).
// Its callback is given to pg's constructor, not set afterwards as pg's promise form does: a Query
// whose callback is set after construction keeps every row of its result alive past a young-
// generation collection (2-3 µs of GC per row read, measured in bench/stream-peer.mjs).
//
// Another driver may take the SQL as a string, or refuse the object. Whether the host's Kysely
// hands the object to pg is probed once per Kysely instance (and its transactions), with a
// statement whose text and string differ: pg runs the text and answers true; a driver that reads
// the string answers false; one that refuses the object throws. Only `true` turns named
// statements on; anything else runs the plain text, unnamed, as before. pg is loaded by the probe,
// so a host on another driver never needs it.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any database type: the statement text is complete
type AnyExecutor = Kysely<any> | Transaction<any>;

/** Builds a named statement with its parameters, as the SQL of a compiled query pg runs itself. */
type NamedQueryFactory = (text: string, name: string, parameters: readonly unknown[]) => object;

/** The factory over the host's pg `Query` class: a thenable Submittable pg runs on the connection. */
function namedQueryFactory(Query: typeof pg.Query): { named: NamedQueryFactory; probe: object } {
  class NamedQuery extends Query {
    /** Set by pg's constructor (its type does not declare it). */
    declare readonly text: string;
    readonly #settled: Promise<pg.QueryResult>;

    constructor(text: string, name: string, parameters: readonly unknown[]) {
      let settle!: (error: Error | undefined, result: pg.QueryResult) => void;
      const settled = new Promise<pg.QueryResult>((resolve, reject) => {
        settle = (error, result) => (error ? reject(error) : resolve(result));
      });
      super({ text, name, values: parameters as unknown[] }, (error: Error | undefined, result: pg.QueryResult) => settle(error, result));
      this.#settled = settled;
    }

    /** Kysely awaits what `client.query` returns: this query, settled by pg's callback. */
    then<T1 = pg.QueryResult, T2 = never>(onFulfilled?: (result: pg.QueryResult) => T1 | PromiseLike<T1>, onRejected?: (error: unknown) => T2 | PromiseLike<T2>): Promise<T1 | T2> {
      return this.#settled.then(onFulfilled, onRejected);
    }

    override toString(): string {
      return this.text;
    }
  }
  /** The probe: pg runs its text (true); a driver that reads its string runs `select false`. */
  class ProbeQuery extends NamedQuery {
    override toString(): string {
      return 'select false as named';
    }
  }
  return { named: (text, name, parameters) => new NamedQuery(text, name, parameters), probe: new ProbeQuery('select true as named', 'schema_kit_probe', []) };
}

/** Per Kysely instance (keyed by its dialect adapter, shared by its transactions): how to build a
 * named statement for it, or false where its driver does not run pg's queries. */
const support = new WeakMap<object, NamedQueryFactory | false | Promise<NamedQueryFactory | false>>();

function supportKey(db: AnyExecutor): object {
  // `getExecutor().adapter` is one object per Kysely instance, shared by every transaction,
  // `withPlugin` and `withSchema` of it; where it is missing, the executor itself is the key
  const executor = (db as { getExecutor?: () => { adapter?: object } }).getExecutor?.();
  return executor?.adapter ?? db;
}

/** The named statements over pg's `Query` class, built once pg is loaded; undefined where pg is not installed. */
let pgQueries: Promise<ReturnType<typeof namedQueryFactory> | undefined> | undefined;

async function probeSupport(db: AnyExecutor, key: object): Promise<NamedQueryFactory | false> {
  pgQueries ??= import('pg').then(
    (module) => namedQueryFactory((module.default ?? module).Query),
    () => undefined,
  );
  const queries = await pgQueries;
  if (!queries) {
    support.set(key, false);
    return false;
  }
  const { named, probe } = queries;
  try {
    const { rows } = await db.executeQuery<{ named: unknown }>(CompiledQuery.raw(probe as unknown as string, []));
    const result = rows[0]?.named === true ? named : false;
    support.set(key, result);
    return result;
  } catch (error) {
    // an SQLSTATE (e.g. an aborted transaction) says nothing of the driver: ask again next time
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) support.delete(key);
    else support.set(key, false);
    return false;
  }
}

/** How `db` builds named statements (false: it runs text only); known at once after the first call on its Kysely instance. */
function namedSupport(db: AnyExecutor): NamedQueryFactory | false | Promise<NamedQueryFactory | false> {
  const key = supportKey(db);
  const known = support.get(key);
  if (known !== undefined) return known;
  const probing = probeSupport(db, key);
  support.set(key, probing);
  return probing;
}

/**
 * The `preparedStatements` option of a repository: an explicit boolean, else the environment's
 * `SCHEMA_KIT_PREPARED_STATEMENTS` (`off`, `false` or `0` turn them off), else on.
 */
export function preparedStatementsOption(value: unknown): boolean {
  if (value !== undefined) return parseInput(z.boolean(), value, 'options.preparedStatements');
  const env = typeof process === 'undefined' ? undefined : process.env.SCHEMA_KIT_PREPARED_STATEMENTS;
  return !(env !== undefined && /^(off|false|0|no)$/i.test(env.trim()));
}

/** A statement name derived from its text (cyrb53): pg refuses one name for two texts. */
function statementName(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `schema_kit_${(4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36)}`;
}

/**
 * SQL text (with `$n` parameters) that a repository builds once and runs on every call: as a named
 * prepared statement where the host's Kysely runs on node-postgres and the repository allows it,
 * else as the same text, unnamed. Either way it joins the host's transaction when run on one.
 */
export class PreparedSql {
  /** The SQL text, sent identically named or not. */
  readonly text: string;
  /** The statement's name on the server when it runs named. */
  readonly name: string;

  /** Prepares `text` (complete, schema-qualified SQL with `$n` parameters). */
  constructor(text: string) {
    this.text = text;
    this.name = statementName(text);
  }

  /**
   * Runs the statement on `db` (the host's Kysely or transaction) and returns its rows; `named`
   * is the repository's `preparedStatements` option. `pool`, where `db` is the Kysely instance
   * createSchemaKit built, runs it on the pool behind `db` without Kysely's executor. Driver
   * errors become schema-kit's errors.
   */
  run<R>(db: AnyExecutor, parameters: readonly unknown[], named: boolean, pool?: DirectPool): Promise<R[]> {
    const supported = named ? namedSupport(db) : false;
    if (supported instanceof Promise) return supported.then((factory) => this.#execute<R>(db, factory, parameters, pool));
    return this.#execute<R>(db, supported, parameters, pool);
  }

  // one promise chain, no async frames: it runs on every hot call
  #execute<R>(db: AnyExecutor, factory: NamedQueryFactory | false, parameters: readonly unknown[], pool: DirectPool | undefined): Promise<R[]> {
    const query = factory && factory(this.text, this.name, parameters);
    if (pool) return queryOnPool(pool, query || { text: this.text, values: parameters }).then(rowsOf, rethrow);
    return db.executeQuery<R>(CompiledQuery.raw((query || this.text) as string, parameters as unknown[])).then(rowsOf, rethrow);
  }
}

function rowsOf<R>(result: { rows: R[] }): R[] {
  return result.rows;
}

function rethrow(error: unknown): never {
  throw toSchemaKitError(error);
}
