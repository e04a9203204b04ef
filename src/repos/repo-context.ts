import { CompiledQuery, sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../schema/database.js';
import { DEFAULT_SCHEMA, quoteIdentifier, validateSchemaName } from '../migrate/schema-name.js';
import { toSchemaKitError } from '../database-errors.js';
import { SchemaKitConflictError } from '../errors.js';

/** What every repository accepts: the host's Kysely instance, or a transaction of it. */
export type Executor = Kysely<Database> | Transaction<Database>;

/** Options every repository accepts. */
export interface RepoOptions {
  /** The schema schema-kit was installed into. Default `'schema_kit'`. */
  readonly schema?: string;
}

/** Where a repository runs its SQL: an executor scoped to the schema, and the schema's name. */
export interface RepoContext {
  /** The host's Kysely or transaction without the host's plugins (so a CamelCasePlugin cannot
   * rename columns under it), scoped to the schema. */
  readonly db: Executor;
  /** The validated schema name, for raw SQL (`sql.id(schema, table)`). */
  readonly schema: string;
}

/** Validates the options and builds the {@link RepoContext} of a repository. */
export function repoContext(db: Executor, options: RepoOptions | undefined): RepoContext {
  const schema = validateSchemaName(options?.schema ?? DEFAULT_SCHEMA, 'options.schema');
  return { db: db.withoutPlugins().withSchema(schema), schema };
}

let savepoints = 0;

/**
 * Runs `work` in a transaction: a new one on a Kysely instance, or a savepoint inside the host's
 * transaction, so a throw undoes exactly what `work` did and nothing of the host's.
 */
export async function inTransaction<T>(db: Executor, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  if (!db.isTransaction) return db.transaction().execute(work).catch((error: unknown) => Promise.reject(toSchemaKitError(error)));
  const trx = db as Transaction<Database>;
  const name = sql.id(`schema_kit_sp_${++savepoints}`);
  await sql`savepoint ${name}`.execute(trx);
  try {
    const result = await work(trx);
    await sql`release savepoint ${name}`.execute(trx);
    return result;
  } catch (error) {
    await sql`rollback to savepoint ${name}`.execute(trx).catch(() => undefined);
    throw toSchemaKitError(error);
  }
}

/** Runs one database call and turns driver errors into schema-kit's typed errors. */
export async function run<T>(query: Promise<T>): Promise<T> {
  try {
    return await query;
  } catch (error) {
    throw toSchemaKitError(error);
  }
}

/** `"schema"."table"`, for SQL text a repository prepares once. */
export function qualifiedTable(ctx: RepoContext, table: string): string {
  return `${quoteIdentifier(ctx.schema)}.${quoteIdentifier(table)}`;
}

/**
 * Runs SQL text prepared once (with `$n` parameters) and returns its rows: the hot paths use it,
 * because building and compiling a query on every call costs about as much client CPU as the
 * driver itself (bench/overhead.bench.mjs).
 */
export async function runPrepared<R>(db: Executor, text: string, parameters: readonly unknown[]): Promise<R[]> {
  const { rows } = await run(db.executeQuery<R>(CompiledQuery.raw(text, [...parameters])));
  return rows;
}

/**
 * Runs an upsert that can lose an insert race on a unique key other than its ON CONFLICT arbiter
 * (PostgreSQL checks only the arbiter speculatively: a concurrent insert of the same row fails on
 * the other keys). A conflict that `lostRace` says was such a race is retried, a few times: by
 * then the winner has committed, and the retry updates its row. Inside the host's transaction
 * each try runs in a savepoint, so a lost race leaves the transaction usable.
 */
export async function retryLostInsertRace<T>(
  db: Executor,
  upsert: (db: Executor) => Promise<T>,
  lostRace: (error: SchemaKitConflictError) => Promise<boolean>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await (db.isTransaction ? inTransaction(db, upsert) : run(upsert(db)));
    } catch (error) {
      if (attempt >= 3 || !(error instanceof SchemaKitConflictError) || !(await lostRace(error))) throw error;
    }
  }
}
