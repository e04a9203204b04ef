import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql, type LogEvent } from 'kysely';
import { KyselyPGlite } from 'kysely-pglite';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHIPPED_CATALOG } from '../../src/shipped.js';
import { migrateCatalogToLatest } from '../../src/migrate/migrate-to-latest.js';
import { renderSql } from '../../src/migrate/migration-source.js';
import { migrateDown, migrateToLatest, migrationStatus } from '../../src/index.js';
import { createPGliteDialect } from '../../src/testing/index.js';
import { migrationText, testCatalog } from '../helpers/catalog.js';
import { useTestDatabase } from '../helpers/database.js';
import { readSchemaManifest } from '../helpers/schema-manifest.js';
import { shippedMigrations } from '../helpers/cli.js';

const SNAPSHOT = new URL('../../schema/manifest.json', import.meta.url);

async function history(db: Kysely<unknown>, schema = 'schema_kit'): Promise<string[]> {
  const { rows } = await sql<{ key: string }>`
    select module || '/' || name as key from ${sql.id(schema, 'schema_kit_migrations')} order by id`.execute(db);
  return rows.map((r) => r.key);
}

async function tables(db: Kysely<unknown>, schema: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables where table_schema = ${schema} order by 1`.execute(db);
  return rows.map((r) => r.name);
}

describe('the runner on PGlite through kysely-pglite (as a host sets it up)', () => {
  let pglite: PGlite;
  let db: Kysely<unknown>;
  beforeAll(async () => {
    pglite = await PGlite.create();
    db = new Kysely<unknown>({ dialect: new KyselyPGlite(pglite).dialect });
  });
  afterAll(() => db.destroy());

  it('installs every module with its history rows, to the committed schema manifest', async () => {
    const result = await migrateToLatest(db);
    expect(result.error).toBeUndefined();
    const expected = shippedMigrations().map((m) => `${m.module}/${m.name}`);
    expect(result.results.map((r) => `${r.module}/${r.migration}:${r.status}`)).toEqual(expected.map((k) => `${k}:Success`));
    expect(await history(db)).toEqual(expected);
    const status = await migrationStatus(db);
    expect(status.migrations.filter((m) => m.state !== 'applied')).toEqual([]);
    const manifest = `${JSON.stringify(await readSchemaManifest(pglite as unknown as pg.ClientBase, 'schema_kit'), null, 2)}\n`;
    if (process.env.DEBUG_PGLITE_MANIFEST) (await import('node:fs')).writeFileSync('/tmp/pglite-manifest.json', manifest);
    expect(manifest).toBe(readFileSync(SNAPSHOT, 'utf8'));
  });

  it('reverts every module (one transaction for the run), then installs again', async () => {
    const down = await migrateDown(db, { steps: shippedMigrations().length });
    expect(down.error).toBeUndefined();
    expect(down.results.every((r) => r.status === 'Success')).toBe(true);
    expect(await tables(db, 'schema_kit')).toEqual(['schema_kit_migrations', 'schema_kit_modules']);
    expect(await history(db)).toEqual([]);
    expect((await migrationStatus(db)).migrations.every((m) => m.state === 'pending')).toBe(true);
    expect((await migrateToLatest(db)).error).toBeUndefined();
    expect(await history(db)).toHaveLength(shippedMigrations().length);
  });

  it('leaves the database at the previous version when a statement of a file fails', async () => {
    const catalog = testCatalog({
      alpha: {
        files: {
          '0001_ok': migrationText('create table :SCHEMA_KIT_SCHEMA.a (id int); create table :SCHEMA_KIT_SCHEMA.b (id int);', 'drop table :SCHEMA_KIT_SCHEMA.b; drop table :SCHEMA_KIT_SCHEMA.a;'),
          '0002_bad': migrationText('create table :SCHEMA_KIT_SCHEMA.c (id int); insert into :SCHEMA_KIT_SCHEMA.c values (1 / 0);', 'drop table :SCHEMA_KIT_SCHEMA.c;'),
        },
      },
    });
    const result = await migrateCatalogToLatest(db, catalog, { schema: 'failing' });
    expect(result.error?.message).toMatch(/alpha\/0002_bad \(up\) failed: division by zero/);
    expect(result.results.map((r) => r.status)).toEqual(['Success', 'Error']);
    expect(await tables(db, 'failing')).toEqual(['a', 'b', 'schema_kit_migrations', 'schema_kit_modules']);
    expect(await history(db, 'failing')).toEqual(['alpha/0001_ok']);
  });

  it('runs a file that opted out of the transaction one statement at a time too', async () => {
    const catalog = testCatalog({
      alpha: {
        files: {
          '0001_concurrently': migrationText(
            'create table :SCHEMA_KIT_SCHEMA.t (id int);\ncreate index concurrently t_id_idx on :SCHEMA_KIT_SCHEMA.t (id);',
            'drop index concurrently :SCHEMA_KIT_SCHEMA.t_id_idx;\ndrop table :SCHEMA_KIT_SCHEMA.t;',
            { noTransaction: true },
          ),
        },
      },
    });
    expect((await migrateCatalogToLatest(db, catalog, { schema: 'loose' })).error).toBeUndefined();
    expect(await history(db, 'loose')).toEqual(['alpha/0001_concurrently']);
  });
});

describe('the runner on PGlite through createPGliteDialect', () => {
  let db: Kysely<unknown>;
  beforeAll(async () => {
    db = new Kysely<unknown>({ dialect: createPGliteDialect(await PGlite.create()) });
  });
  afterAll(() => db.destroy());

  it('serialises two concurrent runs on the one connection: one applies, the other finds nothing', async () => {
    const [a, b] = await Promise.all([migrateToLatest(db, { modules: ['audit'] }), migrateToLatest(db, { modules: ['audit'] })]);
    expect(a.error).toBeUndefined();
    expect(b.error).toBeUndefined();
    const audit = shippedMigrations(['audit']).map((m) => m.key);
    expect([a.results.length, b.results.length].sort()).toEqual([0, audit.length]);
    expect(await history(db)).toEqual(audit);
  });
});

describe('the runner on node-postgres', () => {
  const database = useTestDatabase();

  it('still sends each migration file whole, as one query', async () => {
    const sent: string[] = [];
    const observed = new Kysely<unknown>({
      dialect: new PostgresDialect({ pool: database().pool }),
      log: (event: LogEvent) => void sent.push(event.query.sql),
    });
    expect((await migrateToLatest(observed, { modules: ['audit'] })).error).toBeUndefined();
    const audit = SHIPPED_CATALOG.find((m) => m.name === 'audit')!.migrations[0]!;
    expect(sent).toContain(renderSql(audit.up, 'schema_kit'));
  });
});
