import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import type { Database } from '../schema/database.js';
import { DEFAULT_SCHEMA, quoteIdentifier, validateSchemaName } from '../migrate/schema-name.js';
import { parseInput } from '../validation/parse.js';
import { directPoolOf, type DirectPool } from './direct-pool.js';
import { guard, HANDLER_GUARD, refuseIfGuarded } from './handler-guard.js';
import { NOTE_STATEMENTS, traceRepository } from './traced-repository.js';

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

/** Throws `outside_handler_transaction` when the repository of `ctx` is guarded and the call runs
 * inside a `processOnce` handler: for calls that open a transaction on the host's Kysely. */
export function refuseOutsideHandlerTransaction(ctx: RepoContext): void {
  refuseIfGuarded(ctx.plain);
}

/**
 * Validates the options and builds the {@link RepoContext} of a repository. A repository passes
 * itself and its table: its public methods are then traced calls on the `schema-kit:repo` channel
 * (traced-repository.ts).
 */
export function repoContext(db: Executor, options: RepoOptions | undefined, repository?: object, table?: string): RepoContext {
  const schema = validateSchemaName(options?.schema ?? DEFAULT_SCHEMA, 'options.schema');
  const named = preparedStatementsOption(options?.preparedStatements);
  const allowOut = options?.allowOutsideTransaction === undefined ? false : parseInput(z.boolean(), options.allowOutsideTransaction, 'options.allowOutsideTransaction');
  // a repository on the Kysely instance refuses to run inside a processOnce handler (handler-guard.ts)
  const guarded = !db.isTransaction && !allowOut;
  const plain = guarded ? db.withoutPlugins().withPlugin(HANDLER_GUARD) : db.withoutPlugins();
  const scopedDb = plain.withSchema(schema).withPlugin(NOTE_STATEMENTS) as ScopedExecutor;
  if (guarded) guard(plain, scopedDb);
  const ctx: RepoContext = { db: scopedDb, schema, plain, named, direct: directPoolOf(db) };
  if (repository && table) traceRepository(repository, ctx, table);
  return ctx;
}

/** `db` (the host's, or one of its transactions) without the host's plugins, scoped to `schema`. */
export function scoped(db: Executor, schema: string): ScopedExecutor {
  return db.withoutPlugins().withSchema(schema) as ScopedExecutor;
}

/** `"schema"."table"`, for SQL text a repository prepares once. */
export function qualifiedTable(ctx: RepoContext, table: string): string {
  return `${quoteIdentifier(ctx.schema)}.${quoteIdentifier(table)}`;
}

/**
 * The `preparedStatements` option of a repository: an explicit boolean, else the environment's
 * `SCHEMA_KIT_PREPARED_STATEMENTS` (`off`, `false` or `0` turn them off), else on.
 */
function preparedStatementsOption(value: unknown): boolean {
  if (value !== undefined) return parseInput(z.boolean(), value, 'options.preparedStatements');
  const env = typeof process === 'undefined' ? undefined : process.env.SCHEMA_KIT_PREPARED_STATEMENTS;
  return !(env !== undefined && /^(off|false|0|no)$/i.test(env.trim()));
}

