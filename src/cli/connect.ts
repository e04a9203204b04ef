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

/**
 * Connects to `databaseUrl`, failing within 5 s (the pool's connection timeout) with a one-line,
 * password-free error when it does not answer; without a URL, starts (or joins) the embedded PostgreSQL in `./.schema-kit`.
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
  const pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 5000, application_name: 'schema-kit' });
  // pool.end() returns before its clients' sockets close, so stopping the embedded server right
  // after can cut an idle client off (57P01): without a listener that error would crash the CLI.
  pool.on('error', () => undefined);
  try {
    // connect once now, through the pool that will do the work, to fail fast with one clear line
    (await pool.connect()).release();
  } catch (error) {
    await pool.end().catch(() => undefined);
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
