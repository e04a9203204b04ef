import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  ContentPackageRepo,
  EventLogRepo,
  RoleChangeLogRepo,
  RoleRepo,
  UserInterestRepo,
  UserRepo,
  SchemaKitError,
  SchemaKitValidationError,
  grantRuntimeAccess,
  migrationStatus,
  type Database,
  type Executor,
} from '../../src/index.js';
import { createTestDatabase, resetTables, snapshotSeeds, type TestDatabase, type TestDatabaseTarget } from '../../src/testing/index.js';
import { pgliteCacheDir } from '../../src/testing/pglite-source.js';

const TABLES_WITH_ROWS = sql<{ name: string; count: number }>`
  select c.relname as name, (xpath('/row/n/text()', query_to_xml(format('select count(*) as n from schema_kit.%I', c.relname), false, true, '')))[1]::text::int as count
  from pg_class c where c.relnamespace = 'schema_kit'::regnamespace and c.relkind in ('r', 'p') and not c.relispartition and c.relname not like 'schema\\_kit\\_%'`;

async function counts(db: Executor): Promise<Record<string, number>> {
  const { rows } = await TABLES_WITH_ROWS.execute(db);
  return Object.fromEntries(rows.filter((r) => r.count > 0).map((r) => [r.name, r.count]));
}

/** Writes a row into every table the factories and the append-only logs reach. */
async function fill(t: TestDatabase): Promise<void> {
  const ada = await t.make.user({ name: 'Ada', role: 'subscriber' });
  expect(ada).toMatchObject({ name: 'Ada', role: 'subscriber' });
  const tg = await t.make.telegramUser({ telegram_first_name: 'Grace' });
  expect(tg).toMatchObject({ telegram_first_name: 'Grace' });
  expect(Number(tg.telegram_id)).toBeGreaterThan(0);
  const { project, feature } = await t.make.projectWithFeature({ feature: { status: 'in_progress' } });
  expect(feature).toMatchObject({ project_id: project.id, status: 'in_progress' });
  expect(await t.make.contentPackage({ category: 'course' })).toMatchObject({ category: 'course', package_type: 'free' });
  expect(await t.make.achievement({ points: 50 })).toMatchObject({ points: 50, category: 'special' });
  const { conversation, messages } = await t.make.conversationWithMessages({ user_id: ada.id });
  expect(conversation.user_id).toBe(ada.id);
  expect(messages.map((m) => m.role)).toEqual(['user', 'assistant']);
  await new EventLogRepo(t.db).append({ action: 'test', entity_type: 'user', entity_id: ada.id });
  await new RoleChangeLogRepo(t.db).changeRole({ user_id: ada.id, new_role: 'admin', changed_by: 'test', change_source: 'admin' });
}

const targets: [string, () => TestDatabaseTarget][] = [
  ['PGlite', () => 'pglite'],
  ['a server URL', () => ({ url: inject('adminUrl') })],
];

describe.each(targets)('createTestDatabase on %s', (_, target) => {
  let t: TestDatabase;
  let seeded: Record<string, number>;
  beforeAll(async () => {
    t = await createTestDatabase({ target: target() });
    seeded = await counts(t.db);
  });
  afterAll(() => t.destroy());

  it('gives a database with every module migrated and only the seeded rows', async () => {
    const status = await migrationStatus(t.db);
    expect(status.migrations.length).toBeGreaterThan(0);
    expect(status.migrations.filter((m) => m.state !== 'applied')).toEqual([]);
    expect(Object.keys(seeded)).toContain('roles'); // the seeded lookup rows, and nothing else
    expect(seeded).not.toHaveProperty('users');
  });

  it('factories write valid rows with typed overrides, and refuse bad overrides naming the field', async () => {
    await fill(t);
    const error = await t.make.user({ email: 'not an email' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaKitValidationError);
    expect((error as SchemaKitValidationError).field).toBe('user.email');
  });

  it('reset() empties every table, the append-only logs included, and puts the seeded roles back', async () => {
    await t.reset();
    await fill(t);
    const filled = await counts(t.db);
    expect(filled).toMatchObject({ event_log: 3, user_role_change_log: 1, users: 2, messages: 2, projects: 1, features: 1, content_packages: 1, achievements: 1, conversations: 1 });
    await t.reset();
    expect(await counts(t.db)).toEqual(seeded);
    expect((await migrationStatus(t.db)).migrations.every((m) => m.state === 'applied')).toBe(true);
  });

  it('leaves the append-only guards on after a reset, in their ALWAYS mode', async () => {
    await t.reset();
    const { rows } = await sql<{ name: string; enabled: string }>`
      select tgname as name, tgenabled as enabled from pg_trigger
      where tgrelid in ('schema_kit.event_log'::regclass, 'schema_kit.user_role_change_log'::regclass) and not tgisinternal
        and tgname <> 'event_log_notify' -- the consumers module's wake-up, not a guard
      order by 1`.execute(t.db);
    expect(rows.length).toBeGreaterThanOrEqual(4);
    expect(rows.every((r) => r.enabled === 'A')).toBe(true);
    await new EventLogRepo(t.db).append({ action: 'kept', entity_type: 'x', entity_id: '1' });
    await expect(sql`delete from schema_kit.event_log`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate schema_kit.event_log`.execute(t.db)).rejects.toThrow(/append-only/);
  });
});

/** A host's database type: its own table beside schema-kit's. */
interface HostDB extends Database {
  shop_orders: { id: string; user_id: string };
}

describe.each(targets)('createTestDatabase({ seed }) on %s', (_, target) => {
  let t: TestDatabase<HostDB>;
  let seededUser: string;
  beforeAll(async () => {
    t = await createTestDatabase<HostDB>({
      target: target(),
      modules: ['core', 'audit', 'interests'],
      seed: async (db) => {
        await new RoleRepo(db).add({ name: 'vip', rank: 1 });
        await new ContentPackageRepo(db).getOrCreate('intro', { title: 'Intro', category: 'course', package_type: 'free' });
        seededUser = (await new UserRepo(db).create({ name: 'Staff', role: 'vip' })).id;
        await new EventLogRepo(db).append({ action: 'seeded', entity_type: 'user', entity_id: seededUser });
      },
    });
  });
  afterAll(() => t.destroy());

  it('reset() puts back what the seed wrote, removes what a test added and undoes what a test changed', async () => {
    const seeded = await counts(t.db);
    expect(seeded).toMatchObject({ users: 1, content_packages: 1, event_log: 1 });
    const user = await t.make.user({ role: 'vip' });
    await new UserRepo(t.db).update(seededUser, { name: 'Changed' });
    await new UserInterestRepo(t.db).add(user.id, (await new ContentPackageRepo(t.db).getOrCreate('intro', { title: 'x', category: 'course', package_type: 'free' })).package.id);
    await t.reset();
    expect(await counts(t.db)).toEqual(seeded);
    expect((await new UserRepo(t.db).findById(seededUser))?.name).toBe('Staff');
    expect(await new RoleRepo(t.db).get('vip')).toMatchObject({ rank: 1 });
    await t.reset(); // nothing changed: nothing to do
    expect(await counts(t.db)).toEqual(seeded);
  });

  it('resetTables and snapshotSeeds take the typed db and its transactions, with no cast', async () => {
    const seeds = await snapshotSeeds(t.db);
    await t.db.transaction().execute(async (trx) => {
      await new UserRepo(trx).create({ name: 'Temp' });
      await resetTables(trx, { seeds });
      expect((await counts(trx)).users).toBe(1);
    });
    expect(await counts(t.db)).toMatchObject({ users: 1 });
  });

  it('a failing seed closes the database and throws seed_failed with its cause', async () => {
    const cause = new Error('no vocabulary file');
    const error = await createTestDatabase({ target: target(), modules: ['core'], cache: false, seed: () => Promise.reject(cause) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaKitError);
    expect(error).toMatchObject({ code: 'seed_failed', cause });
  });
});

describe('createTestDatabase on PGlite, from the cache', () => {
  it('starts a second database from the cached migrated data directory, independent of the first', async () => {
    const first = await createTestDatabase({ modules: ['audit'] });
    const second = await createTestDatabase({ modules: ['audit'] });
    try {
      await new EventLogRepo(first.db).append({ action: 'only-first', entity_type: 'x', entity_id: '1' });
      expect((await migrationStatus(second.db, { modules: ['audit'] })).migrations.every((m) => m.state === 'applied')).toBe(true);
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from schema_kit.event_log`.execute(second.db);
      expect(rows[0]!.n).toBe(0);
    } finally {
      await first.destroy();
      await second.destroy();
    }
  });
});

describe('createTestDatabase on PGlite: where the cache lives', () => {
  it('keeps it in SCHEMA_KIT_TEST_CACHE, and starts again after the folder is deleted', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'sk-cache-test-')), 'cache');
    const before = process.env.SCHEMA_KIT_TEST_CACHE;
    process.env.SCHEMA_KIT_TEST_CACHE = dir;
    try {
      expect(pgliteCacheDir()).toBe(dir);
      await (await createTestDatabase({ modules: ['idempotency'] })).destroy();
      const files = readdirSync(dir).sort();
      expect(files).toEqual(['empty.tar.gz', expect.stringMatching(/^migrated-[0-9a-f]{24}\.tar\.gz$/)]);
      rmSync(dir, { recursive: true }); // clearing the cache is deleting its folder
      const again = await createTestDatabase({ modules: ['idempotency'] });
      await again.destroy();
      expect(readdirSync(dir).sort()).toEqual(files);
    } finally {
      if (before === undefined) delete process.env.SCHEMA_KIT_TEST_CACHE;
      else process.env.SCHEMA_KIT_TEST_CACHE = before;
      rmSync(dirname(dir), { recursive: true, force: true });
    }
    expect(pgliteCacheDir({})).toBe(join(tmpdir(), 'schema-kit-pglite'));
  });
});

describe('createTestDatabase on a server URL', () => {
  it('drops its database on destroy', async () => {
    const t = await createTestDatabase({ target: { url: inject('adminUrl') }, modules: ['idempotency'] });
    const name = new URL(t.url!).pathname.slice(1);
    const admin = new pg.Client({ connectionString: inject('adminUrl') });
    await admin.connect();
    try {
      const exists = async () => (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount;
      expect(await exists()).toBe(1);
      await t.destroy();
      expect(await exists()).toBe(0);
    } finally {
      await admin.end();
    }
  });

  it('refuses an unreachable server with a typed connection error', async () => {
    const error = await createTestDatabase({ target: { url: 'postgres://nobody@127.0.0.1:1/postgres' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaKitError);
    expect((error as SchemaKitError).code).toBe('connection');
  });

  it('lets only the owner reset: the runtime role gets a permission error and nothing is emptied', async () => {
    const t = await createTestDatabase({ target: { url: inject('adminUrl') }, modules: ['core', 'audit', 'roles'] });
    const seeded = await counts(t.db);
    const role = `sk_runtime_${Math.random().toString(36).slice(2, 10)}`;
    const ownerPool = new pg.Pool({ connectionString: t.url! });
    ownerPool.on('error', () => undefined); // a client still closing when destroy() drops the database WITH (FORCE)
    await ownerPool.query(`create role "${role}" login`);
    const runtimeUrl = new URL(t.url!);
    runtimeUrl.username = role;
    const { Kysely: K, PostgresDialect } = await import('kysely');
    const runtime = new K<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: runtimeUrl.toString() }) }) });
    try {
      await grantRuntimeAccess(t.db, { role });
      await t.make.user();
      await new EventLogRepo(runtime).append({ action: 'kept', entity_type: 'x', entity_id: '1' });
      const error = await resetTables(runtime).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SchemaKitError);
      expect((error as SchemaKitError).code).toBe('reset_failed');
      // refused at its first statement: reading a table the runtime role has no access to
      // (lifecycle's erased_identifiers, runtime access 'none'), or else disabling a trigger
      expect((error as Error).message).toMatch(/permission denied for table erased_identifiers|must be owner/);
      expect(await counts(t.db)).toMatchObject({ users: 1, event_log: 1 });
      await t.reset();
      expect(await counts(t.db)).toEqual(seeded);
    } finally {
      await runtime.destroy();
      await ownerPool.query(`drop owned by "${role}"`);
      await ownerPool.query(`drop role "${role}"`);
      await ownerPool.end();
      await t.destroy();
    }
  });
});

describe('createTestDatabase on the embedded PostgreSQL', () => {
  it('starts its own server, migrates, resets, and stops it on destroy', async () => {
    const t = await createTestDatabase({ target: 'embedded', modules: ['core'] });
    const seeded = await counts(t.db);
    await t.make.user();
    await t.reset();
    expect(await counts(t.db)).toEqual(seeded);
    const url = t.url!;
    await t.destroy();
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    await expect(client.connect()).rejects.toThrow();
  });
});

describe('the README', () => {
  it('shows test/testing/readme-example.test.ts, which runs in this suite, as its vitest example', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Testing your service'));
    const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(block).toBe(readFileSync(new URL('./readme-example.test.ts', import.meta.url), 'utf8'));
  });
});
