import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { checkConnectionUrl, DEFAULT_CONNECT_TIMEOUT_MS } from '../connection/config.js';
import { connectFailure } from '../connection/probe.js';
import { toSchemaKitError } from '../database-errors.js';
import { startEmbeddedPostgres } from '../embedded/start-embedded.js';

/** A fresh database on a server, and how to remove it. */
export interface ServerDatabase {
  readonly url: string;
  remove(): Promise<void>;
}

async function onServer(adminUrl: string, statement: string, connectTimeoutMs: number): Promise<void> {
  // pg's connection timeout runs until the server is ready for queries: authentication included
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: connectTimeoutMs });
  client.on('error', () => undefined); // a connection lost while idle fails the query below instead
  try {
    try {
      await client.connect();
    } catch (error) {
      throw connectFailure(adminUrl, timedOut(error, connectTimeoutMs), 'target.url');
    }
    await client.query(statement);
  } catch (error) {
    throw toSchemaKitError(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** pg's timeout error, saying how long it waited. */
function timedOut(error: unknown, ms: number): unknown {
  const message = (error as Error | undefined)?.message ?? '';
  return /timeout/i.test(message) ? new Error(`no answer within ${ms} ms (connecting and authenticating): ${message}`, { cause: error }) : error;
}

/**
 * Creates a database of its own (`sk_test_<random>`, from template0) on the server at `url`, or
 * on an embedded PostgreSQL started for it in a temporary folder. `remove` drops the database
 * (closing any connection left to it), or stops the embedded server and deletes its folder.
 */
export async function freshServerDatabase(
  target: 'embedded' | { url: string },
  connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS,
): Promise<ServerDatabase> {
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
  const adminUrl = checkConnectionUrl(target.url, 'target.url');
  const name = `sk_test_${randomBytes(6).toString('hex')}`;
  await onServer(adminUrl, `CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8'`, connectTimeoutMs);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    remove: () => onServer(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`, connectTimeoutMs),
  };
}
