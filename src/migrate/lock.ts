import { sql, type Kysely } from 'kysely';
import { SchemaKitMigrationError } from '../errors.js';

/** The first key of schema-kit's advisory locks ('sk'); the second is a hash of the schema name. */
const LOCK_CLASS = 0x736b;
const POLL_MS = 100;

/**
 * Takes the session advisory lock keyed on `schema` on the single connection `conn`, polling
 * `pg_try_advisory_lock` until `timeoutMs` has passed (never a blocking wait, which could deadlock
 * against `CREATE INDEX CONCURRENTLY`). Throws a `lock_timeout` {@link SchemaKitMigrationError}.
 */
export async function acquireSchemaLock(conn: Kysely<unknown>, schema: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // a poll, not a retry of a failure: bounded by the deadline (lockTimeoutMs), every error thrown
  for (;;) {
    const { rows } = await sql<{ locked: boolean }>`
      select pg_try_advisory_lock(${LOCK_CLASS}, hashtext(${schema})) as locked`.execute(conn);
    if (rows[0]?.locked) return;
    if (Date.now() >= deadline) {
      throw new SchemaKitMigrationError(
        'lock_timeout',
        `Another schema-kit migration of schema "${schema}" held the lock for more than ${timeoutMs} ms.`,
      );
    }
    await new Promise((resume) => setTimeout(resume, POLL_MS));
  }
}

/** Releases the lock taken by {@link acquireSchemaLock} on the same connection. */
export async function releaseSchemaLock(conn: Kysely<unknown>, schema: string): Promise<void> {
  await sql`select pg_advisory_unlock(${LOCK_CLASS}, hashtext(${schema}))`.execute(conn);
}
