import { sql, type Kysely } from 'kysely';
import { SchemaKitTimeoutError } from '../../errors.js';

/** How long {@link waitForOpenTransactions} waits before it gives up. */
export const OPEN_TRANSACTIONS_WAIT_MS = 60_000;

/**
 * Waits until every transaction open now in the current database, on another connection, has
 * ended (as CREATE INDEX CONCURRENTLY waits for older snapshots): committed or rolled back. Polls
 * the server's locks in statements of their own, so a caller waiting here holds no transaction
 * that another caller would wait for. Throws a retryable {@link SchemaKitTimeoutError} naming
 * `what` after {@link OPEN_TRANSACTIONS_WAIT_MS}.
 */
export async function waitForOpenTransactions<DB>(db: Kysely<DB>, what: string): Promise<void> {
  const { rows } = await sql<{ vxids: string[] | null }>`
    select array_agg(l.virtualxid) as vxids from pg_catalog.pg_locks l join pg_catalog.pg_stat_activity a on a.pid = l.pid
    where l.locktype = 'virtualxid' and l.granted and l.pid <> pg_catalog.pg_backend_pid()
      and a.datname = pg_catalog.current_database() and a.backend_type = 'client backend'`.execute(db);
  const open = rows[0]?.vxids ?? [];
  const deadline = Date.now() + OPEN_TRANSACTIONS_WAIT_MS;
  while (open.length > 0) {
    const { rows: still } = await sql<{ n: number }>`
      select count(*)::int as n from pg_catalog.pg_locks where locktype = 'virtualxid' and virtualxid = any(${open}::text[])`.execute(db);
    if (still[0]!.n === 0) return;
    if (Date.now() > deadline) {
      throw new SchemaKitTimeoutError(
        'lock',
        `${what} waited ${OPEN_TRANSACTIONS_WAIT_MS / 1000} s for ${still[0]!.n} transaction(s) open in the database to end: end long transactions (or idle ones), then run it again`,
        '55P03',
        undefined,
      );
    }
    await new Promise((resume) => setTimeout(resume, 10));
  }
}
