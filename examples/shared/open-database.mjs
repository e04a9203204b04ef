// How every example finds its database: DATABASE_URL when set, else the same embedded PostgreSQL
// that `npx schema-kit migrate` uses, in ./.schema-kit. A malformed DATABASE_URL or an unreachable
// database ends the example with one clear line (no password in it) and exit code 1.
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { startEmbeddedPostgres } from 'schema-kit';

/**
 * This run of the example, a number no other run has: whatever an example keeps under a name, slug
 * or id (dedup consumers, Telegram ids, package slugs, project names) carries it, so a second run on
 * the same database meets none of the first run's rows and prints the same. Random, not the clock:
 * two runs in one millisecond, or a clock reading taken modulo, would share it.
 */
export const RUN = randomInt(1, 2 ** 47);

/** Ends the example with `message` on one line of stderr and exit code 1. */
function fail(message) {
  console.error(`example: ${message}`);
  process.exit(1);
}

/** DATABASE_URL parsed, or the example ends naming it, its password masked. */
function parseDatabaseUrl(url) {
  if (!/^postgres(ql)?:\/\//i.test(url)) fail('DATABASE_URL is not a postgres:// URL (postgres://user:password@host:port/database); its value is not shown');
  try {
    return new URL(url);
  } catch {
    // the password runs to the URL's last @, whatever it holds
    fail(`DATABASE_URL is not a valid URL: ${url.replace(/^(postgres(?:ql)?:\/\/[^:/@]*:).*@/is, '$1***@')}`);
  }
}

/** Opens the example's database and returns `{ db, pool, close }`. */
export async function openDatabase() {
  let url = process.env.DATABASE_URL;
  const where = url ? parseDatabaseUrl(url) : undefined;
  let stopEmbedded = async () => {};
  if (!url) {
    const embedded = await startEmbeddedPostgres({ dataDir: join(process.cwd(), '.schema-kit', 'data'), persistent: true });
    url = embedded.url;
    stopEmbedded = embedded.stop;
    console.log('(no DATABASE_URL: using the embedded PostgreSQL in ./.schema-kit)');
  }
  const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 5000 });
  pool.on('error', () => {}); // an idle client cut off by the server: the next call reconnects
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => {});
    const { hostname, port } = where ?? new URL(url);
    fail(`cannot reach PostgreSQL at ${hostname}:${port || 5432}: ${error.message}`);
  }
  const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    pool,
    close: async () => {
      await db.destroy();
      await stopEmbedded();
    },
  };
}

/** Runs `main(db, pool)` with the example's database, and closes it whatever happens. */
export async function runExample(main) {
  const { db, pool, close } = await openDatabase();
  try {
    await main(db, pool);
  } catch (error) {
    console.error(`example failed: ${error.message}`);
    process.exitCode = 1;
  } finally {
    await close();
  }
}
