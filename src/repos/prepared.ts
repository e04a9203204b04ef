import { CompiledQuery, RawNode, type Kysely, type QueryId, type Transaction } from 'kysely';
import type pg from 'pg';
import { z } from 'zod';
import { parseInput } from '../validation/parse.js';
import { leavesConnectionUnusable, sqlStateOf, toSchemaKitError } from '../database-errors.js';
import { SchemaKitDatabaseError } from '../errors.js';

/**
 * The fast path: SQL text a repository builds once (`PreparedSql`) and runs on every hot call, as
 * a named prepared statement where node-postgres runs it. Everything the fast path does lives in
 * this module. What it promises (docs/guarantees.md names the test of each):
 *
 * 1. Named statements only where node-postgres's `Client` runs them. A per-instance probe decides
 *    (per Kysely instance, shared by its transactions; per `createSchemaKit` kit): pg calls the
 *    probe's `submit()`, which answers at once without sending anything, so on pg the probe costs
 *    no round trip. The probe (a String object that is also a pg Submittable) is handed only to
 *    the connection of Kysely's PostgresDialect (a pg pool's client) and to createSchemaKit's
 *    pg.Pool; any other dialect (PGlite, kysely-pglite, postgres.js) never receives an object. A
 *    pool behind PostgresDialect whose client reads the SQL as a string runs the probe as a harmless
 *    `select`; one that refuses objects throws before sending: either way, text from then on.
 * 2. No call waits for another: a call never waits for a probe started by another call, and a
 *    probe runs on the connection the call already holds (in a transaction) or before the call
 *    takes one (outside). No internal query needs a second connection while holding one, so a
 *    burst of calls on a pool of one connection cannot deadlock.
 * 3. A failed probe (e.g. in an aborted transaction, on a driver that sends it) leaves that
 *    instance undecided, to be probed again by a later call; it changes nothing for any other
 *    instance. Probe objects are never reused.
 * 4. A named statement the server no longer accepts on a connection (0A000: a returned column
 *    changed type, "cached plan must not change result type"; 26000: the statement is gone, e.g.
 *    after DISCARD ALL) is renamed process-wide (every connection prepares it afresh under the new
 *    name) and, outside a transaction, retried once, after DEALLOCATE of the old name on that
 *    connection where the fast path holds it (createSchemaKit's pool). Inside a transaction the
 *    failure aborted it: a `SchemaKitDatabaseError` `transaction_aborted` says so; the host's
 *    retry of the transaction runs under the new name.
 * 5. A host's Kysely `log` sees `event.query.sql` as the SQL text (a string): the statement object
 *    is handed to the driver once, on the first read of `sql` (Kysely's driver reads it once).
 * 6. On createSchemaKit's pool, a client is released with the error (pg-pool then discards it)
 *    after a connection-class failure (`leavesConnectionUnusable`: no SQLSTATE, class 08, a session
 *    the server ended; or an 'error' the client emitted while checked out); any other failure
 *    releases it for reuse. Only public APIs of pg and pg-pool are used (`connect`, `query`, `release(err)`, 'error' events, the Submittable protocol).
 * 7. createSchemaKit never silences the host's pool: it adds one 'error' listener that does nothing
 *    while the host has a listener of its own (the host's see every error), and that, while the
 *    host has none, keeps an idle client's failure from crashing the process and reports it as a
 *    process warning (code `SCHEMA_KIT_POOL_ERROR`). Clients it checks out are guarded while out.
 * 8. Every error leaving the fast path is a `SchemaKitError` with the driver's error as its cause.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any database type: the statement text is complete
type AnyExecutor = Kysely<any> | Transaction<any>;

/** Builds a named statement with its parameters, as an object pg runs itself (a Submittable). */
type NamedQueryFactory = (text: string, name: string, parameters: readonly unknown[]) => PromiseLike<pg.QueryResult>;

/** An object a probe settles with: did node-postgres's Client run it. */
interface ProbeQuery {
  readonly ranByPg: boolean;
}

/** The statements over the host's pg `Query` class (pg is loaded only when a probe runs). */
interface PgQueries {
  readonly named: NamedQueryFactory;
  readonly probe: () => ProbeQuery;
}

/** What the probe's text is, for a driver that reads the object as a string (one harmless read). */
const PROBE_SQL = 'select false as named';

function pgQueries(Query: typeof pg.Query): PgQueries {
  // Kysely's PostgresDriver hands `CompiledQuery.sql` to `client.query(sql, parameters)` as is.
  // node-postgres takes an object with a `submit` method as a query of its own (pg's Submittable,
  // as pg-cursor uses it) and returns it; Kysely awaits it. Its callback is given to pg's
  // constructor, not set afterwards as pg's promise form does: a Query whose callback is set after
  // construction keeps every row of its result alive past a young-generation collection (2-3 µs
  // of GC per row read, measured in bench/stream-peer.mjs).
  class NamedQuery extends Query {
    /** Set by pg's constructor (its type does not declare it). */
    declare readonly text: string;
    readonly #settled: Promise<pg.QueryResult>;

    constructor(config: pg.QueryConfig) {
      let settle!: (error: Error | undefined, result: pg.QueryResult) => void;
      const settled = new Promise<pg.QueryResult>((resolve, reject) => {
        settle = (error, result) => (error ? reject(error) : resolve(result));
      });
      super(config, (error: Error | undefined, result: pg.QueryResult) => settle(error, result));
      this.#settled = settled;
    }

    /** Kysely awaits what `client.query` returns: this query, settled by pg's callback. */
    then<T1 = pg.QueryResult, T2 = never>(onFulfilled?: ((result: pg.QueryResult) => T1 | PromiseLike<T1>) | null, onRejected?: ((error: unknown) => T2 | PromiseLike<T2>) | null): Promise<T1 | T2> {
      return this.#settled.then(onFulfilled, onRejected);
    }

    override toString(): string {
      return this.text;
    }
  }

  return {
    named: (text, name, parameters) => new NamedQuery({ text, name, values: parameters as unknown[] }),
    probe: () => new Probe(),
  };
}

/** What pg hands back to the probe's `handleError`: the marker its `submit` returned. */
const answered = new Error('schema-kit probe: run by node-postgres');

/**
 * The probe: a string (a String object whose value is {@link PROBE_SQL}) that is also a pg
 * Submittable. pg calls its `submit`, which sends nothing and returns a marker that pg hands back
 * to `handleError` on the next tick: no round trip. A driver that reads it as a string runs a
 * harmless select; one that refuses objects throws before sending anything. Every other object a
 * driver might misread (a pg `Query`) is only ever given to a driver this probe found to be pg.
 */
class Probe extends String implements ProbeQuery {
  ranByPg = false;
  /** Set by pg (its read timeout wraps it): settles the promise Kysely awaits. */
  callback: (error: Error | undefined, result?: unknown) => void;
  readonly #settled: Promise<unknown>;

  constructor() {
    super(PROBE_SQL);
    let settle!: (error: Error | undefined, result?: unknown) => void;
    this.#settled = new Promise((resolve, reject) => {
      settle = (error, result) => (error ? reject(error) : resolve(result));
    });
    this.callback = settle;
  }

  submit(): Error {
    this.ranByPg = true;
    return answered; // pg calls handleError(answered) on the next tick, then runs its next query
  }

  handleError(error: Error): void {
    this.callback(error === answered ? undefined : error, { command: 'SELECT', rowCount: 1, rows: [{ named: true }], fields: [] });
  }

  then<T1 = unknown, T2 = never>(onFulfilled?: ((result: unknown) => T1 | PromiseLike<T1>) | null, onRejected?: ((error: unknown) => T2 | PromiseLike<T2>) | null): Promise<T1 | T2> {
    return this.#settled.then(onFulfilled, onRejected);
  }
}

/** pg's Query class, loaded once; undefined where pg is not installed. */
let loading: Promise<PgQueries | undefined> | undefined;
let loaded: PgQueries | undefined;

function loadPg(): Promise<PgQueries | undefined> {
  loading ??= import('pg').then(
    (module) => (loaded = pgQueries((module.default ?? module).Query)),
    () => undefined,
  );
  return loading;
}

/** Whether a place runs named statements: yes, no, a probe in flight (run as text meanwhile). */
type Support = 'named' | 'text' | 'probing';

/** Per Kysely instance (keyed by its dialect adapter, shared by its transactions). */
const support = new WeakMap<object, Support>();

function supportKey(db: AnyExecutor): object {
  // `getExecutor().adapter` is one object per Kysely instance, shared by every transaction,
  // `withPlugin` and `withSchema` of it; where it is missing, the executor itself is the key
  const executor = (db as { getExecutor?: () => { adapter?: object } }).getExecutor?.();
  return executor?.adapter ?? db;
}

/**
 * A compiled query whose `sql` is `statement` on its first read (the driver's: Kysely's
 * PostgresConnection reads it once, to hand it to `client.query`) and the SQL text on every later
 * read (a host's `log`, after the statement ran). A class: its getter lives on the prototype.
 */
class CompiledOnce {
  #statement: object | undefined;
  readonly queryId: QueryId = { queryId: 'schema-kit' } as QueryId;

  constructor(
    statement: object,
    readonly text: string,
    readonly query: RawNode,
    readonly parameters: readonly unknown[],
  ) {
    this.#statement = statement;
  }

  get sql(): string {
    const statement = this.#statement;
    if (statement === undefined) return this.text;
    this.#statement = undefined;
    return statement as unknown as string;
  }
}

/** The raw node of a text (immutable: one per text). */
const rawNodes = new Map<string, RawNode>();

function rawNodeOf(text: string): RawNode {
  let node = rawNodes.get(text);
  if (!node) rawNodes.set(text, (node = RawNode.createWithSql(text)));
  return node;
}

function compiledOnce(statement: object, text: string, parameters: readonly unknown[], node: RawNode = rawNodeOf(text)): CompiledQuery {
  return new CompiledOnce(statement, text, node, parameters) as unknown as CompiledQuery;
}

/** Probes `run` (a statement runner on the connection the caller holds or takes next); resolves to the answer. */
function probe(run: (statement: ProbeQuery) => PromiseLike<unknown>, queries: PgQueries): Promise<Support | undefined> {
  const statement = queries.probe();
  let answer: Promise<unknown>;
  try {
    answer = Promise.resolve(run(statement));
  } catch (error) {
    answer = Promise.reject(error);
  }
  return answer.then(
    () => (statement.ranByPg ? 'named' : 'text'),
    (error: unknown) => {
      if (statement.ranByPg) return 'named';
      // an SQLSTATE (e.g. an aborted transaction) says nothing of the driver: ask again later
      return sqlStateOf(error) ? undefined : 'text';
    },
  );
}

/** The connection interface of Kysely (what `provideConnection` hands out). */
interface KyselyConnection {
  executeQuery(compiled: CompiledQuery): Promise<unknown>;
}

/**
 * Whether `connection` is the connection of Kysely's own PostgresDriver (PostgresDialect), whose
 * client is a pg pool's: only there may the probe, an object, be handed to the driver. Another
 * dialect's connection (PGlite's, kysely-pglite's, postgres.js's) never gets an object: PGlite
 * misreads one and answers the next message with 08P01. A name that differs (a host's bundler that
 * renames classes) only costs the named statements: the SQL runs as text.
 */
function isPostgresDialectConnection(connection: object): boolean {
  return (Object.getPrototypeOf(connection) as { constructor?: { name?: string } } | null)?.constructor?.name === 'PostgresConnection';
}

/**
 * Decides `db`'s support, on a connection of its own executor: the transaction's own (no second
 * connection), or, outside one, a connection taken before the call takes its own (the call holds
 * none meanwhile). Where the executor cannot be asked, the SQL runs as text.
 */
function probeKysely(db: AnyExecutor, key: object): Promise<void> {
  support.set(key, 'probing');
  const executor = (db as { getExecutor?: () => { provideConnection?: <T>(consumer: (connection: KyselyConnection) => Promise<T>) => Promise<T> } }).getExecutor?.();
  return loadPg()
    .then((queries) => {
      if (!queries || typeof executor?.provideConnection !== 'function') return 'text' as const;
      return executor.provideConnection((connection) =>
        isPostgresDialectConnection(connection) ? probe((statement) => connection.executeQuery(compiledOnce(statement, PROBE_SQL, [])), queries) : Promise.resolve('text' as const),
      );
    })
    .then(
      (answer) => {
        if (answer) support.set(key, answer);
        else support.delete(key);
      },
      () => void support.delete(key), // no connection to ask on: the call fails or runs as text, a later one asks again
    );
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

/** The current name of a statement text, shared by every PreparedSql of that text in the process. */
interface StatementName {
  name: string;
  generation: number;
}

const names = new Map<string, StatementName>();

/** SQLSTATEs after which a named statement is prepared again: its plan went stale, or it is gone. */
function isStaleStatement(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '0A000' || code === '26000';
}

/** Renames a stale statement (once per stale name, however many calls saw it fail). */
function renew(entry: StatementName, base: string, staleName: string): void {
  if (entry.name !== staleName) return;
  entry.generation += 1;
  entry.name = `${base}_${entry.generation}`;
}

function staleInTransaction(error: unknown): SchemaKitDatabaseError {
  return new SchemaKitDatabaseError(
    'transaction_aborted',
    'A prepared statement of schema-kit no longer matched the table (a returned column changed type, or the statement was deallocated): ' +
      'the statement failed and PostgreSQL aborted the transaction; it was rolled back. Retry the transaction: it prepares the statement afresh.',
    sqlStateOf(error),
    error,
  );
}

/** The pool behind a Kysely instance schema-kit built, while that instance is open. */
export interface DirectPool {
  /** Checks a client out of the host's pool, guarded while it is out. */
  readonly checkOut: () => Promise<pg.PoolClient>;
  /** Returns a client to the pool: with `error` where it must be discarded (a connection-class failure, or an 'error' the client emitted while out). */
  readonly release: (client: pg.PoolClient, error?: unknown) => void;
  /** False once the Kysely instance is destroyed: calls are refused, as Kysely refuses them. */
  open: boolean;
  /** Whether this pool's clients run named statements (decided by a probe on a client). */
  support: Support | undefined;
}

/** Pools whose 'error' createSchemaKit guards (one listener per pool, however many kits). */
const guardedPools = new WeakSet<pg.Pool>();

/** The 'error' a client emitted while the fast path had it checked out (its listener stays: one per client, not one per checkout). */
const clientFailures = new WeakMap<pg.PoolClient, { failed: unknown }>();

/**
 * The fast path over a host's pool, for createSchemaKit: one 'error' listener on the pool (see the
 * contract, 7) and a checkout that guards a client while it is out and releases it with the error
 * after a connection-class failure.
 */
export function directPool(pool: pg.Pool): DirectPool {
  if (!guardedPools.has(pool)) {
    guardedPools.add(pool);
    pool.on('error', (error: Error) => {
      if (pool.listenerCount('error') > 1) return; // the host listens: its listeners see the error
      process.emitWarning(`an idle client of the pg pool failed and the pool has no 'error' listener of the host's: ${error.message}`, { code: 'SCHEMA_KIT_POOL_ERROR' });
    });
  }
  const checkOut = (): Promise<pg.PoolClient> =>
    pool.connect().then((client) => {
      const state = clientFailures.get(client);
      if (state) state.failed = undefined;
      else {
        const fresh = { failed: undefined as unknown };
        clientFailures.set(client, fresh);
        client.on('error', (error: unknown) => {
          fresh.failed ??= error;
        });
      }
      return client;
    });
  const release = (client: pg.PoolClient, error?: unknown): void => {
    const failed = clientFailures.get(client)?.failed ?? (error !== undefined && leavesConnectionUnusable(error) ? error : undefined);
    client.release(failed === undefined ? undefined : failed instanceof Error ? failed : true);
  };
  return { checkOut, release, open: true, support: undefined };
}

/** The pool for Kysely's PostgresDialect: clients checked out and released through the guard. */
export function kyselyPool(direct: DirectPool, end: () => Promise<void>): { connect: () => Promise<pg.PoolClient>; end: () => Promise<void> } {
  const connect = async (): Promise<pg.PoolClient> => {
    const client = await direct.checkOut();
    let lastError: unknown;
    let released = false;
    // Kysely's driver calls query (SQL, a pg Query or a cursor) and release(); what failed decides the release
    const query = (...args: unknown[]): unknown => {
      const result = (client.query as (...a: unknown[]) => unknown)(...args);
      if (result && typeof (result as PromiseLike<unknown>).then === 'function') {
        (result as PromiseLike<unknown>).then(
          () => (lastError = undefined),
          (error: unknown) => (lastError = error),
        );
      }
      return result;
    };
    const release = (): void => {
      if (released) return;
      released = true;
      direct.release(client, lastError);
    };
    return { query, release } as unknown as pg.PoolClient;
  };
  return { connect, end };
}

/** Directly-runnable pools, keyed by the executor of the Kysely instance schema-kit built; derived instances have their own. */
const directPools = new WeakMap<object, DirectPool>();

/** The executor of `db` (Kysely's `getExecutor()`, marked internal): one object per instance, new for each one derived from it. */
function executorOf(db: object): object | undefined {
  return (db as { getExecutor?: () => object }).getExecutor?.();
}

/** Lets repositories built on `db` (a Kysely instance schema-kit owns) run prepared SQL on `pool` directly. */
export function runOnPoolDirectly(db: object, pool: DirectPool): void {
  const executor = executorOf(db);
  if (executor) directPools.set(executor, pool);
}

/** The pool `db` may be bypassed for: set only on the very Kysely instance createSchemaKit built. */
export function directPoolOf(db: object): DirectPool | undefined {
  const executor = executorOf(db);
  return executor && directPools.get(executor);
}

/**
 * SQL text (with `$n` parameters) that a repository builds once and runs on every call: as a named
 * prepared statement where the host's Kysely runs on node-postgres and the repository allows it,
 * else as the same text, unnamed. Either way it joins the host's transaction when run on one.
 */
export class PreparedSql {
  /** The SQL text, sent identically named or not. */
  readonly text: string;
  readonly #base: string;
  readonly #name: StatementName;
  readonly #node: RawNode;

  /** Prepares `text` (complete, schema-qualified SQL with `$n` parameters). */
  constructor(text: string) {
    this.text = text;
    this.#base = statementName(text);
    let entry = names.get(text);
    if (!entry) names.set(text, (entry = { name: this.#base, generation: 0 }));
    this.#name = entry;
    this.#node = rawNodeOf(text);
  }

  /** The statement's name on the server when it runs named (a new one after its plan went stale). */
  get name(): string {
    return this.#name.name;
  }

  /**
   * Runs the statement on `db` (the host's Kysely or transaction) and returns its rows; `named`
   * is the repository's `preparedStatements` option. `pool`, where `db` is the Kysely instance
   * createSchemaKit built, runs it on the pool behind `db` without Kysely's executor. Driver
   * errors become schema-kit's errors.
   */
  run<R>(db: AnyExecutor, parameters: readonly unknown[], named: boolean, pool?: DirectPool): Promise<R[]> {
    if (pool) return this.#onPool<R>(pool, parameters, named).then(rowsOf, rethrow);
    if (!named) return this.#text<R>(db, parameters);
    const key = supportKey(db);
    const known = support.get(key);
    if (known === 'named' && loaded) return this.#named<R>(db, parameters, loaded, true);
    if (known !== undefined) return this.#text<R>(db, parameters); // text, or a probe in flight: never wait for another call
    // after the probe: its answer, or text where it was refused (asked again by a later call)
    return probeKysely(db, key).then(() => (support.get(key) === 'named' && loaded ? this.#named<R>(db, parameters, loaded, true) : this.#text<R>(db, parameters)), rethrow);
  }

  #text<R>(db: AnyExecutor, parameters: readonly unknown[]): Promise<R[]> {
    return db.executeQuery<R>(CompiledQuery.raw(this.text, parameters as unknown[])).then(rowsOf, rethrow);
  }

  // one promise chain, no async frames: it runs on every hot call
  #named<R>(db: AnyExecutor, parameters: readonly unknown[], queries: PgQueries, retry: boolean): Promise<R[]> {
    const name = this.#name.name;
    const statement = queries.named(this.text, name, parameters);
    return db.executeQuery<R>(compiledOnce(statement, this.text, parameters, this.#node)).then(rowsOf, (error: unknown) => {
      if (!isStaleStatement(error)) throw toSchemaKitError(error);
      renew(this.#name, this.#base, name);
      if (db.isTransaction) throw staleInTransaction(error);
      if (!retry) throw toSchemaKitError(error);
      return this.#named<R>(db, parameters, queries, false);
    });
  }

  /** On createSchemaKit's pool: one client for the probe (first call), the statement and its one retry; one promise chain. */
  #onPool<R>(pool: DirectPool, parameters: readonly unknown[], named: boolean): Promise<{ rows: R[] }> {
    if (!pool.open) return Promise.reject(new Error('the Kysely instance of createSchemaKit has been destroyed'));
    return pool.checkOut().then((client) => {
      if (named && pool.support === undefined) return this.#probeOnClient<R>(pool, client, parameters);
      const name = named && pool.support === 'named' && loaded ? this.#name.name : undefined;
      const running = name ? submit<R>(client, loaded!.named(this.text, name, parameters)) : (client.query({ text: this.text, values: parameters as unknown[] }) as unknown as PromiseLike<{ rows: R[] }>);
      return running.then(
        (result) => {
          pool.release(client);
          return result;
        },
        (error: unknown) => (name ? this.#retryOnClient<R>(pool, client, parameters, name, error) : failOnClient(pool, client, error)),
      );
    });
  }

  /** The first call on a kit: the probe on its client, then the call on the same client. */
  async #probeOnClient<R>(pool: DirectPool, client: pg.PoolClient, parameters: readonly unknown[]): Promise<{ rows: R[] }> {
    pool.support = 'probing';
    let name: string | undefined;
    try {
      const queries = await loadPg();
      pool.support = queries ? await probe((statement) => client.query(statement as unknown as pg.QueryConfig), queries) : 'text';
      name = pool.support === 'named' && loaded ? this.#name.name : undefined;
      const result = await (name ? submit<R>(client, loaded!.named(this.text, name, parameters)) : (client.query({ text: this.text, values: parameters as unknown[] }) as unknown as PromiseLike<{ rows: R[] }>));
      pool.release(client);
      return result;
    } catch (error) {
      if (name) return this.#retryOnClient<R>(pool, client, parameters, name, error);
      return failOnClient(pool, client, error);
    }
  }

  /** A named statement failed on `client`: stale, it is renamed, deallocated there and run once more; else the failure stands. */
  async #retryOnClient<R>(pool: DirectPool, client: pg.PoolClient, parameters: readonly unknown[], name: string, error: unknown): Promise<{ rows: R[] }> {
    if (!isStaleStatement(error)) return failOnClient(pool, client, error);
    renew(this.#name, this.#base, name);
    try {
      // outside a transaction the failure undid nothing: free the stale statement here, run it afresh
      if ((error as { code?: unknown }).code === '0A000') await client.query(`deallocate "${name}"`).catch(() => undefined);
      const result = await submit<R>(client, loaded!.named(this.text, this.#name.name, parameters));
      pool.release(client);
      return result;
    } catch (retried) {
      return failOnClient(pool, client, retried);
    }
  }
}

function failOnClient(pool: DirectPool, client: pg.PoolClient, error: unknown): never {
  pool.release(client, error);
  throw error;
}

/** Runs a named statement (a pg Submittable) on `client`; pg returns the statement, which settles with its result. */
function submit<R>(client: pg.PoolClient, statement: PromiseLike<pg.QueryResult>): PromiseLike<{ rows: R[] }> {
  return client.query(statement as unknown as pg.QueryConfig) as unknown as PromiseLike<{ rows: R[] }>;
}

function rowsOf<R>(result: { rows: R[] }): R[] {
  return result.rows;
}

function rethrow(error: unknown): never {
  throw toSchemaKitError(error);
}
