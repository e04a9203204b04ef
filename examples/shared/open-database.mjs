// How every example finds its database: DATABASE_URL when set, else the same embedded PostgreSQL
// that `npx schema-kit migrate` uses, in ./.schema-kit. An unreachable database ends the example
// with one clear line and exit code 1.
import { join } from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { startEmbeddedPostgres } from 'schema-kit';

/** Opens the example's database and returns `{ db, pool, close }`. */
export async function openDatabase() {
  let url = process.env.DATABASE_URL;
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
    const where = new URL(url);
    console.error(`example: cannot reach PostgreSQL at ${where.hostname}:${where.port || 5432}: ${error.message}`);
    await pool.end().catch(() => {});
    process.exit(1);
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
