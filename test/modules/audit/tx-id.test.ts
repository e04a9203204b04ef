import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { EventLogRepo, grantRuntimeAccess, migrateToLatest, type Database } from '../../../src/index.js';
import { SHIPPED_CATALOG } from '../../../src/shipped.js';
import { migrateCatalogToLatest } from '../../../src/migrate/migrate-to-latest.js';
import { useTestDatabase } from '../../helpers/database.js';
import { hangGuard } from '../../helpers/wait.js';

/** The release before tx_id was enforced, 0.1.0: every module at its first migration. */
const PREVIOUS_RELEASE = SHIPPED_CATALOG.map((module) => ({ ...module, migrations: module.migrations.filter((m) => m.name.startsWith('0001_')) }));

/**
 * Issue 14, item 9: the stream's gap-free guarantee assumes `tx_id` is the writing transaction.
 * The database now enforces it (migration audit/0002): whatever an INSERT names, the stored
 * tx_id is its own transaction's.
 */
describe('event_log.tx_id is enforced by the database', () => {
  const database = useTestDatabase();

  it('upgrades an install of the previous release in place, keeping its events', async () => {
    const { db } = database();
    const before = await migrateCatalogToLatest(db as unknown as Kysely<unknown>, PREVIOUS_RELEASE, { modules: ['audit'] });
    expect(before.error).toBeUndefined();
    const old = await new EventLogRepo(db).append({ action: 'before.upgrade', entity_type: 'doc', entity_id: '1', details: { kept: true } });
    const forgedBefore = await db.withSchema('schema_kit').insertInto('event_log').values({ action: 'forged', entity_type: 'doc', entity_id: '0', tx_id: '3' }).returning('tx_id').executeTakeFirstOrThrow();
    expect(forgedBefore.tx_id).toBe('3'); // the previous release let a writer forge it

    const upgrade = await migrateToLatest(db, { modules: ['audit'] });
    expect(upgrade.error).toBeUndefined();
    expect(upgrade.results.map((r) => `${r.module}/${r.migration}`)).toContain('audit/0002_event_log_tx_id');
    const [kept] = (await new EventLogRepo(db).listByEntity('doc', '1')).items;
    expect(kept).toEqual(old);
  });

  it('rewrites a forged tx_id to the writing transaction, so a stream reader past the forged position still sees the event (as the runtime role)', async () => {
    const { db: owner, url, name } = database();
    const role = `${name}_forger`;
    await sqlRows(owner, `create role "${role}" login password 'pw'`);
    await grantRuntimeAccess(owner, { role });
    const runtimeUrl = new URL(url);
    runtimeUrl.username = role;
    runtimeUrl.password = 'pw';
    const pool = new pg.Pool({ connectionString: runtimeUrl.toString() });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    try {
      const events = new EventLogRepo(db);
      const first = await events.append({ action: 'first', entity_type: 'feed', entity_id: '1' });
      const position = `${first.tx_id}:${first.id}`;
      // a compromised service names a tx_id far in the past, in every way an INSERT can
      const forged = await db.transaction().execute(async (trx) => {
        const one = await sqlRows(trx, `insert into schema_kit.event_log (action, entity_type, entity_id, tx_id) values ('forged', 'feed', '2', '3') returning tx_id, pg_current_xact_id()::text as own`);
        const many = await sqlRows(trx, `insert into schema_kit.event_log (action, entity_type, entity_id, tx_id) select 'forged', 'feed', g::text, '1'::xid8 from generate_series(3, 5) g returning tx_id, pg_current_xact_id()::text as own`);
        const viaDefault = await sqlRows(trx, `insert into schema_kit.event_log (action, entity_type, entity_id, tx_id) values ('forged', 'feed', '6', default) returning tx_id, pg_current_xact_id()::text as own`);
        return [...one, ...many, ...viaDefault];
      });
      expect(forged).toHaveLength(5);
      for (const row of forged) expect(row.tx_id).toBe(row.own);
      // follow: a transaction open elsewhere on the server (another test file) holds the feed back a moment
      const seen = [];
      const controller = new AbortController();
      const guard = hangGuard(controller, 'the five forged events on the feed');
      for await (const event of events.stream({ after: position, follow: true, pollIntervalMs: 50, signal: controller.signal })) {
        seen.push(event.action);
        if (seen.length === 5) break;
      }
      guard.done();
      expect(seen).toEqual(['forged', 'forged', 'forged', 'forged', 'forged']);
    } finally {
      await db.destroy();
      await sqlRows(owner, `drop owned by "${role}"`);
      await sqlRows(owner, `drop role "${role}"`);
    }
  });

  it('holds in replica mode too (the trigger is ENABLE ALWAYS), as the owner', async () => {
    const { pool } = database();
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query('set local session_replication_role = replica');
      const { rows } = await client.query(`insert into schema_kit.event_log (action, entity_type, entity_id, tx_id) values ('forged', 'replica', '1', '3') returning tx_id, pg_current_xact_id()::text as own`);
      await client.query('rollback');
      expect(rows[0].tx_id).toBe(rows[0].own);
    } finally {
      client.release();
    }
  });
});

async function sqlRows(db: Kysely<Database>, text: string): Promise<{ tx_id: string; own: string }[]> {
  return (await sql.raw<{ tx_id: string; own: string }>(text).execute(db)).rows;
}
