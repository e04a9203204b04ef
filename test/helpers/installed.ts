import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { grantRuntimeAccess, migrateToLatest, type Database, type ModuleName } from '../../src/index.js';
import { createTestDatabase as createKitDatabase, type TestDatabase as KitDatabase } from '../../src/testing/index.js';
import { useTestDatabase, type TestDatabase } from './database.js';
import { TEST_TARGET } from './target.js';

/** A database with modules installed: `db`/`pool`/`url` connect as the least-privileged runtime
 * role (or as the owner), `owner` always as the owner that installed the schema. */
export interface InstalledDatabase extends TestDatabase {
  readonly owner: TestDatabase;
  readonly role: string;
}

/**
 * A fresh database for this test file with `modules` installed in schema `schema_kit`. By default
 * the file's connections use a runtime role given only {@link grantRuntimeAccess}'s privileges, so
 * every repository test also proves the repository needs no more; `as: 'owner'` connects as the
 * owner instead (for tests of the schema itself).
 */
export function useInstalledDatabase(modules: readonly ModuleName[], options: { as?: 'runtime' | 'owner' } = {}): () => InstalledDatabase {
  if (TEST_TARGET === 'pglite') return usePGliteDatabase(modules);
  const database = useTestDatabase();
  let current: InstalledDatabase | undefined;
  beforeAll(async () => {
    const owner = database();
    const { error } = await migrateToLatest(owner.db, { modules });
    if (error) throw error;
    if (options.as === 'owner') {
      current = { ...owner, owner, role: 'owner' };
      return;
    }
    const role = `${owner.name}_runtime`;
    await owner.pool.query(`create role "${role}" login password 'runtime-pw'`);
    await grantRuntimeAccess(owner.db, { role });
    const url = new URL(owner.url);
    url.username = role;
    url.password = 'runtime-pw';
    const pool = new pg.Pool({ connectionString: url.toString(), max: 20 });
    pool.on('error', () => undefined);
    current = { ...owner, url: url.toString(), pool, db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), owner, role };
  });
  afterAll(async () => {
    if (!current || current.role === 'owner') return;
    await current.db.destroy();
    await current.owner.pool.query(`drop owned by "${current.role}"`);
    await current.owner.pool.query(`drop role "${current.role}"`);
  });
  return () => {
    if (!current) throw new Error('useInstalledDatabase(): the database exists only inside tests and hooks');
    return current;
  };
}

/**
 * The PGlite target: a migrated in-process PGlite from schema-kit/testing, as the owner (PGlite has
 * no other roles to connect as). It has no pool and no URL: a test that needs them needs a server.
 */
function usePGliteDatabase(modules: readonly ModuleName[]): () => InstalledDatabase {
  let current: InstalledDatabase | undefined;
  let kit: KitDatabase | undefined;
  beforeAll(async () => {
    kit = await createKitDatabase({ modules });
    const noServer = (what: string) => () => {
      throw new Error(`useInstalledDatabase(): ${what} exists only on a PostgreSQL server, not on PGlite`);
    };
    const database = Object.defineProperties({ name: 'pglite', db: kit.db } as TestDatabase, {
      url: { get: noServer('url') },
      pool: { get: noServer('pool') },
    });
    current = Object.assign(Object.create(database) as InstalledDatabase, { owner: database, role: 'owner' });
  });
  afterAll(() => kit?.destroy());
  return () => {
    if (!current) throw new Error('useInstalledDatabase(): the database exists only inside tests and hooks');
    return current;
  };
}

/** Inserts a user (core module) and returns its id. */
export async function createUser(database: TestDatabase, fields: { role?: string; email?: string } = {}): Promise<string> {
  const row = await database.db
    .withSchema('schema_kit')
    .insertInto('users')
    .values({ role: 'public', ...fields })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
