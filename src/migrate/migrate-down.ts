import type { Kysely } from 'kysely';
import { SchemaKitMigrationError } from '../errors.js';
import { SHIPPED_CATALOG, resolveModules, type Catalog } from './catalog.js';
import { readHistory, type AppliedMigration } from './history.js';
import type { Migration } from './migration-source.js';
import type { CatalogOptions, MigrateDownOptions, MigrationRunResult } from './options.js';
import { resolveOptions, resolveSteps } from './options.js';
import { asRunError, notRun, runAll, runClock, withSchemaLock } from './runner.js';

/**
 * Reverts the `steps` most recently applied migrations (default 1) of the chosen modules, newest
 * first, each in its own transaction, under the same lock as {@link migrateToLatest}. Refuses,
 * before reverting anything, a migration whose file changed or is missing.
 *
 * ### Examples
 * ```ts
 * const { error } = await migrateDown(db, { steps: 2 });
 * ```
 */
export async function migrateDown<DB>(db: Kysely<DB>, options?: MigrateDownOptions): Promise<MigrationRunResult> {
  return migrateCatalogDown(db as Kysely<unknown>, SHIPPED_CATALOG, options);
}

function toRevert(catalog: Catalog, modules: readonly string[] | undefined, history: AppliedMigration[], steps: number): Migration[] {
  const wanted = modules ? new Set(resolveModules(catalog, modules).map((m) => m.name)) : undefined;
  return history
    .filter((record) => !wanted || wanted.has(record.module))
    .reverse()
    .slice(0, steps)
    .map((record) => {
      const migration = catalog.find((m) => m.name === record.module)?.migrations.find((m) => m.name === record.name);
      const where = { module: record.module, migration: record.name };
      if (!migration) {
        throw new SchemaKitMigrationError('missing_migration',
          `Cannot revert ${record.module}/${record.name}: this version of schema-kit does not ship it.`, where);
      }
      if (migration.checksum !== record.checksum) {
        throw new SchemaKitMigrationError('checksum_mismatch',
          `Cannot revert ${record.module}/${record.name}: its file changed since it was applied.`, where);
      }
      return migration;
    });
}

/** {@link migrateDown} over any catalog: the shipped one, or a test's own modules. */
export async function migrateCatalogDown(
  db: Kysely<unknown>,
  catalog: Catalog,
  options: CatalogOptions<MigrateDownOptions> = {},
): Promise<MigrationRunResult> {
  const resolved = resolveOptions(options);
  const steps = resolveSteps(options.steps);
  if (resolved.modules) resolveModules(catalog, resolved.modules);
  const finish = runClock(resolved.schema);
  try {
    if (resolved.dryRun) {
      const migrations = toRevert(catalog, resolved.modules, await readHistory(db.withoutPlugins(), resolved.schema), steps);
      return finish({ results: migrations.map((m) => notRun(m, 'Down', resolved.schema, 'Planned')) });
    }
    return await withSchemaLock(db, resolved, async (conn) => {
      const migrations = toRevert(catalog, resolved.modules, await readHistory(conn, resolved.schema), steps);
      return finish(await runAll(conn, resolved, migrations, 'Down'));
    });
  } catch (error) {
    return finish({ results: [], error: asRunError(error) });
  }
}
