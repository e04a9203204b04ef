import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { join } from 'node:path';
import { connectFailure } from '../connection/probe.js';
import { describeUrl } from '../connection/redact.js';
import { startEmbeddedPostgres } from '../embedded/start-embedded.js';

/** The database a CLI command works on, with a line saying which it is, and how to let it go. */
export interface CliTarget {
  readonly db: Kysely<unknown>;
  /** One line for humans: where the command is working. */
  readonly description: string;
  readonly embedded: boolean;
  close(): Promise<void>;
}

/** The folder, under the current directory, of the embedded database used without a URL. */
export const EMBEDDED_DIR = '.schema-kit';

/** How long connecting, authentication included, may take before the CLI gives up. */
export const CONNECT_TIMEOUT_MS = 5000;

/** Lends one client of `pool` and gives it back, or fails after `ms` whatever the stage
 * (pg's own connection timeout stops at the TCP connection: a server waiting for a password the
 * client cannot give would hold it for the server's authentication_timeout, 60 s by default). */
async function connectWithin(pool: pg.Pool, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`no answer within ${ms / 1000} s (connecting and authenticating)`)), ms);
  });
  try {
    (await Promise.race([pool.connect(), timeout])).release();
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Connects to `databaseUrl`, failing within {@link CONNECT_TIMEOUT_MS} with a one-line,
 * password-free error when it does not answer or authenticate; without a URL, starts (or joins)
 * the embedded PostgreSQL in `./.schema-kit`.
 */
export async function openTarget(databaseUrl: string | undefined, cwd: string): Promise<CliTarget> {
  let url = databaseUrl;
  let stopEmbedded: () => Promise<void> = async () => undefined;
  let description: string;
  if (url) {
    description = `database ${describeUrl(url)}`;
  } else {
    const embedded = await startEmbeddedPostgres({ dataDir: join(cwd, EMBEDDED_DIR, 'data'), persistent: true });
    url = embedded.url;
    stopEmbedded = embedded.stop;
    description = `no DATABASE_URL given: using the embedded PostgreSQL in ./${EMBEDDED_DIR} (${describeUrl(url)})`;
  }
  const pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, application_name: 'schema-kit' });
  // pool.end() returns before its clients' sockets close, so stopping the embedded server right
  // after can cut an idle client off (57P01): without a listener that error would crash the CLI.
  pool.on('error', () => undefined);
  try {
    // connect once now, through the pool that will do the work, to fail fast with one clear line
    await connectWithin(pool, CONNECT_TIMEOUT_MS);
  } catch (error) {
    void pool.end().catch(() => undefined); // a client still authenticating would hold this up
    await stopEmbedded();
    throw connectFailure(url, error);
  }
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    description,
    embedded: !databaseUrl,
    close: async () => {
      await db.destroy();
      await stopEmbedded();
    },
  };
}
