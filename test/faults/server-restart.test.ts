import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { tempFolder } from '../helpers/temp.js';
import { startEmbeddedPostgres } from '../../src/embedded/start-embedded.js';
import { createSchemaKit, EventLogRepo, migrateToLatest, SchemaKitConnectionError } from '../../src/index.js';

/**
 * The database server is stopped and started again under load. This file runs its own embedded
 * PostgreSQL (on a fixed port, so the pool reconnects to the same URL), whatever server the rest
 * of the suite uses.
 */
describe('faults: the database server restarts while repositories are in use', () => {
  it('fails calls with typed errors, hangs none, loses or doubles nothing, and recovers', async () => {
    const parent = tempFolder('restart-');
    const dataDir = join(parent, 'data');
    let server = await startEmbeddedPostgres({ dataDir, persistent: true });
    const port = Number(new URL(server.url).port);
    // a bare pool with no error listeners: createSchemaKit must keep the process alive by itself
    const pool = new pg.Pool({ connectionString: server.url, max: 8, connectionTimeoutMillis: 2000, query_timeout: 5000 });
    const kit = createSchemaKit({ pool });
    const db = kit.db;
    try {
      expect((await migrateToLatest(db, { modules: ['audit', 'idempotency'] })).error).toBeUndefined();
      const inbox = kit.processedMessages;
      const acknowledged: string[] = [];
      const failures: unknown[] = [];
      let slowest = 0;
      let running = true;
      let next = 0;
      const worker = async (): Promise<void> => {
        while (running) {
          const id = `m${next++}`;
          const started = Date.now();
          try {
            await inbox.processOnce(id, async (trx) => {
              await new EventLogRepo(trx).append({ action: 'handled', entity_type: 'message', entity_id: id });
            });
            acknowledged.push(id);
          } catch (error) {
            failures.push(error);
            await new Promise((resume) => setTimeout(resume, 20));
          }
          slowest = Math.max(slowest, Date.now() - started);
        }
      };
      const workers = Array.from({ length: 8 }, worker);
      await new Promise((resume) => setTimeout(resume, 500));
      await server.stop();
      await new Promise((resume) => setTimeout(resume, 1000));
      server = await startEmbeddedPostgres({ dataDir, persistent: true, port });
      const ackedBeforeRecovery = acknowledged.length;
      await new Promise((resume) => setTimeout(resume, 1000));
      running = false;
      await Promise.all(workers);

      expect(failures.length).toBeGreaterThan(0); // the restart was felt
      for (const failure of failures) expect(failure).toBeInstanceOf(SchemaKitConnectionError);
      expect(slowest).toBeLessThan(10_000); // bounded by the pool's connect and query timeouts
      expect(acknowledged.length).toBeGreaterThan(ackedBeforeRecovery); // calls succeed again

      const { rows } = await sql<{ entity_id: string; n: number; claimed: boolean }>`
        select e.entity_id, count(*)::int as n, bool_and(p.message_id is not null) as claimed
        from schema_kit.event_log e left join schema_kit.processed_messages p on p.message_id = e.entity_id
        group by e.entity_id`.execute(db);
      const stored = new Map(rows.map((r) => [r.entity_id, r]));
      for (const id of acknowledged) {
        expect(stored.get(id), id).toMatchObject({ n: 1, claimed: true }); // not lost
      }
      expect(rows.every((r) => r.n === 1 && r.claimed)).toBe(true); // never doubled, never half-done
    } finally {
      await kit.destroy();
      await pool.end();
      await server.stop();
    }
  });
});
