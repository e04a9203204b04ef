import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { toSchemaKitError } from '../database-errors.js';
import { startEmbeddedPostgres } from '../embedded/start-embedded.js';

/** A fresh database on a server, and how to remove it. */
export interface ServerDatabase {
  readonly url: string;
  remove(): Promise<void>;
}

async function onServer(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  try {
    await client.connect();
    await client.query(statement);
  } catch (error) {
    throw toSchemaKitError(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Creates a database of its own (`sk_test_<random>`, from template0) on the server at `url`, or
 * on an embedded PostgreSQL started for it in a temporary folder. `remove` drops the database
 * (closing any connection left to it), or stops the embedded server and deletes its folder.
 */
export async function freshServerDatabase(target: 'embedded' | { url: string }): Promise<ServerDatabase> {
  if (target === 'embedded') {
    const parent = mkdtempSync(join(tmpdir(), 'schema-kit-testdb-'));
    chmodSync(parent, 0o755); // the server runs as the postgres user when the tests run as root
    const server = await startEmbeddedPostgres({ dataDir: join(parent, 'data'), persistent: false });
    return {
      url: server.url,
      remove: async () => {
        await server.stop();
        rmSync(parent, { recursive: true, force: true });
      },
    };
  }
  const name = `sk_test_${randomBytes(6).toString('hex')}`;
  await onServer(target.url, `CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8'`);
  const url = new URL(target.url);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    remove: () => onServer(target.url, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}
