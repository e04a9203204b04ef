import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { SchemaKitError, SchemaKitValidationError } from '../../src/errors.js';
import { migrateCatalogDown } from '../../src/migrate/migrate-down.js';
import { migrateCatalogToLatest } from '../../src/migrate/migrate-to-latest.js';
import { catalogStatus } from '../../src/migrate/migration-status.js';
import { migrationText, testCatalog } from '../helpers/catalog.js';
import { useTestDatabase } from '../helpers/database.js';

const alpha = {
  '0001_things': migrationText('create table :SCHEMA_KIT_SCHEMA.things (id int primary key);', 'drop table :SCHEMA_KIT_SCHEMA.things;'),
  '0002_things_name': migrationText(
    'alter table :SCHEMA_KIT_SCHEMA.things add column name text;',
    'alter table :SCHEMA_KIT_SCHEMA.things drop column name;',
  ),
};
const beta = {
  '0001_links': migrationText(
    'create table :SCHEMA_KIT_SCHEMA.links (thing_id int references :SCHEMA_KIT_SCHEMA.things);',
    'drop table :SCHEMA_KIT_SCHEMA.links;',
  ),
};
const catalog = testCatalog({ alpha: { files: alpha }, beta: { dependsOn: ['alpha'], files: beta } });

async function tables(db: Kysely<unknown>, schema: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables where table_schema = ${schema} order by 1`.execute(db);
  return rows.map((r) => r.name);
}

async function history(db: Kysely<unknown>, schema: string): Promise<string[]> {
  const { rows } = await sql<{ key: string }>`
    select module || '/' || name as key from ${sql.id(schema, 'schema_kit_migrations')} order by id`.execute(db);
  return rows.map((r) => r.key);
}

describe('migration runner', () => {
  const database = useTestDatabase();
  const db = () => database().db as unknown as Kysely<unknown>;

  it('installs a module with its dependencies first, then finds nothing to do', async () => {
    const schema = 'runner_fresh';
    const first = await migrateCatalogToLatest(db(), catalog, { schema, modules: ['beta'] });
    expect(first.error).toBeUndefined();
    expect(first.results.map((r) => `${r.module}/${r.migration}:${r.status}`)).toEqual([
      'alpha/0001_things:Success',
      'alpha/0002_things_name:Success',
      'beta/0001_links:Success',
    ]);
    expect(first.results.every((r) => r.durationMs >= 0)).toBe(true);
    expect(await tables(db(), schema)).toEqual(['links', 'schema_kit_migrations', 'schema_kit_modules', 'things']);

    const again = await migrateCatalogToLatest(db(), catalog, { schema });
    expect(again.error).toBeUndefined();
    expect(again.results).toEqual([]);
  });

  it('reports status before and after, and adding a module later works', async () => {
    const schema = 'runner_status';
    const before = await catalogStatus(db(), catalog, { schema });
    expect(before.pending).toBe(3);
    expect(before.upToDate).toBe(false);
    expect(await tables(db(), schema)).toEqual([]); // status changed nothing

    await migrateCatalogToLatest(db(), catalog, { schema, modules: ['alpha'] });
    const middle = await catalogStatus(db(), catalog, { schema });
    expect(middle.migrations.map((m) => m.state)).toEqual(['applied', 'applied']);
    expect(middle).toMatchObject({ upToDate: true, installed: ['alpha'], toInstall: [], notInstalled: ['beta'], selection: 'installed' });
    expect((await migrateCatalogToLatest(db(), catalog, { schema })).results).toEqual([]); // beta stays out

    // naming a module that is not installed is refused: adding one is deliberate
    const named = await migrateCatalogToLatest(db(), catalog, { schema, modules: ['beta'] });
    expect(named.error?.code).toBe('not_installed');
    expect(named.error?.message).toContain('add');
    await expect(catalogStatus(db(), catalog, { schema, modules: ['beta'] })).rejects.toMatchObject({ code: 'not_installed' });
    expect((await catalogStatus(db(), catalog, { schema, add: ['beta'] })).toInstall).toEqual(['beta']);

    const added = await migrateCatalogToLatest(db(), catalog, { schema, add: ['beta'] });
    expect(added.results.map((r) => `${r.module}/${r.migration}`)).toEqual(['beta/0001_links']);
    const after = await catalogStatus(db(), catalog, { schema });
    expect(after).toMatchObject({ upToDate: true, installed: ['alpha', 'beta'], notInstalled: [] });
    expect(after.migrations.every((m) => m.appliedAt instanceof Date)).toBe(true);
  });

  it('upgrades in place an install made before the modules table existed: its modules are those with history', async () => {
    const schema = 'runner_previous_release';
    await migrateCatalogToLatest(db(), catalog, { schema, modules: ['alpha'] });
    // the previous release (e953d1f) kept the same history table and no modules table
    await sql`drop table ${sql.id(schema, 'schema_kit_modules')}`.execute(db());
    const status = await catalogStatus(db(), catalog, { schema });
    expect(status).toMatchObject({ upToDate: true, installed: ['alpha'], notInstalled: ['beta'] });
    expect(await tables(db(), schema)).toEqual(['schema_kit_migrations', 'things']); // status wrote nothing

    expect((await migrateCatalogToLatest(db(), catalog, { schema })).results).toEqual([]);
    const { rows } = await sql<{ module: string }>`select module from ${sql.id(schema, 'schema_kit_modules')}`.execute(db());
    expect(rows.map((r) => r.module)).toEqual(['alpha']);
    expect(await history(db(), schema)).toEqual(['alpha/0001_things', 'alpha/0002_things_name']);
  });

  it('keeps a module with its last migration reverted intended (pending), and uninstalls it only when asked', async () => {
    const schema = 'runner_uninstall';
    await migrateCatalogToLatest(db(), catalog, { schema });
    expect((await migrateCatalogDown(db(), catalog, { schema, steps: 1 })).error).toBeUndefined();
    expect(await catalogStatus(db(), catalog, { schema })).toMatchObject({ upToDate: false, pending: 1, installed: ['alpha'], toInstall: ['beta'], notInstalled: [] });
    expect((await migrateCatalogToLatest(db(), catalog, { schema })).results.map((r) => r.migration)).toEqual(['0001_links']);

    expect((await migrateCatalogDown(db(), catalog, { schema, steps: 1, uninstall: true })).error).toBeUndefined();
    expect(await catalogStatus(db(), catalog, { schema })).toMatchObject({ upToDate: true, installed: ['alpha'], notInstalled: ['beta'] });
    expect((await migrateCatalogToLatest(db(), catalog, { schema })).results).toEqual([]);
    expect((await migrateCatalogToLatest(db(), catalog, { schema, add: ['beta'] })).results).toHaveLength(1);
  });

  it('records the intended modules before installing them: a run cut off half-way is finished by the next', async () => {
    const schema = 'runner_intent';
    const stuck = testCatalog({
      alpha: { files: alpha },
      beta: { dependsOn: ['alpha'], files: { '0001_links': migrationText('select 1 / 0;', 'select 1;') } },
    });
    const cut = await migrateCatalogToLatest(db(), stuck, { schema });
    expect(cut.error?.code).toBe('migration_failed');
    // beta never got a migration applied, but it was asked for: status shows it pending
    expect(await catalogStatus(db(), catalog, { schema })).toMatchObject({ upToDate: false, pending: 1, installed: ['alpha'], toInstall: ['beta'] });
    const rerun = await migrateCatalogToLatest(db(), catalog, { schema });
    expect(rerun.results.map((r) => `${r.module}/${r.migration}:${r.status}`)).toEqual(['beta/0001_links:Success']);
    expect(await history(db(), schema)).toEqual(['alpha/0001_things', 'alpha/0002_things_name', 'beta/0001_links']);
  });

  it('reverts newest first with down, and migrate brings it back', async () => {
    const schema = 'runner_down';
    await migrateCatalogToLatest(db(), catalog, { schema });
    const down = await migrateCatalogDown(db(), catalog, { schema, steps: 2 });
    expect(down.error).toBeUndefined();
    expect(down.results.map((r) => r.migration)).toEqual(['0001_links', '0002_things_name']);
    expect(await tables(db(), schema)).toEqual(['schema_kit_migrations', 'schema_kit_modules', 'things']);
    expect(await history(db(), schema)).toEqual(['alpha/0001_things']);

    // beta lost its last migration but stays intended: down then migrate is a round trip
    const up = await migrateCatalogToLatest(db(), catalog, { schema });
    expect(up.results.map((r) => r.migration)).toEqual(['0002_things_name', '0001_links']);
    expect(await history(db(), schema)).toEqual(['alpha/0001_things', 'alpha/0002_things_name', 'beta/0001_links']);
  });

  it('plans in a dry run and changes nothing', async () => {
    const schema = 'runner_dry';
    const plan = await migrateCatalogToLatest(db(), catalog, { schema, dryRun: true });
    expect(plan.results.map((r) => r.status)).toEqual(['Planned', 'Planned', 'Planned']);
    expect(plan.results[0]?.sql).toBe('create table "runner_dry".things (id int primary key);');
    expect(await tables(db(), schema)).toEqual([]);
    const { rows } = await sql`select 1 from pg_namespace where nspname = ${schema}`.execute(db());
    expect(rows).toHaveLength(0);
  });

  it('stops on a changed checksum, a missing file and a database ahead, running nothing', async () => {
    const schema = 'runner_checksums';
    await migrateCatalogToLatest(db(), catalog, { schema, modules: ['alpha'] });

    const edited = testCatalog({
      alpha: { files: { ...alpha, '0002_things_name': migrationText('alter table :SCHEMA_KIT_SCHEMA.things add column name varchar(10);', 'select 1;') } },
      beta: { dependsOn: ['alpha'], files: beta },
    });
    const status = await catalogStatus(db(), edited, { schema });
    expect(status.migrations.find((m) => m.migration === '0002_things_name')?.state).toBe('changed');
    expect(status.problems.map((p) => p.code)).toEqual(['checksum_mismatch']);
    const refused = await migrateCatalogToLatest(db(), edited, { schema });
    expect(refused.error?.code).toBe('checksum_mismatch');
    expect(refused.error?.message).toContain('alpha/0002_things_name');
    expect(refused.results).toEqual([]);
    expect(await tables(db(), schema)).not.toContain('links'); // beta was pending, yet nothing ran

    const older = testCatalog({ alpha: { files: { '0001_things': alpha['0001_things'] } }, beta: { dependsOn: ['alpha'], files: beta } });
    const ahead = await migrateCatalogToLatest(db(), older, { schema });
    expect(ahead.error?.code).toBe('database_ahead');

    const gap = testCatalog({ alpha: { files: { '0002_things_name': alpha['0002_things_name'] } } });
    expect((await migrateCatalogToLatest(db(), gap, { schema })).error?.code).toBe('missing_migration');
  });

  it('leaves the database at the previous version when a migration fails half-way, and frees the lock', async () => {
    const schema = 'runner_failure';
    const failing = testCatalog({
      alpha: { files: alpha },
      broken: {
        dependsOn: ['alpha'],
        files: {
          '0001_half': migrationText(
            'create table :SCHEMA_KIT_SCHEMA.half_done (id int);\ninsert into :SCHEMA_KIT_SCHEMA.half_done values (1 / 0);',
            'drop table :SCHEMA_KIT_SCHEMA.half_done;',
          ),
        },
      },
    });
    await migrateCatalogToLatest(db(), failing, { schema, modules: ['alpha'] });
    const result = await migrateCatalogToLatest(db(), failing, { schema, add: ['broken'] });
    expect(result.error?.code).toBe('migration_failed');
    expect(result.error?.message).toMatch(/broken\/0001_half.*division by zero/);
    expect(result.results.map((r) => r.status)).toEqual(['Error']);
    expect(await tables(db(), schema)).toEqual(['schema_kit_migrations', 'schema_kit_modules', 'things']);
    expect(await history(db(), schema)).toEqual(['alpha/0001_things', 'alpha/0002_things_name']);

    const { rows } = await sql<{ held: number }>`
      select count(*)::int as held from pg_locks l join pg_database d on d.oid = l.database
      where l.locktype = 'advisory' and l.classid = ${0x736b} and d.datname = current_database()`.execute(db());
    expect(rows[0]?.held).toBe(0);
  });

  it('runs a no-transaction migration outside a transaction', async () => {
    const schema = 'runner_concurrently';
    const concurrent = testCatalog({
      alpha: { files: alpha },
      idx: {
        dependsOn: ['alpha'],
        files: {
          '0001_index': migrationText(
            'create index concurrently things_name_idx on :SCHEMA_KIT_SCHEMA.things (name);',
            'drop index concurrently :SCHEMA_KIT_SCHEMA.things_name_idx;',
            { noTransaction: true },
          ),
        },
      },
    });
    const result = await migrateCatalogToLatest(db(), concurrent, { schema });
    expect(result.error).toBeUndefined();
    const { rows } = await sql`select 1 from pg_indexes where schemaname = ${schema} and indexname = 'things_name_idx'`.execute(db());
    expect(rows).toHaveLength(1);
    expect((await migrateCatalogDown(db(), concurrent, { schema })).error).toBeUndefined();
  });

  it('applies every migration exactly once under 10 concurrent runners', async () => {
    const schema = 'runner_race';
    const runners = Array.from({ length: 10 }, () => {
      const pool = new pg.Pool({ connectionString: database().url, max: 1 });
      return new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
    });
    try {
      const results = await Promise.all(runners.map((runner) => migrateCatalogToLatest(runner, catalog, { schema })));
      expect(results.map((r) => r.error)).toEqual(Array(10).fill(undefined));
      expect(results.flatMap((r) => r.results).filter((r) => r.status === 'Success')).toHaveLength(3);
      expect(await history(db(), schema)).toEqual(['alpha/0001_things', 'alpha/0002_things_name', 'beta/0001_links']);
    } finally {
      await Promise.all(runners.map((r) => r.destroy()));
    }
  });

  it('gives up with lock_timeout while another runner holds the schema lock', async () => {
    const schema = 'runner_locked';
    const holder = new pg.Client({ connectionString: database().url });
    await holder.connect();
    try {
      await holder.query('select pg_advisory_lock($1, hashtext($2))', [0x736b, schema]);
      const result = await migrateCatalogToLatest(db(), catalog, { schema, lockTimeoutMs: 300 });
      expect(result.error?.code).toBe('lock_timeout');
      expect(await tables(db(), schema)).toEqual([]);
      // the lock is per schema: another schema is not blocked
      expect((await migrateCatalogToLatest(db(), catalog, { schema: 'runner_unlocked', lockTimeoutMs: 300 })).error).toBeUndefined();
    } finally {
      await holder.end();
    }
  });

  it('a throwing onProgress cannot change an up run: every migration runs, results are accurate, the throw comes back typed', async () => {
    const schema = 'runner_callback_up';
    const boom = new Error('host progress printer broke');
    const result = await migrateCatalogToLatest(db(), catalog, {
      schema,
      onProgress: (event) => {
        if (event.phase === 'end') throw boom;
      },
    });
    expect(result.error).toBeInstanceOf(SchemaKitError);
    expect(result.error).toMatchObject({ code: 'callback_failed', cause: boom });
    expect(result.results.map((r) => `${r.module}/${r.migration}:${r.status}`)).toEqual([
      'alpha/0001_things:Success',
      'alpha/0002_things_name:Success',
      'beta/0001_links:Success',
    ]);
    expect(await history(db(), schema)).toEqual(['alpha/0001_things', 'alpha/0002_things_name', 'beta/0001_links']);
    // nothing left half-done: the next run finds nothing to do
    const again = await migrateCatalogToLatest(db(), catalog, { schema });
    expect(again.error).toBeUndefined();
    expect(again.results).toEqual([]);
  });

  it('a throwing onProgress cannot leave the atomic down transaction open on a pooled connection', async () => {
    const schema = 'runner_callback_down';
    const pool = new pg.Pool({ connectionString: database().url, max: 1 });
    const single = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
    try {
      expect((await migrateCatalogToLatest(single, catalog, { schema })).error).toBeUndefined();
      const boom = new Error('host progress printer broke');
      const down = await migrateCatalogDown(single, catalog, {
        schema,
        steps: 2,
        onProgress: (event) => {
          if (event.phase === 'start') throw boom;
        },
      });
      expect(down.error).toMatchObject({ code: 'callback_failed', cause: boom });
      expect(down.results.map((r) => `${r.migration}:${r.status}`)).toEqual(['0001_links:Success', '0002_things_name:Success']);
      // the one pooled connection is outside any transaction, and the down committed
      const { rows } = await sql<{ open: boolean }>`select pg_current_xact_id_if_assigned() is not null as open`.execute(single);
      expect(rows[0]?.open).toBe(false);
      const { rows: idle } = await sql<{ n: number }>`
        select count(*)::int as n from pg_stat_activity
        where datname = current_database() and state like 'idle in transaction%'`.execute(db());
      expect(idle[0]?.n).toBe(0);
      expect(await history(db(), schema)).toEqual(['alpha/0001_things']);
    } finally {
      await single.destroy();
    }
  });

  it('refuses an invalid schema name or module before any SQL runs', async () => {
    await expect(migrateCatalogToLatest(db(), catalog, { schema: 'x"; drop table things; --' })).rejects.toThrow(SchemaKitValidationError);
    await expect(migrateCatalogToLatest(db(), catalog, { modules: ['nope' as never] })).rejects.toMatchObject({ field: 'modules' });
    await expect(migrateCatalogDown(db(), catalog, { steps: 0 })).rejects.toMatchObject({ field: 'steps' });
    const { rows } = await sql`select nspname from pg_namespace where nspname like 'x%'`.execute(db());
    expect(rows).toEqual([]);
  });
});
