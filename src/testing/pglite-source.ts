import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { SchemaKitError } from '../errors.js';
import { resolveModules } from '../migrate/catalog.js';
import { SHIPPED_CATALOG } from '../shipped.js';
import type { Database } from '../schema/database.js';
import { createPGliteDialect } from './pglite-dialect.js';
import type { Opened } from './opened.js';

/** What {@link openPGlite} needs: the install to make, and whether to use the cache. */
export interface PGliteInstall {
  readonly schema: string;
  readonly modules: readonly string[] | undefined;
  readonly cache: boolean;
  migrate(db: Kysely<Database>): Promise<void>;
}

type PGliteModule = typeof import('@electric-sql/pglite');

async function loadPGlite(): Promise<PGliteModule> {
  try {
    return await import('@electric-sql/pglite');
  } catch (error) {
    throw new SchemaKitError(
      'pglite_unavailable',
      "The in-process test database needs PGlite: run `npm install --save-dev @electric-sql/pglite`, or pass target: 'embedded' or { url }.",
      { cause: error },
    );
  }
}

/**
 * The folder of PGlite's cached data directories: `SCHEMA_KIT_TEST_CACHE` when set, else
 * `schema-kit-pglite` in the OS temp folder. Deleting it is safe; the next start rebuilds what it needs.
 */
export function pgliteCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SCHEMA_KIT_TEST_CACHE || join(tmpdir(), 'schema-kit-pglite');
}

/** The cache file of an install: named by the schema and the checksums of its migrations. */
function cacheFile(install: PGliteInstall): string {
  const migrations = resolveModules(SHIPPED_CATALOG, install.modules).flatMap((m) => m.migrations.map((x) => `${x.module}/${x.name}:${x.checksum}`));
  const key = createHash('sha256').update(JSON.stringify([install.schema, migrations])).digest('hex').slice(0, 24);
  return join(pgliteCacheDir(), `migrated-${key}.tar.gz`);
}

/** The cache file of a fresh, empty PGlite cluster: most of PGlite's start-up time is its initdb. */
const emptyCluster = (): string => join(pgliteCacheDir(), 'empty.tar.gz');

async function save(pglite: PGlite, file: string): Promise<void> {
  const dump = await pglite.dumpDataDir('gzip');
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.${randomBytes(4).toString('hex')}`;
  writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  renameSync(partial, file); // atomic: a parallel test file reads the old file or the new one
}

/** A PGlite started from a cached data directory, or undefined when there is none or it does not load. */
async function fromCache(PGliteClass: PGliteModule['PGlite'], file: string): Promise<PGlite | undefined> {
  if (!existsSync(file)) return undefined;
  return PGliteClass.create({ loadDataDir: new Blob([readFileSync(file)]) }).catch(() => undefined);
}

function open(pglite: PGlite): Kysely<Database> {
  return new Kysely<Database>({ dialect: createPGliteDialect(pglite) });
}

/**
 * A migrated in-process PGlite. With the cache, starts from the data directory an earlier call
 * saved for the same install (then runs the migrations anyway: a no-op that proves the history is
 * current), else from a cached empty cluster, migrates and saves the result. A cache file that
 * does not load (another PGlite version) or does not migrate cleanly is replaced.
 */
export async function openPGlite(install: PGliteInstall): Promise<Opened> {
  const { PGlite: PGliteClass } = await loadPGlite();
  const file = install.cache ? cacheFile(install) : undefined;
  const migrated = file ? await fromCache(PGliteClass, file) : undefined;
  if (migrated) {
    const db = open(migrated);
    try {
      await install.migrate(db);
      return { db, url: undefined, close: () => db.destroy() };
    } catch {
      await db.destroy(); // start from an empty cluster below
    }
  }
  let pglite = file ? await fromCache(PGliteClass, emptyCluster()) : undefined;
  if (!pglite) {
    pglite = await PGliteClass.create();
    if (file) await save(pglite, emptyCluster());
  }
  const db = open(pglite);
  try {
    await install.migrate(db);
    if (file) await save(pglite, file);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return { db, url: undefined, close: () => db.destroy() };
}
