import { AsyncLocalStorage } from 'node:async_hooks';
import { sql, type Kysely, type KyselyPlugin, type Transaction } from 'kysely';
import type { Database } from '../schema/database.js';
import { DEFAULT_SCHEMA, quoteIdentifier, validateSchemaName } from '../migrate/schema-name.js';
import { isDatabaseError, toSchemaKitError, writeOutcome } from '../database-errors.js';
import { SchemaKitConflictError, SchemaKitError, SchemaKitValidationError } from '../errors.js';
import { directPoolOf, preparedStatementsOption, type DirectPool, type PreparedSql } from './prepared.js';
import { withRetries } from './retry.js';

/**
 * What every repository accepts: the host's Kysely instance, or a transaction of it, typed with
 * the host's own database type (its tables and schema-kit's, bare or schema-qualified) and
 * carrying whatever plugins the host uses. No cast is needed.
 *
 * ### Examples
 * ```ts
 * interface HostDB extends Database { orders: OrdersTable }
 * const db = new Kysely<HostDB>({ dialect, plugins: [new CamelCasePlugin()] });
 * const users = new UserRepo(db);
 * await db.transaction().execute(async (trx) => new EventLogRepo(trx).append(event));
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any database type: the repositories address their own tables
export type Executor<DB = any> = Kysely<DB> | Transaction<DB>;

/** The executor a repository runs its own SQL on: schema-kit's tables by bare name. */
export type ScopedExecutor = Kysely<Database> | Transaction<Database>;

/** Options every repository accepts. */
export interface RepoOptions {
  /** The schema schema-kit was installed into. Default `'schema_kit'`. */
  readonly schema?: string;
  /**
   * Run the hot statements (claim, claimMany, append, appendMany, processOnce's, the listings and
   * the stream) as named prepared statements where the host's Kysely runs on node-postgres: the
   * server parses and plans each once per connection. Turn off for a pooler that cannot keep
   * prepared statements (PgBouncer before 1.21 in transaction mode). Default: on, unless the
   * environment sets `SCHEMA_KIT_PREPARED_STATEMENTS=off`.
   */
  readonly preparedStatements?: boolean;
  /**
   * Let a repository built on the Kysely instance (not a transaction) run inside a
   * `processOnce` handler, on a connection of its own: its writes commit whether or not the
   * handler's transaction does (a record of a failed attempt that must outlive it). By default
   * such a call throws `SchemaKitError` `outside_handler_transaction` before any SQL runs: inside
   * a handler, build repositories on the handler's `trx`. On PGlite (one connection) a repository
   * allowed out cannot run inside a handler at all: it waits for the connection the handler holds.
   * Default false.
   */
  readonly allowOutsideTransaction?: boolean;
}

/** Where a repository runs its SQL: an executor scoped to the schema, and the schema's name. */
export interface RepoContext {
  /** The host's Kysely or transaction without the host's plugins (so a CamelCasePlugin cannot
   * rename columns under it), scoped to the schema. */
  readonly db: ScopedExecutor;
  /** The validated schema name, for raw SQL (`sql.id(schema, table)`). */
  readonly schema: string;
  /** The host's Kysely or transaction without its plugins, for SQL text that names its schema. */
  readonly plain: Executor;
  /** Whether prepared SQL may run as named statements (the `preparedStatements` option). */
  readonly named: boolean;
  /** The pool prepared SQL on `plain` runs on directly: set where the repository was built on createSchemaKit's Kysely. */
  readonly direct: DirectPool | undefined;
}

/** Set while a `processOnce` handler runs: the calls made inside it (and what they start) see it. */
const insideHandler = new AsyncLocalStorage<true>();
/** The executors of repositories built on a Kysely instance without `allowOutsideTransaction`. */
const guarded = new WeakSet<object>();

/** Throws when the current call runs inside a `processOnce` handler (see {@link RepoOptions.allowOutsideTransaction}). */
function refuseInsideHandler(): void {
  if (!insideHandler.getStore()) return;
  throw new SchemaKitError(
    'outside_handler_transaction',
    "A repository built on the outer Kysely instance was used inside a processOnce handler: its SQL would run outside the handler's " +
      "transaction (committing even if the handler fails; on PGlite, waiting for the one connection the handler holds). Build it on the " +
      "handler's trx (`new EventLogRepo(trx)`), or pass { allowOutsideTransaction: true } to write outside the transaction on purpose.",
  );
}

/** Refuses, before compiling, a query of a guarded repository inside a handler. */
const HANDLER_GUARD: KyselyPlugin = {
  transformQuery: (args) => {
    refuseInsideHandler();
    return args.node;
  },
  transformResult: async (args) => args.result,
};

/** Throws `outside_handler_transaction` when the repository of `ctx` is guarded and the call runs
 * inside a `processOnce` handler: for calls that open a transaction on the host's Kysely. */
export function refuseOutsideHandlerTransaction(ctx: RepoContext): void {
  if (guarded.has(ctx.plain)) refuseInsideHandler();
}

/** Validates the options and builds the {@link RepoContext} of a repository. */
export function repoContext(db: Executor, options: RepoOptions | undefined): RepoContext {
  const schema = validateSchemaName(options?.schema ?? DEFAULT_SCHEMA, 'options.schema');
  const named = preparedStatementsOption(options?.preparedStatements);
  const allowOut = options?.allowOutsideTransaction;
  if (allowOut !== undefined && typeof allowOut !== 'boolean') throw new SchemaKitValidationError('options.allowOutsideTransaction', 'must be a boolean');
  const guard = !db.isTransaction && !allowOut;
  const plain = guard ? db.withoutPlugins().withPlugin(HANDLER_GUARD) : db.withoutPlugins();
  const scopedDb = plain.withSchema(schema) as ScopedExecutor;
  if (guard) {
    guarded.add(plain);
    guarded.add(scopedDb);
  }
  return { db: scopedDb, schema, plain, named, direct: directPoolOf(db) };
}

/** `db` (the host's, or one of its transactions) without the host's plugins, scoped to `schema`. */
export function scoped(db: Executor, schema: string): ScopedExecutor {
  return db.withoutPlugins().withSchema(schema) as ScopedExecutor;
}

let savepoints = 0;

/**
 * A queue of calls that must not overlap: each runs after the previous one settled.
 */
class Lane {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(call: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(call);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

/** A savepoint scope: the connection it is on, its lane for the calls made inside it, its parent. */
interface SavepointScope {
  readonly connection: object;
  readonly children: Lane;
  readonly parent: SavepointScope | undefined;
}

/** The lane of the calls made on a connection outside any of schema-kit's savepoints. */
const connectionLanes = new WeakMap<object, Lane>();
/** The connection each host transaction runs on (a transaction is one connection). */
const connections = new WeakMap<object, Promise<object>>();
/** The savepoint scope the current async call runs inside, if any. */
const currentScope = new AsyncLocalStorage<SavepointScope>();

function connectionOf(trx: Transaction<unknown>): Promise<object> {
  let connection = connections.get(trx);
  if (!connection) {
    // the transaction's executor hands out its one connection; kysely's dialects keep one
    // connection object per pooled client, so every Transaction (withSchema, withoutPlugins, ...)
    // of one transaction maps to the same object
    connection = trx.getExecutor().provideConnection(async (c) => c as object);
    connections.set(trx, connection);
  }
  return connection;
}

/** The lane a savepoint on `connection` queues on: the one of the enclosing scope on that
 * connection (a call made inside a handler), or the connection's own. */
function laneFor(connection: object): Lane {
  for (let scope = currentScope.getStore(); scope; scope = scope.parent) {
    if (scope.connection === connection) return scope.children;
  }
  let lane = connectionLanes.get(connection);
  if (!lane) connectionLanes.set(connection, (lane = new Lane()));
  return lane;
}

/**
 * Runs `work` in a transaction of `db`: a new one on a Kysely instance, or a savepoint inside the
 * host's transaction, so a throw undoes exactly what `work` did and nothing of the host's. `work`
 * gets a transaction of the same kind as `db`: schema-kit's scoped executor, or the host's own
 * (its type and plugins kept) for a handler the host wrote. `argument` names the input whose
 * fields a refusal by the database names (see {@link run}).
 *
 * Savepoints on one connection nest, they cannot interleave: concurrent calls on one host
 * transaction run one after the other (a queue per connection), and calls made inside `work`
 * (a handler's own `processOnce`) queue inside it, so a rollback to one call's savepoint never
 * undoes a sibling's work (docs/guarantees.md, "Concurrent calls on one transaction").
 */
export async function inTransaction<DB, T>(db: Executor<DB>, work: (trx: Transaction<DB>) => Promise<T>, argument?: string): Promise<T> {
  if (!db.isTransaction) return inOwnTransaction(db as Kysely<DB>, work, argument);
  const trx = db as Transaction<DB>;
  const connection = await connectionOf(trx as Transaction<unknown>);
  const scope: SavepointScope = { connection, children: new Lane(), parent: currentScope.getStore() };
  return laneFor(connection).run(() => currentScope.run(scope, () => inSavepoint(trx, work, argument)));
}

/**
 * `work` in a transaction of its own. A failure before COMMIT leaves nothing (kysely rolls back;
 * a lost connection ends the transaction on the server). A failure of the COMMIT itself that the
 * server did not answer (a lost connection, pg's query_timeout) is
 * {@link SchemaKitOutcomeUnknownError}: only the COMMIT can have an unknown outcome.
 */
async function inOwnTransaction<DB, T>(db: Kysely<DB>, work: (trx: Transaction<DB>) => Promise<T>, argument?: string): Promise<T> {
  if (guarded.has(db)) refuseInsideHandler();
  let committing = false;
  try {
    return await db.transaction().execute(async (trx) => {
      const result = await work(trx);
      committing = true;
      return result;
    });
  } catch (error) {
    throw committing ? writeOutcome(error, argument) : unwrapFailure(error, argument);
  }
}

async function inSavepoint<DB, T>(trx: Transaction<DB>, work: (trx: Transaction<DB>) => Promise<T>, argument?: string): Promise<T> {
  const own = trx.withoutPlugins(); // the savepoint statements are schema-kit's: no host plugin rewrites them
  const name = sql.id(`schema_kit_sp_${++savepoints}`);
  await run(sql`savepoint ${name}`.execute(own));
  try {
    const result = await work(trx);
    await run(sql`release savepoint ${name}`.execute(own));
    return result;
  } catch (error) {
    await sql`rollback to savepoint ${name}`.execute(own).catch(() => undefined);
    throw unwrapFailure(error, argument);
  }
}

/** An error the host's own code threw inside a schema-kit transaction. */
class HostFailure {
  constructor(readonly error: unknown) {}
}

/**
 * Runs code the host wrote (a `processOnce` handler) inside {@link inTransaction}, marked as a
 * handler for the calls it makes (see {@link RepoOptions.allowOutsideTransaction}): an error of
 * the host's own (not the database's) leaves the transaction as it was thrown; a database error
 * from the host's statements is typed like schema-kit's own.
 */
export async function hostCode<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await insideHandler.run(true, call);
  } catch (error) {
    throw new HostFailure(error);
  }
}

function unwrapFailure(error: unknown, argument?: string): unknown {
  if (!(error instanceof HostFailure)) return toSchemaKitError(error, argument);
  return isDatabaseError(error.error) ? toSchemaKitError(error.error) : error.error;
}

/**
 * Runs one database call and turns driver errors into schema-kit's typed errors. `argument` names
 * the input the call writes (e.g. `'guide'`): a value the database refuses as outside a host-owned
 * vocabulary is reported as that input's field (`guide.category`), as the zod checks name it.
 */
export async function run<T>(query: Promise<T>, argument?: string): Promise<T> {
  try {
    return await query;
  } catch (error) {
    throw toSchemaKitError(error, argument);
  }
}

/** `"schema"."table"`, for SQL text a repository prepares once. */
export function qualifiedTable(ctx: RepoContext, table: string): string {
  return `${quoteIdentifier(ctx.schema)}.${quoteIdentifier(table)}`;
}

/**
 * Runs SQL prepared once (with `$n` parameters) on the repository's executor, or on `db` (one of
 * the host's transactions), and returns its rows: named where the connection allows it and the
 * repository's `preparedStatements` option does; on createSchemaKit's own Kysely, on its pool
 * without Kysely's executor (see prepared.ts). The hot paths use it, because building and
 * compiling a query on every call costs about as much client CPU as the driver itself, and a named
 * statement saves the server's parse and plan (bench/overhead.bench.mjs, bench/peers.bench.mjs).
 */
export function runPrepared<R>(ctx: RepoContext, statement: PreparedSql, parameters: readonly unknown[], db: Executor = ctx.plain): Promise<R[]> {
  if (guarded.has(db)) refuseInsideHandler();
  return statement.run<R>(db, parameters, ctx.named, db === ctx.plain ? ctx.direct : undefined);
}

/**
 * Runs an upsert that can lose an insert race on a unique key other than its ON CONFLICT arbiter
 * (PostgreSQL checks only the arbiter speculatively: a concurrent insert of the same row fails on
 * the other keys). A conflict that `lostRace` says was such a race is retried, a few times: by
 * then the winner has committed, and the retry updates its row. Inside the host's transaction
 * each try runs in a savepoint, so a lost race leaves the transaction usable. The tries follow
 * the one retry policy ({@link withRetries}): bounded, with jittered backoff.
 */
export async function retryLostInsertRace<T>(
  db: Executor,
  upsert: (db: Executor) => Promise<T>,
  lostRace: (error: SchemaKitConflictError) => Promise<boolean>,
  argument?: string,
): Promise<T> {
  return withRetries(
    'upsert',
    () => (db.isTransaction ? inTransaction(db, upsert, argument) : run(upsert(db), argument)),
    async (error) => error instanceof SchemaKitConflictError && (await lostRace(error)),
  );
}
