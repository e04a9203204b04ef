import { Kysely, sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { SchemaKitValidationError } from '../../src/errors.js';
import { isLockRace } from '../../src/migrate/lock-retry.js';
import { migrateCatalogToLatest } from '../../src/migrate/migrate-to-latest.js';
import type { MigrationProgress } from '../../src/migrate/options.js';
import { migrationText, testCatalog } from '../helpers/catalog.js';
import { useTestDatabase } from '../helpers/database.js';

const base = migrationText(
  `create table :SCHEMA_KIT_SCHEMA.items (id int primary key, n int, label text);
   insert into :SCHEMA_KIT_SCHEMA.items select g, g % 7, null from generate_series(1, 95) g;`,
  'drop table :SCHEMA_KIT_SCHEMA.items;',
);

/** A catalog of one module: the base table, then `files`. */
function catalogWith(files: Record<string, string>) {
  return testCatalog({ gamma: { files: { '0001_items': base, ...files } } });
}

describe('online migration runner', () => {
  const database = useTestDatabase();
  const db = () => database().db as unknown as Kysely<unknown>;
  const history = async (schema: string) =>
    (await sql<{ name: string }>`select name from ${sql.id(schema, 'schema_kit_migrations')} order by id`.execute(db())).rows.map((r) => r.name);

  it('gives up a lock it would wait for, lets the host write meanwhile, and retries until the lock is free', async () => {
    const schema = 'online_lock_wait';
    await migrateCatalogToLatest(db(), catalogWith({}), { schema });
    const host = new pg.Client({ connectionString: database().url });
    await host.connect();
    const writer = new pg.Client({ connectionString: database().url });
    await writer.connect();
    try {
      // a long host transaction holds ROW EXCLUSIVE on items: ALTER TABLE cannot get its lock
      await host.query('begin');
      await host.query(`insert into ${schema}.items values (1000, 1, 'open')`);
      const events: MigrationProgress[] = [];
      let sawRetry!: () => void;
      const retried = new Promise<void>((resolve) => (sawRetry = resolve));
      const run = migrateCatalogToLatest(db(), catalogWith({
        '0002_items_note': migrationText('alter table :SCHEMA_KIT_SCHEMA.items add column note text;', 'alter table :SCHEMA_KIT_SCHEMA.items drop column note;'),
      }), {
        schema, ddlLockTimeoutMs: 50, ddlRetries: 1000,
        onProgress: (event) => {
          events.push(event);
          if (event.phase === 'retry') sawRetry();
        },
      });
      await retried;
      // between tries nothing queues the host's other writers behind the migration
      await writer.query(`insert into ${schema}.items values (1001, 1, 'while migrating')`);
      await host.query('commit');
      const result = await run;
      expect(result.error).toBeUndefined();
      const retry = events.find((e) => e.phase === 'retry')!;
      expect(retry).toMatchObject({ attempt: 2, result: { migration: '0002_items_note' } });
      expect(retry.reason).toMatch(/lock timeout/);
      expect(await history(schema)).toEqual(['0001_items', '0002_items_note']);
      expect((await sql<{ n: number }>`select count(*)::int as n from ${sql.id(schema, 'items')} where id >= 1000`.execute(db())).rows[0]!.n).toBe(2);
    } finally {
      await host.query('rollback').catch(() => undefined);
      await host.end();
      await writer.end();
    }
  });

  it('fails a migration whose lock never comes free after ddlRetries tries, leaving the previous version', async () => {
    const schema = 'online_lock_never';
    await migrateCatalogToLatest(db(), catalogWith({}), { schema });
    const host = new pg.Client({ connectionString: database().url });
    await host.connect();
    try {
      await host.query('begin');
      await host.query(`select * from ${schema}.items where id = 1 for update`);
      const result = await migrateCatalogToLatest(db(), catalogWith({
        '0002_items_note': migrationText(
          `create table :SCHEMA_KIT_SCHEMA.notes (id int);
           alter table :SCHEMA_KIT_SCHEMA.items add column note text;`,
          'drop table :SCHEMA_KIT_SCHEMA.notes; alter table :SCHEMA_KIT_SCHEMA.items drop column note;',
        ),
      }), { schema, ddlLockTimeoutMs: 20, ddlRetries: 2 });
      expect(result.error).toMatchObject({ code: 'migration_failed', migration: '0002_items_note' });
      expect(isLockRace(result.error)).toBe(true);
      expect(await history(schema)).toEqual(['0001_items']);
      expect((await sql`select to_regclass(${`${schema}.notes`}) as t`.execute(db())).rows[0]).toEqual({ t: null });
    } finally {
      await host.query('rollback');
      await host.end();
    }
  });

  it('runs a no-transaction file step by step: concurrent index builds, batched backfills with progress, generated steps', async () => {
    const schema = 'online_steps';
    const events: MigrationProgress[] = [];
    const result = await migrateCatalogToLatest(db(), catalogWith({
      '0002_items_label': migrationText(
        `create function :SCHEMA_KIT_SCHEMA.items_backfill_label(p_batch int) returns int language sql as
         'with b as (select id from :SCHEMA_KIT_SCHEMA.items where label is null order by id limit p_batch for update skip locked)
          update :SCHEMA_KIT_SCHEMA.items i set label = ''#'' || i.id from b where b.id = i.id returning 1'
         -- (a SQL function returns its last statement's first row: counted below)
         ;
         create function :SCHEMA_KIT_SCHEMA.items_backfill(p_batch int) returns int language sql as
         'with b as (select id from :SCHEMA_KIT_SCHEMA.items where label is null order by id limit p_batch)
          , u as (update :SCHEMA_KIT_SCHEMA.items i set label = ''#'' || i.id from b where b.id = i.id returning 1)
          select count(*)::int from u';`,
        'drop function :SCHEMA_KIT_SCHEMA.items_backfill(int); drop function :SCHEMA_KIT_SCHEMA.items_backfill_label(int);',
      ),
      '0003_items_online': migrationText(
        `create index concurrently if not exists items_n_idx on :SCHEMA_KIT_SCHEMA.items (n);
         -- schema-kit:batch
         select :SCHEMA_KIT_SCHEMA.items_backfill(10);
         -- schema-kit:each
         select format('create index concurrently if not exists %I on :SCHEMA_KIT_SCHEMA.items (%I)', 'items_' || c || '_idx', c)
         from unnest(array['label', 'id']) c;`,
        'drop index :SCHEMA_KIT_SCHEMA.items_id_idx; drop index :SCHEMA_KIT_SCHEMA.items_label_idx; drop index :SCHEMA_KIT_SCHEMA.items_n_idx;',
        { noTransaction: true },
      ),
    }), { schema, onProgress: (event) => events.push(event) });
    expect(result.error).toBeUndefined();
    expect(events.filter((e) => e.phase === 'batch').map((e) => e.rows)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 95]);
    const indexes = await sql<{ name: string; valid: boolean }>`
      select c.relname as name, x.indisvalid as valid from pg_index x join pg_class c on c.oid = x.indexrelid
      where x.indrelid = ${`${schema}.items`}::regclass and not x.indisprimary order by 1`.execute(db());
    expect(indexes.rows).toEqual([
      { name: 'items_id_idx', valid: true }, { name: 'items_label_idx', valid: true }, { name: 'items_n_idx', valid: true },
    ]);
    expect((await sql`select count(*)::int as n from ${sql.id(schema, 'items')} where label is distinct from '#' || id`.execute(db())).rows[0]).toEqual({ n: 0 });
  });

  it('reruns an interrupted no-transaction migration: a backfill goes on where it stopped, an invalid index is rebuilt', async () => {
    const schema = 'online_rerun';
    const files = {
      '0002_items_fn': migrationText(
        `create table :SCHEMA_KIT_SCHEMA.stop_at (id int);
         insert into :SCHEMA_KIT_SCHEMA.stop_at values (40);
         create function :SCHEMA_KIT_SCHEMA.items_backfill(p_batch int) returns int language plpgsql as $f$
         declare v_done int;
         begin
           if (select min(id) from :SCHEMA_KIT_SCHEMA.items where label is null) >= (select min(id) from :SCHEMA_KIT_SCHEMA.stop_at) then
             raise exception 'interrupted';
           end if;
           with b as (select id from :SCHEMA_KIT_SCHEMA.items where label is null order by id limit p_batch),
                u as (update :SCHEMA_KIT_SCHEMA.items i set label = 'x', n = i.id from b where b.id = i.id returning 1)
           select count(*) into v_done from u;
           return v_done;
         end $f$;`,
        'drop function :SCHEMA_KIT_SCHEMA.items_backfill(int); drop table :SCHEMA_KIT_SCHEMA.stop_at;',
      ),
      '0003_items_online': migrationText(
        `-- schema-kit:batch
         select :SCHEMA_KIT_SCHEMA.items_backfill(15);
         create unique index concurrently if not exists items_n_key on :SCHEMA_KIT_SCHEMA.items (n);`,
        'drop index :SCHEMA_KIT_SCHEMA.items_n_key;',
        { noTransaction: true },
      ),
    };
    const first = await migrateCatalogToLatest(db(), catalogWith(files), { schema });
    expect(first.error).toMatchObject({ code: 'migration_failed', migration: '0003_items_online' });
    expect(first.error!.message).toMatch(/interrupted/);
    const done = async () => (await sql<{ n: number }>`select count(*)::int as n from ${sql.id(schema, 'items')} where label = 'x'`.execute(db())).rows[0]!.n;
    expect(await done()).toBe(45); // three batches committed before the interruption
    expect(await history(schema)).toEqual(['0001_items', '0002_items_fn']);

    // the rest of the backfill runs; then the unique build fails on a duplicate and leaves an invalid index
    await sql`delete from ${sql.id(schema, 'stop_at')}`.execute(db());
    await sql`insert into ${sql.id(schema, 'items')} values (96, 95, 'x')`.execute(db());
    const second = await migrateCatalogToLatest(db(), catalogWith(files), { schema });
    expect(second.error).toMatchObject({ code: 'migration_failed' });
    expect(second.error!.message).toMatch(/could not create unique index/);
    expect(await done()).toBe(96);
    const valid = async () => (await sql<{ valid: boolean }>`
      select x.indisvalid as valid from pg_index x join pg_class c on c.oid = x.indexrelid where c.relname = 'items_n_key'
      and c.relnamespace = ${schema}::regnamespace`.execute(db())).rows;
    expect(await valid()).toEqual([{ valid: false }]);

    await sql`delete from ${sql.id(schema, 'items')} where id = 96`.execute(db());
    const third = await migrateCatalogToLatest(db(), catalogWith(files), { schema });
    expect(third.error).toBeUndefined();
    expect(await valid()).toEqual([{ valid: true }]);
    expect(await history(schema)).toEqual(['0001_items', '0002_items_fn', '0003_items_online']);
  });

  it('refuses a batched statement that does not report its rows, and bad lock options, naming the field', async () => {
    const result = await migrateCatalogToLatest(db(), catalogWith({
      '0002_bad_batch': migrationText("-- schema-kit:batch\nselect 'many';", 'select 1;', { noTransaction: true }),
    }), { schema: 'online_bad_batch' });
    expect(result.error).toMatchObject({ code: 'migration_failed' });
    expect(result.error!.message).toMatch(/schema-kit:batch: the statement must return the rows it did/);
    for (const [field, value] of [['ddlLockTimeoutMs', 0], ['ddlRetries', 0], ['ddlLockTimeoutMs', 1.5]] as const) {
      const invalid = migrateCatalogToLatest(db(), catalogWith({}), { schema: 'online_bad_options', [field]: value });
      await expect(invalid).rejects.toBeInstanceOf(SchemaKitValidationError);
      await expect(invalid).rejects.toMatchObject({ field });
    }
  });

  it('tells lock races (lock timeout, deadlock) from other failures, through causes', () => {
    expect(isLockRace({ code: '55P03' })).toBe(true);
    expect(isLockRace(new Error('x', { cause: { code: '40P01' } }))).toBe(true);
    expect(isLockRace({ code: '23505' })).toBe(false);
    expect(isLockRace(undefined)).toBe(false);
  });
});
