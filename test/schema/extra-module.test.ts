// A module that lives outside schema-kit (a folder of its own, made here in a temporary folder):
// its descriptor and its migrations are all it brings, and the shared machinery (install, grants,
// doctor, partitions, erasure, reset) covers it with no change anywhere else. docs/layout.md ("Adding a module") is the checklist this test enforces.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODULES, type ModuleDescriptor } from '../../src/index.js';
import { grantModulesAccess } from '../../src/grants.js';
import { catalogOf } from '../../src/migrate/catalog.js';
import { migrateCatalogToLatest } from '../../src/migrate/migrate-to-latest.js';
import { forgetModulesUser } from '../../src/modules/lifecycle/forget-user.js';
import { createModulesPartitions, dropModulesPartitionsBefore } from '../../src/modules/lifecycle/partitions.js';
import { checkModulesSchema } from '../../src/schema-check/doctor.js';
import { resetTables, snapshotSeeds } from '../../src/testing/index.js';
import { useTestDatabase } from '../helpers/database.js';

const SRC = new URL('../../src/', import.meta.url);

const MIGRATION = `-- schema-kit:up
CREATE TABLE :SCHEMA_KIT_SCHEMA.extra_moods (
  name text NOT NULL,
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT extra_moods_pkey PRIMARY KEY (name)
);
INSERT INTO :SCHEMA_KIT_SCHEMA.extra_moods (name) VALUES ('calm'), ('busy');

CREATE TABLE :SCHEMA_KIT_SCHEMA.extra_notes (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  mood text NOT NULL,
  note text NOT NULL,
  CONSTRAINT extra_notes_pkey PRIMARY KEY (id),
  CONSTRAINT extra_notes_user_id_fkey FOREIGN KEY (user_id) REFERENCES :SCHEMA_KIT_SCHEMA.users (id) ON DELETE CASCADE,
  CONSTRAINT extra_notes_mood_fkey FOREIGN KEY (mood) REFERENCES :SCHEMA_KIT_SCHEMA.extra_moods (name) ON UPDATE CASCADE
);
CREATE INDEX extra_notes_user_id_idx ON :SCHEMA_KIT_SCHEMA.extra_notes (user_id);

-- a log partitioned by month, registered with the lifecycle module by partitioning it
CREATE TABLE :SCHEMA_KIT_SCHEMA.extra_visits (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  visited_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT extra_visits_pkey PRIMARY KEY (id)
);
SELECT :SCHEMA_KIT_SCHEMA.lifecycle_rebuild_table('extra_visits', 'visited_at', ARRAY['id', 'visited_at'], 2);

-- schema-kit:down
SELECT :SCHEMA_KIT_SCHEMA.lifecycle_rebuild_table('extra_visits', NULL, ARRAY['id'], 0);
DROP TABLE :SCHEMA_KIT_SCHEMA.extra_visits;
DROP TABLE :SCHEMA_KIT_SCHEMA.extra_notes;
DROP TABLE :SCHEMA_KIT_SCHEMA.extra_moods;
`;

// the module's index: its descriptor, reading its own migrations folder
const INDEX = `
import { readdirSync, readFileSync } from 'node:fs';
import { defineModule, table } from ${JSON.stringify(new URL('module-descriptor.ts', SRC).href)};

const folder = new URL('./migrations/', import.meta.url);

export const extraModule = defineModule({
  name: 'extra',
  dependsOn: ['core', 'lifecycle'],
  summary: 'notes a user keeps, each with a mood, and their visits',
  migrations: readdirSync(folder).sort().map((file) => ({ name: file.replace(/\\.sql$/, ''), sql: readFileSync(new URL(file, folder), 'utf8') })),
  tables: { extra_notes: table(), extra_moods: table(), extra_visits: table('append') },
  vocabularies: { extra_mood: { table: 'extra_moods', columns: ['extra_notes.mood'], defaults: ['calm', 'busy'] } },
  appendOnlyLogs: [],
  partitionedLogs: [{ table: 'extra_visits', partitionKey: 'visited_at', monthsAhead: 2, keepMonths: null }],
  personalData: [
    { table: 'extra_notes', reach: { by: 'user_id' }, erasure: 'delete', columns: ['note'] },
    { table: 'extra_visits', reach: { by: 'user_id' }, erasure: 'delete' },
  ],
  functions: {},
});
`;

describe('a module from a folder of its own', () => {
  const database = useTestDatabase();
  const folder = mkdtempSync(join(tmpdir(), 'schema-kit-extra-'));
  const role = `sk_extra_${randomBytes(4).toString('hex')}`;
  const schema = 'with_extra';
  let modules: readonly ModuleDescriptor[] = [];
  let db: Kysely<unknown>;

  beforeAll(async () => {
    mkdirSync(join(folder, 'migrations'));
    writeFileSync(join(folder, 'migrations', '0001_extra.sql'), MIGRATION);
    writeFileSync(join(folder, 'index.ts'), INDEX);
    const { extraModule } = (await import(pathToFileURL(join(folder, 'index.ts')).href)) as { extraModule: ModuleDescriptor };
    modules = [...MODULES, extraModule];
    db = database().db as unknown as Kysely<unknown>;
    await sql`create role ${sql.id(role)}`.execute(db);
  });

  afterAll(async () => {
    rmSync(folder, { recursive: true, force: true });
    await sql`drop owned by ${sql.id(role)}`.execute(db);
    await sql`drop role ${sql.id(role)}`.execute(db);
  });

  it('installs with its dependencies: its table, and its vocabulary seeded', async () => {
    const { error, results } = await migrateCatalogToLatest(db, catalogOf(modules), { schema, modules: ['extra'] });
    expect(error).toBeUndefined();
    expect(results.map((r) => r.module)).toEqual(expect.arrayContaining(['lifecycle', 'core', 'extra']));
    const { rows } = await sql<{ name: string }>`select name from ${sql.id(schema, 'extra_moods')} order by name`.execute(db);
    expect(rows.map((r) => r.name)).toEqual(['busy', 'calm']);
  });

  it('grants the runtime role what its descriptor declares, and doctor checks it', async () => {
    const statements = await grantModulesAccess(db, modules, { role, schema });
    expect(statements).toContain(`GRANT SELECT, INSERT, UPDATE, DELETE ON "${schema}"."extra_notes" TO "${role}"`);
    expect(statements).toContain(`GRANT SELECT, INSERT, UPDATE, DELETE ON "${schema}"."extra_moods" TO "${role}"`);

    const clean = await checkModulesSchema(db, modules, { schema, role });
    expect(clean.installed).toContain('extra');
    expect(clean.differences).toEqual([]);

    await sql`revoke delete on ${sql.id(schema, 'extra_notes')} from ${sql.id(role)}`.execute(db);
    const { differences } = await checkModulesSchema(db, modules, { schema, role });
    expect(differences).toEqual([expect.objectContaining({ kind: 'privilege', object: 'extra_notes' })]);
  });

  it("is emptied by the testing kit's reset, its vocabulary's seeds put back", async () => {
    const seeds = await snapshotSeeds(db, { schema });
    const [user] = (await sql<{ id: string }>`insert into ${sql.id(schema, 'users')} default values returning id`.execute(db)).rows;
    await sql`insert into ${sql.id(schema, 'extra_moods')} (name) values ('tired')`.execute(db);
    await sql`insert into ${sql.id(schema, 'extra_notes')} (user_id, mood, note) values (${user!.id}, 'tired', 'a note')`.execute(db);

    await resetTables(db, { schema, seeds });

    expect((await sql`select 1 from ${sql.id(schema, 'extra_notes')}`.execute(db)).rows).toEqual([]);
    const { rows } = await sql<{ name: string }>`select name from ${sql.id(schema, 'extra_moods')} order by name`.execute(db);
    expect(rows.map((r) => r.name)).toEqual(['busy', 'calm']);
  });

  it('keeps its partitioned log ahead: migrate, createPartitions and retention cover it, registered by its own migration', async () => {
    const partitions = async () =>
      (await sql<{ name: string }>`select c.relname as name from pg_catalog.pg_inherits i join pg_catalog.pg_class c on c.oid = i.inhrelid
        where i.inhparent = ${`${schema}.extra_visits`}::regclass and c.relname <> 'extra_visits_default' order by 1`.execute(db)).rows.map((r) => r.name);
    // the current month and its monthsAhead (2) months
    expect(await partitions()).toHaveLength(3);
    expect(await createModulesPartitions(db, modules, { schema })).toEqual([]);
    const created = await createModulesPartitions(db, modules, { schema, ahead: 4 });
    expect(created).toHaveLength(2);
    expect(created.every((name) => name.startsWith('extra_visits_'))).toBe(true);
    expect(await partitions()).toHaveLength(5);
    expect(await dropModulesPartitionsBefore(db, modules, { schema, table: 'extra_visits', before: new Date('2000-01-01') })).toEqual([]);
    // a table no module registered is not partition upkeep's to touch
    await expect(sql`select ${sql.id(schema, 'create_partitions')}('users', 1)`.execute(db)).rejects.toThrow(/not a partitioned schema-kit log \(extra_visits\)/);
  });

  it("is covered by forgetUser: its notes and visits of the user deleted, other users' kept", async () => {
    const users = (await sql<{ id: string }>`insert into ${sql.id(schema, 'users')} (id) values (default), (default) returning id`.execute(db)).rows.map((r) => r.id);
    for (const user of users) {
      await sql`insert into ${sql.id(schema, 'extra_notes')} (user_id, mood, note) values (${user}, 'calm', 'a note')`.execute(db);
      await sql`insert into ${sql.id(schema, 'extra_visits')} (user_id) values (${user})`.execute(db);
    }

    const { rows } = await forgetModulesUser(db, modules, { schema, userId: users[0]! });

    expect(rows).toEqual({ extra_notes: 1, extra_visits: 1, users: 1 });
    for (const table of ['extra_notes', 'extra_visits']) {
      const left = await sql<{ user_id: string }>`select user_id from ${sql.id(schema, table)}`.execute(db);
      expect(left.rows.map((r) => r.user_id), table).toEqual([users[1]]);
    }
  });
});
