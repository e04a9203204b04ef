import { sql, type Kysely } from 'kysely';
import { dropInvalidIndex, concurrentIndexName } from './concurrent-index.js';
import { retryLockRaces, type LockRetry } from './lock-retry.js';
import type { ResolvedOptions } from './options.js';
import { scriptSteps } from './script-steps.js';

/** The first column of a query's first row. */
async function firstValue(conn: Kysely<unknown>, statement: string): Promise<unknown> {
  const { rows } = await sql.raw<Record<string, unknown>>(statement).execute(conn);
  return rows[0] === undefined ? undefined : Object.values(rows[0])[0];
}

/**
 * Runs the SQL of a `-- schema-kit:no-transaction` migration statement by statement, each on its
 * own (autocommit), following the directives ({@link scriptSteps}): a `batch` statement runs until
 * it reports 0 rows (`onBatch` hears the running total), an `each` statement's rows run as
 * statements. Every statement is retried when it loses a lock race; before a
 * `CREATE INDEX CONCURRENTLY`, an invalid index of that name left by an interrupted build is dropped.
 */
export async function runSteps(
  conn: Kysely<unknown>,
  text: string,
  options: ResolvedOptions,
  onRetry: (retry: LockRetry) => void,
  onBatch: (rows: number) => void,
): Promise<void> {
  const retried = <T>(step: () => Promise<T>): Promise<T> => retryLockRaces(options.ddlRetries, step, onRetry);
  const runOne = (statement: string): Promise<unknown> =>
    retried(async () => {
      const index = concurrentIndexName(statement);
      if (index !== undefined) await dropInvalidIndex(conn, options.schema, index);
      return sql.raw(statement).execute(conn);
    });
  for (const step of scriptSteps(text)) {
    if (step.kind === 'plain') {
      await runOne(step.sql);
    } else if (step.kind === 'each') {
      const { rows } = await retried(() => sql.raw<Record<string, unknown>>(step.sql).execute(conn));
      for (const row of rows) {
        const statement = Object.values(row)[0];
        if (typeof statement !== 'string') throw new Error(`schema-kit:each: the statement must return SQL text, got ${JSON.stringify(statement)}`);
        await runOne(statement);
      }
    } else {
      let total = 0;
      for (;;) {
        const done = Number(await retried(() => firstValue(conn, step.sql)));
        if (!Number.isInteger(done) || done < 0) {
          throw new Error(`schema-kit:batch: the statement must return the rows it did (an integer, 0 when done): ${step.sql}`);
        }
        if (done === 0) break;
        total += done;
        onBatch(total);
      }
    }
  }
}
