import { CompiledQuery, sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../schema/database.js';
import { DEFAULT_SCHEMA, quoteIdentifier, validateSchemaName } from '../migrate/schema-name.js';
import { toSchemaKitError } from '../database-errors.js';

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
 * transaction, so a throw undoes exactly what `work` did and nothing of the host's. `argument`
 * names the input whose fields a refusal by the database names (see {@link run}).
 */
export async function inTransaction<T>(db: Executor, work: (trx: Transaction<Database>) => Promise<T>, argument?: string): Promise<T> {
  if (!db.isTransaction) return db.transaction().execute(work).catch((error: unknown) => Promise.reject(toSchemaKitError(error, argument)));
  const trx = db as Transaction<Database>;
  const name = sql.id(`schema_kit_sp_${++savepoints}`);
  await sql`savepoint ${name}`.execute(trx);
  try {
    const result = await work(trx);
    await sql`release savepoint ${name}`.execute(trx);
    return result;
  } catch (error) {
    await sql`rollback to savepoint ${name}`.execute(trx).catch(() => undefined);
    throw toSchemaKitError(error, argument);
  }
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
 * Runs SQL text prepared once (with `$n` parameters) and returns its rows: the hot paths use it,
 * because building and compiling a query on every call costs about as much client CPU as the
 * driver itself (bench/overhead.bench.mjs).
 */
export async function runPrepared<R>(db: Executor, text: string, parameters: readonly unknown[]): Promise<R[]> {
  const { rows } = await run(db.executeQuery<R>(CompiledQuery.raw(text, [...parameters])));
  return rows;
}
