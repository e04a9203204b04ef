import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { tempFolder } from '../helpers/temp.js';
import { HANG_LIMIT_MS, waitFor } from '../helpers/wait.js';
import { startEmbeddedPostgres } from '../../src/embedded/start-embedded.js';
import { createSchemaKit, EventLogRepo, migrateToLatest, SchemaKitConnectionError, SchemaKitOutcomeUnknownError } from '../../src/index.js';

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
    // a bare pool with no error listeners: createSchemaKit must keep the process alive by itself.
    // Its timeouts bound how long a call can wait on the stopped server (they are the test's
    // guard against a hang, not a claim about speed: a loaded machine gets room)
    const pool = new pg.Pool({ connectionString: server.url, max: 8, connectionTimeoutMillis: 10_000, query_timeout: 30_000 });
    const kit = createSchemaKit({ pool });
    const db = kit.db;
    try {
      expect((await migrateToLatest(db, { modules: ['audit', 'idempotency'] })).error).toBeUndefined();
      const inbox = kit.processedMessages;
      const acknowledged: string[] = [];
      const failures: unknown[] = [];
      let running = true;
      let next = 0;
      // ids whose processOnce ended outcome_unknown (the connection dropped at its COMMIT): the
      // documented recovery is to call processOnce again with the same id
      const unknown: string[] = [];
      const worker = async (): Promise<void> => {
        while (running || unknown.length > 0) {
          const id = unknown.pop() ?? `m${next++}`;
          try {
            await inbox.processOnce(id, async (trx) => {
              await new EventLogRepo(trx).append({ action: 'handled', entity_type: 'message', entity_id: id });
            });
            acknowledged.push(id);
          } catch (error) {
            failures.push(error);
            if (error instanceof SchemaKitOutcomeUnknownError) unknown.push(id);
            await new Promise((resume) => setTimeout(resume, 20)); // a caller's back-off, not a wait for an outcome
          }
        }
      };
      const workers = Array.from({ length: 8 }, worker);
      // each step waits for what shows the previous one happened, however long that takes here
      await waitFor(() => acknowledged.length >= 8, 'the workers to get going');
      await server.stop();
      const failuresBeforeRestart = await waitFor(() => failures.length > 0 && failures.length, 'a call to fail on the stopped server');
      server = await startEmbeddedPostgres({ dataDir, persistent: true, port });
      const ackedBeforeRecovery = acknowledged.length;
      await waitFor(() => acknowledged.length > ackedBeforeRecovery, 'a call to succeed on the restarted server');
      running = false;
      // hangs none: every call in flight settles (a hung one would hold this until the test's timeout)
      await Promise.all(workers);

      expect(failuresBeforeRestart).toBeGreaterThan(0); // the restart was felt
      // a connection error where the call did not take effect; outcome_unknown where the connection
      // dropped at the COMMIT, and the retry with the same id settled it
      for (const failure of failures) expect([SchemaKitConnectionError, SchemaKitOutcomeUnknownError]).toContain(failure?.constructor);
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
  }, 3 * HANG_LIMIT_MS); // two server starts, and three waits each under the hang limit
});
