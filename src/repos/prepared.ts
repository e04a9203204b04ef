/**
 * The fast path: SQL text a repository builds once (`PreparedSql`) and runs on every hot call, as
 * a named prepared statement where node-postgres runs it. A call reads in this file (which way a
 * statement runs, its names and retries) and pg-wire.ts (what node-postgres receives, and the
 * probe); statement-names.ts names the statements and direct-pool.ts holds createSchemaKit's pool.
 * What it promises (docs/guarantees.md names the test of each):
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

import { CompiledQuery, type RawNode } from 'kysely';
import type pg from 'pg';
import { toSchemaKitError } from '../database-errors.js';
import type { DirectPool } from './direct-pool.js';
import { refuseIfGuarded } from './handler-guard.js';
import { noteStatement, repoCalls, verbOf } from '../observability/channels.js';
import { compiledOnce, loaded, loadPg, probe, probeKysely, rawNodeOf, support, supportKey, type AnyExecutor, type PgQueries } from './pg-wire.js';
import type { Executor, RepoContext } from './repo-context.js';
import { isStaleStatement, names, renew, staleInTransaction, statementName, type StatementName } from './statement-names.js';

/**
 * Runs SQL prepared once (with `$n` parameters) on the repository's executor, or on `db` (one of
 * the host's transactions), and returns its rows: named where the connection allows it and the
 * repository's `preparedStatements` option does; on createSchemaKit's own Kysely, on its pool
 * without Kysely's executor (see prepared.ts). The hot paths use it, because building and
 * compiling a query on every call costs about as much client CPU as the driver itself, and a named
 * statement saves the server's parse and plan (bench/overhead.bench.mjs, bench/peers.bench.mjs).
 */
export function runPrepared<R>(ctx: RepoContext, statement: PreparedSql, parameters: readonly unknown[], db: Executor = ctx.plain): Promise<R[]> {
  refuseIfGuarded(db); // prepared SQL bypasses the query builder's plugin: a guarded repository inside a processOnce handler
  const running = statement.run<R>(db, parameters, ctx.named, db === ctx.plain ? ctx.direct : undefined);
  return repoCalls.hasSubscribers ? noted(statement, running) : running;
}

/** A statement of a traced repository call: its verb and rows noted on the call (src/observability). */
function noted<R>(statement: PreparedSql, running: Promise<R[]>): Promise<R[]> {
  noteStatement(verbOf(statement.text), undefined);
  return running.then((rows) => {
    noteStatement(undefined, rows.length);
    return rows;
  });
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
