import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { dropPartitionsBefore, EventLogRepo, grantRuntimeAccess, migrateDown, migrateToLatest, RoleChangeLogRepo } from '../../../src/index.js';
import { type Catalog } from '../../../src/migrate/catalog.js';
import { SHIPPED_CATALOG } from '../../../src/shipped.js';
import { migrateCatalogToLatest } from '../../../src/migrate/migrate-to-latest.js';
import { useTestDatabase } from '../../helpers/database.js';
import { createUser } from '../../helpers/installed.js';
import pg from 'pg';

/** The catalog of release 0.1.0: no lifecycle module, every other module at its first migration. */
const PREVIOUS_RELEASE: Catalog = SHIPPED_CATALOG.filter((m) => m.name !== 'lifecycle').map((m) => ({
  ...m,
  dependsOn: m.dependsOn.filter((d) => d !== 'lifecycle'),
  migrations: m.migrations.filter((x) => x.name.startsWith('0001_')),
}));

const monthsAgo = (n: number) => new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - n, 15, 12));

describe('upgrading an install of the previous release', () => {
  const database = useTestDatabase();

  it('converts both logs to partitioned tables in place, with every row, trigger, grant and position kept', async () => {
    const { db, pool } = database();
    expect((await migrateCatalogToLatest(db as unknown as Kysely<unknown>, PREVIOUS_RELEASE, { modules: ['core', 'roles', 'audit'] })).error).toBeUndefined();
    const role = `${database().name}_rt`;
    await pool.query(`create role "${role}" login password 'pw'`);
    await grantRuntimeAccess(db, { role });

    const events = new EventLogRepo(db);
    await events.appendMany(Array.from({ length: 50 }, (_, i) => ({ user_id: `u${i % 5}`, action: 'a', entity_type: 'e', entity_id: String(i), details: { i } })));
    // rows written months ago, as a long-running install has them
    await pool.query(`insert into schema_kit.event_log (action, entity_type, entity_id, created_at) select 'old', 'e', n::text, $1 from generate_series(1, 30) n`, [monthsAgo(14)]);
    await pool.query(`insert into schema_kit.event_log (action, entity_type, entity_id, created_at) select 'old', 'e', n::text, $1 from generate_series(1, 30) n`, [monthsAgo(2)]);
    const user = await createUser(database());
    const roles = new RoleChangeLogRepo(db);
    for (const to of ['admin', 'owner', 'public']) await roles.changeRole({ user_id: user, new_role: to, changed_by: 'boss', change_source: 'admin' });
    const snapshot = async (table: string) => (await pool.query(`select * from schema_kit.${table} order by id`)).rows;
    const eventsBefore = await snapshot('event_log');
    const rolesBefore = await snapshot('user_role_change_log');

    const upgrade = await migrateToLatest(db); // upgrades what is installed, and installs lifecycle, their new dependency
    expect(upgrade.error).toBeUndefined();
    expect(upgrade.results.map((r) => `${r.module}/${r.migration}`)).toEqual([
      'lifecycle/0001_lifecycle', 'core/0002_skill_levels', 'core/0003_telegram_profile', 'core/0004_users_text_bounds', 'core/0005_users_validation_and_indexes',
      'audit/0002_event_log_tx_id', 'audit/0003_event_log_erasure', 'audit/0004_partition_event_log', 'audit/0005_event_log_erasure_index',
      'roles/0002_change_sources', 'roles/0003_user_role_change_log_erasure', 'roles/0004_partition_user_role_change_log',
      'roles/0005_role_change_log_text_bounds', 'roles/0006_role_change_log_validation',
    ]);

    // every column, tx_id included: the stream positions (`tx_id:id`) of every event are unchanged
    expect(await snapshot('event_log')).toEqual(eventsBefore);
    expect(await snapshot('user_role_change_log')).toEqual(rolesBefore);
    const { rows: kinds } = await pool.query(`select relname, relkind from pg_class where oid in ('schema_kit.event_log'::regclass, 'schema_kit.user_role_change_log'::regclass) order by 1`);
    expect(kinds).toEqual([{ relname: 'event_log', relkind: 'p' }, { relname: 'user_role_change_log', relkind: 'p' }]);
    const { rows: oldPartitions } = await pool.query(`select tableoid::regclass::text as at, count(*)::int as n from schema_kit.event_log where action = 'old' group by 1 order by 1`);
    expect(oldPartitions.map((r) => r.n)).toEqual([30, 30]);
    expect(oldPartitions.every((r) => /_p\d{6}$/.test(r.at))).toBe(true);
    expect((await pool.query(`select count(*)::int as n from pg_class where relname like '%\\_old'`)).rows[0].n).toBe(0);

    // the guards survive, ENABLE ALWAYS, on the parent and every partition
    const { rows: triggers } = await pool.query(`
      select c.relname, t.tgname, t.tgenabled from pg_trigger t join pg_class c on c.oid = t.tgrelid
      where c.relnamespace = 'schema_kit'::regnamespace and t.tgname like '%reject%' and not t.tgisinternal`);
    const partitions = (await pool.query(`select count(*)::int as n from pg_inherits where inhparent in ('schema_kit.event_log'::regclass, 'schema_kit.user_role_change_log'::regclass)`)).rows[0].n;
    expect(triggers.length).toBe(2 * (2 + partitions));
    expect(triggers.every((t) => t.tgenabled === 'A')).toBe(true);
    await expect(pool.query(`update schema_kit.event_log set action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(pool.query(`truncate schema_kit.user_role_change_log`)).rejects.toThrow(/append-only/);

    // the runtime role keeps its grants and the identities continue
    const url = new URL(database().url);
    url.username = role;
    url.password = 'pw';
    const runtime = new pg.Pool({ connectionString: url.toString() });
    try {
      const { rows } = await runtime.query(`insert into schema_kit.event_log (action, entity_type, entity_id) values ('after', 'e', '1') returning id`);
      expect(BigInt(rows[0].id)).toBeGreaterThan(BigInt(eventsBefore.at(-1).id));
      await expect(runtime.query(`delete from schema_kit.event_log`)).rejects.toThrow(/permission denied/);
    } finally {
      await runtime.end();
      await pool.query(`drop owned by "${role}"; drop role "${role}"`);
    }
    await roles.changeRole({ user_id: user, new_role: 'admin', changed_by: 'boss', change_source: 'admin' });
    expect((await snapshot('user_role_change_log')).length).toBe(rolesBefore.length + 1);

    // and the way down gives the plain tables back, rows kept
    const down = await migrateDown(db, { steps: 7 }); // roles/0006-0002, audit/0005, audit/0004
    expect(down.error).toBeUndefined();
    const { rows: plain } = await pool.query(`select relkind from pg_class where oid = 'schema_kit.event_log'::regclass`);
    expect(plain[0].relkind).toBe('r');
    expect((await snapshot('event_log')).length).toBe(eventsBefore.length + 1);
  });

  it('attaches a large table whole as the legacy partition when its owner built the index beforehand (docs/lifecycle.md)', async () => {
    const { db, pool } = database();
    const schema = 'legacy_path';
    expect((await migrateCatalogToLatest(db as unknown as Kysely<unknown>, PREVIOUS_RELEASE, { schema, modules: ['audit'] })).error).toBeUndefined();
    await pool.query(`insert into ${schema}.event_log (action, entity_type, entity_id, created_at)
      select 'old', 'e', n::text, now() - n * interval '1 day' from generate_series(1, 400) n`);
    const before = (await pool.query(`select * from ${schema}.event_log order by id`)).rows;
    // the documented preparation, run while the service keeps writing
    await pool.query(`create unique index concurrently event_log_legacy_key on ${schema}.event_log (id, created_at)`);

    const upgrade = await migrateToLatest(db, { schema, modules: ['audit'] });
    expect(upgrade.error).toBeUndefined();
    expect((await pool.query(`select * from ${schema}.event_log order by id`)).rows).toEqual(before);
    const { rows: where } = await pool.query(`select tableoid::regclass::text as at, count(*)::int as n from ${schema}.event_log group by 1`);
    expect(where).toEqual([{ at: `${schema}.event_log_legacy`, n: 400 }]);
    const { rows: bound } = await pool.query(`select pg_get_expr(relpartbound, oid) as b from pg_class where oid = '${schema}.event_log_legacy'::regclass`);
    const next = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + 1, 1));
    expect(bound[0].b).toMatch(/^FOR VALUES FROM \(MINVALUE\) TO \('/);
    expect(new Date(/TO \('([^']+)'\)/.exec(bound[0].b)![1]!).getTime()).toBe(next.getTime());
    const { rows: guards } = await pool.query(`select tgname, tgenabled from pg_trigger where tgrelid = '${schema}.event_log_legacy'::regclass order by 1`);
    expect(guards).toEqual([
      { tgname: 'event_log_enforce_tx_id', tgenabled: 'A' },
      { tgname: 'event_log_reject_change', tgenabled: 'A' },
      { tgname: 'event_log_reject_truncate', tgenabled: 'A' },
    ]);
    await expect(pool.query(`delete from ${schema}.event_log_legacy`)).rejects.toThrow(/append-only/);
    // new rows go to the month partitions after the bound, and the identity continues
    const { rows: later } = await pool.query(`insert into ${schema}.event_log (action, entity_type, entity_id, created_at) values ('new', 'e', '1', $1) returning id, tableoid::regclass::text as at`, [next]);
    expect(later[0].at).toMatch(/event_log_p\d{6}$/);
    expect(BigInt(later[0].id)).toBeGreaterThan(BigInt(before.at(-1).id));
    // retention takes the legacy partition whole once the cut-off passes its bound
    expect(await dropPartitionsBefore(db, { schema, table: 'event_log', before: new Date(next.getTime() - 1) })).toEqual([]);
    expect(await dropPartitionsBefore(db, { schema, table: 'event_log', before: next })).toEqual([`${schema}.event_log_legacy`]);
  });

  it('converts a large log online by itself: index built concurrently, bound validated, attached without a scan or a copy', async () => {
    const { db, pool } = database();
    const schema = 'online_path';
    expect((await migrateCatalogToLatest(db as unknown as Kysely<unknown>, PREVIOUS_RELEASE, { schema, modules: ['audit'] })).error).toBeUndefined();
    await pool.query(`insert into ${schema}.event_log (action, entity_type, entity_id, created_at)
      select 'old', 'e', n::text, now() - n * interval '1 hour' from generate_series(1, 6000) n`);
    const before = (await pool.query(`select * from ${schema}.event_log order by id`)).rows;
    const phases: string[] = [];
    const upgrade = await migrateToLatest(db, { schema, modules: ['audit'], onProgress: (e) => phases.push(`${e.phase} ${e.result.migration}`) });
    expect(upgrade.error).toBeUndefined();
    expect(upgrade.results.find((r) => r.migration === '0004_partition_event_log')?.sql).toContain('-- schema-kit:each');
    expect((await pool.query(`select * from ${schema}.event_log order by id`)).rows).toEqual(before);
    const { rows: where } = await pool.query(`select tableoid::regclass::text as at, count(*)::int as n from ${schema}.event_log group by 1`);
    expect(where).toEqual([{ at: `${schema}.event_log_legacy`, n: 6000 }]);
    // the bound is the CHECK's (the first day of the month after next), which is gone: the partition bound says it
    const { rows: bound } = await pool.query(`select pg_get_expr(relpartbound, oid) as b from pg_class where oid = '${schema}.event_log_legacy'::regclass`);
    const afterNext = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + 2, 1));
    expect(new Date(/TO \('([^']+)'\)/.exec(bound[0].b)![1]!).getTime()).toBe(afterNext.getTime());
    const { rows: checks } = await pool.query(`select conname from pg_constraint where conrelid = '${schema}.event_log_legacy'::regclass and conname like '%legacy_bound'`);
    expect(checks).toEqual([]);
    // the concurrently built key serves the parent's primary key on the legacy partition
    const { rows: key } = await pool.query(`
      select pi.relname as parent_index from pg_inherits i join pg_class ci on ci.oid = i.inhrelid join pg_class pi on pi.oid = i.inhparent
      where ci.relname = 'event_log_legacy_key' and ci.relnamespace = '${schema}'::regnamespace`);
    expect(key).toEqual([{ parent_index: 'event_log_pkey' }]);
    const { rows: later } = await pool.query(`insert into ${schema}.event_log (action, entity_type, entity_id, created_at) values ('new', 'e', '1', $1) returning id, tableoid::regclass::text as at`, [afterNext]);
    expect(later[0].at).toMatch(/event_log_p\d{6}$/);
    expect(BigInt(later[0].id)).toBeGreaterThan(BigInt(before.at(-1).id));
    // a rerun of the preparation on the partitioned table has nothing to do
    expect((await pool.query(`select ${schema}.lifecycle_attach_steps('event_log', 'created_at')`)).rows).toEqual([]);
  });
});
