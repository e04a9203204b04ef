import { sql, type Kysely } from 'kysely';
import { toSchemaKitError } from '../database-errors.js';
import { SchemaKitError, SchemaKitMigrationError } from '../errors.js';
import type { Migration } from './migration-source.js';
import { renderSql } from './migration-source.js';
import { recordApplied, recordReverted } from './history.js';
import { acquireSchemaLock, releaseSchemaLock } from './lock.js';
import type { MigrationResult, MigrationRunResult, ResolvedOptions } from './options.js';

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
 * Runs one migration up or down on `conn`, in its own transaction unless the file opted out or
 * the caller already opened one (`inTransaction`), and records it in the history in that same
 * transaction.
 */
export async function runMigration(
  conn: Kysely<unknown>,
  schema: string,
  migration: Migration,
  direction: 'Up' | 'Down',
  inTransaction = false,
): Promise<MigrationResult> {
  const text = renderSql(direction === 'Up' ? migration.up : migration.down, schema);
  const started = performance.now();
  const record = async (): Promise<void> => {
    const durationMs = performance.now() - started;
    if (direction === 'Up') await recordApplied(conn, schema, { ...migration, durationMs });
    else await recordReverted(conn, schema, migration.module, migration.name);
  };
  try {
    if (migration.transactional && !inTransaction) {
      await sql`begin`.execute(conn);
      try {
        await sql.raw(text).execute(conn);
        await record();
        await sql`commit`.execute(conn);
      } catch (error) {
        await sql`rollback`.execute(conn).catch(() => undefined);
        throw error;
      }
    } else {
      await sql.raw(text).execute(conn);
      await record();
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
 * Runs `migrations` in order, reporting progress, and stops at the first failure: the results
 * list every migration, the failed one as `Error` and the rest as `NotExecuted`. Up, each
 * migration commits on its own; down, the whole run is one transaction when every migration
 * allows it, so a failure reverts nothing (the ones before it are reported `NotExecuted` too).
 */
export async function runAll(
  conn: Kysely<unknown>,
  options: ResolvedOptions,
  migrations: readonly Migration[],
  direction: 'Up' | 'Down',
): Promise<{ results: MigrationResult[]; error?: SchemaKitError }> {
  const atomic = direction === 'Down' && migrations.length > 1 && migrations.every((m) => m.transactional);
  const results: MigrationResult[] = [];
  const planned = (m: Migration, status: MigrationResult['status']) => notRun(m, direction, options.schema, status);
  if (atomic) await sql`begin`.execute(conn);
  for (const [index, migration] of migrations.entries()) {
    options.onProgress({ phase: 'start', result: planned(migration, 'Planned') });
    try {
      const result = await runMigration(conn, options.schema, migration, direction, atomic);
      results.push(result);
      if (!atomic) options.onProgress({ phase: 'end', result });
    } catch (error) {
      const failed = planned(migration, 'Error');
      if (atomic) {
        await sql`rollback`.execute(conn).catch(() => undefined);
        results.splice(0, results.length, ...migrations.slice(0, index).map((m) => planned(m, 'NotExecuted')));
      }
      results.push(failed, ...migrations.slice(index + 1).map((m) => planned(m, 'NotExecuted')));
      options.onProgress({ phase: 'end', result: failed });
      return { results, error: error as SchemaKitError };
    }
  }
  if (atomic) {
    await sql`commit`.execute(conn);
    results.forEach((result) => options.onProgress({ phase: 'end', result }));
  }
  return { results };
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

