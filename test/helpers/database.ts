import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import type { Database } from '../../src/index.js';

/** A database of its own for one test file, dropped when the file ends. */
export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  readonly pool: pg.Pool;
  readonly db: Kysely<Database>;
}

function withDatabase(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: inject('adminUrl') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database on the test server (from template0, so creations can run in parallel). */
export async function createTestDatabase(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `sk_test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8'`));
  return {
    name,
    url: withDatabase(inject('adminUrl'), name),
    drop: () => admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/**
 * Gives the calling test file its own fresh database: created before its tests, dropped after.
 * Returns a getter, valid inside tests and hooks.
 */
export function useTestDatabase(): () => TestDatabase {
  let current: (TestDatabase & { drop(): Promise<void> }) | undefined;
  beforeAll(async () => {
    const created = await createTestDatabase();
    const pool = new pg.Pool({ connectionString: created.url, max: 20 });
    pool.on('error', () => undefined); // an idle client cut off by the final DROP ... WITH (FORCE)
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    current = { ...created, pool, db };
  });
  afterAll(async () => {
    if (!current) return;
    await current.db.destroy();
    await current.drop();
  });
  return () => {
    if (!current) throw new Error('useTestDatabase(): the database exists only inside tests and hooks');
    return current;
  };
}
