import { sql, type Kysely } from 'kysely';
import { toSchemaKitError } from '../database-errors.js';
import { SchemaKitError, SchemaKitMigrationError } from '../errors.js';
import type { Migration } from './migration-source.js';
import { renderSql } from './migration-source.js';
import { splitStatements } from './split-statements.js';
import { isLockRace, lockRetryDelay, retryLockRaces, type LockRetry } from './lock-retry.js';
import { runSteps } from './run-steps.js';
import { recordApplied, recordReverted } from './history.js';
import { acquireSchemaLock, releaseSchemaLock } from './lock.js';
import type { MigrationResult, MigrationRunResult, ResolvedOptions } from './options.js';
import { migrations as migrationChannel, type MigrationMessage } from '../observability/channels.js';

/**
 * Runs `work` on one dedicated connection of `db` that holds the schema's migration lock, and
 * releases both afterwards, whatever happens.
 */
export async function withSchemaLock<T>(
  db: Kysely<unknown>,
  options: ResolvedOptions,
  work: (conn: Kysely<unknown>) => Promise<T>,
): Promise<T> {
  return db.withoutPlugins().connection().execute(async (conn) => {
    await acquireSchemaLock(conn, options.schema, options.lockTimeoutMs);
    try {
      return await work(conn);
    } finally {
      await releaseSchemaLock(conn, options.schema).catch(() => undefined);
    }
  });
}

/**
 * How the migration connection takes a file's SQL. Starts as the whole file in one query (what
 * node-postgres sends as one simple-protocol query); a connection that rejects several commands in
 * one query (PGlite, whose driver prepares every query) switches, for the rest of the run, to one
 * statement per query, split by {@link splitStatements}, in the same transaction.
 */
export interface ScriptMode {
  oneStatementPerQuery: boolean;
}

/** PostgreSQL's answer when a prepared (extended-protocol) query holds more than one command. */
function rejectsSeveralCommands(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === '42601' && typeof message === 'string' && message.includes('multiple commands into a prepared statement');
}

async function executeScript(conn: Kysely<unknown>, text: string, mode: ScriptMode): Promise<void> {
  if (!mode.oneStatementPerQuery) {
    await sql.raw(text).execute(conn);
    return;
  }
  for (const statement of splitStatements(text)) await sql.raw(statement).execute(conn);
}

/** What running one migration needs besides the migration: the options and the progress sink. */
interface MigrationContext {
  readonly options: ResolvedOptions;
  readonly mode: ScriptMode;
  readonly report: ResolvedOptions['onProgress'];
}

/**
 * Runs one migration up or down on `conn` and records it in the history. A transactional file runs
 * in its own transaction (or the caller's, `inTransaction`) with its record; when it loses a lock
 * race (the session's `lock_timeout`, a deadlock) it is rolled back and run again whole, with
 * backoff, up to `ddlRetries` tries. When the connection rejects the file as several commands
 * (before any of it ran), it runs again one statement at a time; inside the caller's transaction
 * that error goes up (the transaction is aborted). A `no-transaction` file runs statement by
 * statement ({@link runSteps}) and is recorded after its last one: cut off, it runs again whole.
 */
export async function runMigration(
  conn: Kysely<unknown>,
  migration: Migration,
  direction: 'Up' | 'Down',
  context: MigrationContext,
  inTransaction = false,
): Promise<MigrationResult> {
  const { options, mode, report } = context;
  const text = renderSql(direction === 'Up' ? migration.up : migration.down, options.schema);
  const started = performance.now();
  const planned = notRun(migration, direction, options.schema, 'Planned');
  const onRetry = (retry: LockRetry): void =>
    report({ phase: 'retry', result: planned, attempt: retry.attempt, reason: retry.reason });
  const record = async (): Promise<void> => {
    const durationMs = performance.now() - started;
    if (direction === 'Up') await recordApplied(conn, options.schema, { ...migration, durationMs });
    else await recordReverted(conn, options.schema, migration.module, migration.name, options.uninstall);
  };
  const inOwnTransaction = async (): Promise<void> => {
    await sql`begin`.execute(conn);
    try {
      await executeScript(conn, text, mode);
      await record();
      await sql`commit`.execute(conn);
    } catch (error) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw error;
    }
  };
  const attempt = async (): Promise<void> => {
    if (inTransaction) {
      await executeScript(conn, text, mode);
      await record();
    } else if (!migration.transactional) {
      await runSteps(conn, text, options, onRetry, (rows) => report({ phase: 'batch', result: planned, rows }));
      await record();
    } else {
      await retryLockRaces(options.ddlRetries, inOwnTransaction, onRetry);
    }
  };
  try {
    try {
      await attempt();
    } catch (error) {
      if (inTransaction || mode.oneStatementPerQuery || !rejectsSeveralCommands(error)) throw error;
      mode.oneStatementPerQuery = true;
      await attempt();
    }
  } catch (error) {
    const mapped = toSchemaKitError(error);
    throw mapped instanceof SchemaKitError && mapped.code === 'connection'
      ? mapped
      : new SchemaKitMigrationError(
          'migration_failed',
          `Migration ${migration.module}/${migration.name} (${direction.toLowerCase()}) failed: ${(error as Error).message}`,
          { module: migration.module, migration: migration.name, cause: error },
        );
  }
  return {
    module: migration.module,
    migration: migration.name,
    direction,
    status: 'Success',
    durationMs: performance.now() - started,
    sql: text,
  };
}

/**
 * The host's `onProgress`, called so that it cannot change the run: a throw (or a rejected
 * promise) is caught and kept, the run goes on, and {@link runAll} reports the first one as a
 * `callback_failed` error once the database is consistent.
 */
function isolatedProgress(onProgress: ResolvedOptions['onProgress']): {
  report: ResolvedOptions['onProgress'];
  failure: () => unknown;
} {
  let failed = false;
  let failure: unknown;
  const keep = (error: unknown): void => {
    if (failed) return;
    failed = true;
    failure = error;
  };
  return {
    report: (event) => {
      try {
        const returned = (onProgress as (e: typeof event) => unknown)(event);
        if (returned && typeof (returned as PromiseLike<unknown>).then === 'function') {
          Promise.resolve(returned).catch(keep);
        }
      } catch (error) {
        keep(error);
      }
    },
    failure: () => (failed ? failure ?? new Error('onProgress threw a nullish value') : undefined),
  };
}

/** The error reported when the host's `onProgress` threw while the run itself succeeded. */
export function callbackFailure(error: unknown): SchemaKitError {
  const message = error instanceof Error ? error.message : String(error);
  return new SchemaKitError(
    'callback_failed',
    `The onProgress callback threw (${message}); the run was not affected: its results say what was applied or reverted.`,
    { cause: error },
  );
}

/**
 * Runs `migrations` in order, reporting progress, and stops at the first failure: the results
 * list every migration, the failed one as `Error` and the rest as `NotExecuted`. Up, each
 * migration commits on its own; down, the whole run is one transaction when every migration
 * allows it, so a failure reverts nothing (the ones before it are reported `NotExecuted` too).
 * A connection that takes one statement per query makes an atomic run start again, split, after
 * its rollback. The host's `onProgress` cannot change the run: its throws are caught, the run
 * finishes (and its transaction, if any, commits or rolls back), and the first throw is returned
 * as a `callback_failed` error when the run had none.
 */
export async function runAll(
  conn: Kysely<unknown>,
  options: ResolvedOptions,
  migrations: readonly Migration[],
  direction: 'Up' | 'Down',
): Promise<{ results: MigrationResult[]; error?: SchemaKitError }> {
  await sql.raw(`set lock_timeout = ${options.ddlLockTimeoutMs}`).execute(conn);
  try {
    return await runAllUnderTimeout(conn, options, migrations, direction, { oneStatementPerQuery: false }, isolatedProgress(options.onProgress), 1);
  } finally {
    await sql`reset lock_timeout`.execute(conn).catch(() => undefined);
  }
}

/** {@link runAll} on a connection whose `lock_timeout` is set; `attempt` counts the tries of an atomic run. */
async function runAllUnderTimeout(
  conn: Kysely<unknown>,
  options: ResolvedOptions,
  migrations: readonly Migration[],
  direction: 'Up' | 'Down',
  mode: ScriptMode,
  progress: ReturnType<typeof isolatedProgress>,
  attempt: number,
): Promise<{ results: MigrationResult[]; error?: SchemaKitError }> {
  // one async frame, not a wrapper: a failure's stack keeps its callers (the CLI's --verbose shows them)
  const report = progress.report;
  const done = (outcome: { results: MigrationResult[]; error?: SchemaKitError }) => {
    const thrown = progress.failure();
    return outcome.error || thrown === undefined ? outcome : { ...outcome, error: callbackFailure(thrown) };
  };
  const atomic = direction === 'Down' && migrations.length > 1 && migrations.every((m) => m.transactional);
  const results: MigrationResult[] = [];
  const planned = (m: Migration, status: MigrationResult['status']) => notRun(m, direction, options.schema, status);
  if (atomic) await sql`begin`.execute(conn);
  for (const [index, migration] of migrations.entries()) {
    report({ phase: 'start', result: planned(migration, 'Planned') });
    try {
      const run = () => runMigration(conn, migration, direction, { options, mode, report }, atomic);
      const result = await (migrationChannel.hasSubscribers ? traced(migration, direction, options.schema, run) : run());
      results.push(result);
      if (!atomic) report({ phase: 'end', result });
    } catch (error) {
      const failed = planned(migration, 'Error');
      if (atomic) {
        await sql`rollback`.execute(conn).catch(() => undefined);
        if (!mode.oneStatementPerQuery && rejectsSeveralCommands((error as Error).cause)) {
          return runAllUnderTimeout(conn, options, migrations, direction, { oneStatementPerQuery: true }, progress, attempt);
        }
        if (attempt < options.ddlRetries && isLockRace(error)) {
          const delayMs = lockRetryDelay(attempt);
          report({ phase: 'retry', result: planned(migration, 'Planned'), attempt: attempt + 1, reason: (error as Error).message });
          await new Promise((resume) => setTimeout(resume, delayMs));
          return runAllUnderTimeout(conn, options, migrations, direction, mode, progress, attempt + 1);
        }
        results.splice(0, results.length, ...migrations.slice(0, index).map((m) => planned(m, 'NotExecuted')));
      }
      results.push(failed, ...migrations.slice(index + 1).map((m) => planned(m, 'NotExecuted')));
      report({ phase: 'end', result: failed });
      return done({ results, error: error as SchemaKitError });
    }
  }
  if (atomic) {
    await sql`commit`.execute(conn);
    results.forEach((result) => report({ phase: 'end', result }));
  }
  return done({ results });
}

/** A migration run as a traced call on the `schema-kit:migration` channel (src/observability). */
function traced(migration: Migration, direction: 'Up' | 'Down', schema: string, run: () => Promise<MigrationResult>): Promise<MigrationResult> {
  const text = direction === 'Up' ? migration.up : migration.down;
  const message: MigrationMessage = { module: migration.module, name: migration.name, direction, schema, lockHeavy: /^\s*--\s*schema-kit:lock-heavy\b/m.test(text) };
  return migrationChannel.tracePromise(async () => {
    const result = await run();
    message.durationMs = result.durationMs;
    return result;
  }, message);
}

/** The result of a migration that did not run (yet): planned, failed, or skipped after a failure. */
export function notRun(
  migration: Migration,
  direction: 'Up' | 'Down',
  schema: string,
  status: MigrationResult['status'],
): MigrationResult {
  return {
    module: migration.module,
    migration: migration.name,
    direction,
    status,
    durationMs: 0,
    sql: renderSql(direction === 'Up' ? migration.up : migration.down, schema),
  };
}

/** Starts timing a run: the returned function completes a result with the schema and duration. */
export function runClock(schema: string): (partial: Omit<MigrationRunResult, 'schema' | 'durationMs'>) => MigrationRunResult {
  const started = performance.now();
  return (partial) => ({ schema, ...partial, durationMs: performance.now() - started });
}

