import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { EventLogRepo, migrateToLatest, type Database } from '../../src/index.js';
import { startPrimary, startReplica, type Cluster } from '../helpers/cluster.js';
import { HANG_LIMIT_MS, waitFor } from '../helpers/wait.js';

const connect = (url: string, max = 10) => {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => undefined);
  return { pool, db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }) };
};

/**
 * Reads moved to a streaming replica: a second cluster made with pg_basebackup from a primary of
 * its own (this machine's PostgreSQL packages), whatever server the rest of the suite uses.
 */
describe('scale-out: a stream follower on a streaming replica', () => {
  it('sees every committed event exactly once while transactions on the primary commit out of order', async () => {
    let primary: Cluster | undefined;
    let replica: Cluster | undefined;
    const open: { pool: pg.Pool; db: Kysely<Database> }[] = [];
    try {
      primary = await startPrimary();
      const writer = connect(primary.url, 12);
      open.push(writer);
      expect((await migrateToLatest(writer.db, { modules: ['audit'] })).error).toBeUndefined();
      replica = await startReplica(primary);
      const reader = connect(replica.url, 2);
      open.push(reader);
      expect((await reader.pool.query('select pg_is_in_recovery() as standby')).rows[0].standby).toBe(true);

      const seen: string[] = [];
      const controller = new AbortController();
      const follower = (async () => {
        for await (const e of new EventLogRepo(reader.db).stream({ follow: true, batchSize: 100, pollIntervalMs: 10, signal: controller.signal })) seen.push(e.id);
      })();

      // writers whose transactions take their ids in one order and commit in another: each holds
      // its transaction open a random while after appending, so later ids often commit first
      const committed = new Set<string>();
      const writers = Array.from({ length: 8 }, async (_, w) => {
        for (let i = 0; i < 25; i++) {
          await writer.db.transaction().execute(async (trx) => {
            const rows = await new EventLogRepo(trx).appendMany(
              Array.from({ length: 1 + (i % 4) }, (_, k) => ({ action: 'replica.test', entity_type: 'w', entity_id: `${w}:${i}:${k}` })),
            );
            await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 40)));
            return rows;
          }).then((rows) => rows.forEach((r) => committed.add(r.id)));
          // and a transaction that rolls back: its events must never be seen
          await writer.db.transaction().execute(async (trx) => {
            await new EventLogRepo(trx).append({ action: 'rolled.back', entity_type: 'w', entity_id: `${w}:${i}` });
            throw new Error('undo');
          }).catch(() => undefined);
        }
      });
      await Promise.all(writers);

      // a last event, committed after all the others: once the follower has it (the feed is in
      // order), it has read everything before it, and anything extra would already be in `seen`
      const marker = (await new EventLogRepo(writer.db).append({ action: 'replica.last', entity_type: 'w', entity_id: 'last' })).id;
      await waitFor(() => seen.includes(marker), 'the follower on the replica to reach the last event');
      controller.abort();
      await follower;
      const before = seen.slice(0, -1);
      expect(seen.at(-1)).toBe(marker);
      expect(before.length).toBe(committed.size);
      expect(new Set(before)).toEqual(committed);
      const lag = await reader.pool.query(`select count(*)::int as n from schema_kit.event_log`);
      expect(lag.rows[0].n).toBe(committed.size + 1);
    } finally {
      for (const c of open) await c.db.destroy();
      await replica?.stop();
      await primary?.stop();
    }
  }, 3 * HANG_LIMIT_MS); // a primary and a replica to start, and the follower to catch up
});
