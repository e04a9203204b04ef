import type { Kysely } from 'kysely';
import { SchemaKitMigrationError } from '../errors.js';
import { resolveModules, type Catalog } from './catalog.js';
import { inspectDown } from './down-impact.js';
import { ensureHistory, readInstallState, type AppliedMigration } from './history.js';
import type { Migration } from './migration-source.js';
import type { DownImpact, MigrateDownOptions, MigrationRunResult } from './options.js';
import { resolveOptions, resolveSteps } from './options.js';
import { toSchemaKitError } from '../database-errors.js';
import { notRun, runAll, runClock, withSchemaLock } from './runner.js';


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
  options: MigrateDownOptions = {},
): Promise<MigrationRunResult> {
  const resolved = resolveOptions(options);
  const steps = resolveSteps(options.steps);
  if (resolved.modules) resolveModules(catalog, resolved.modules);
  const finish = runClock(resolved.schema);
  const plan = async (conn: Kysely<unknown>): Promise<{ migrations: Migration[]; impact: DownImpact; error?: SchemaKitMigrationError }> => {
    const { history } = await readInstallState(conn, resolved.schema);
    const migrations = toRevert(catalog, resolved.modules, history, steps);
    const impact = await inspectDown(conn, resolved.schema, migrations);
    if (impact.dependents.length === 0) return { migrations, impact };
    const list = impact.dependents.map((d) => `${d.object} (on ${d.table})`).join('; ');
    const error = new SchemaKitMigrationError('down_blocked',
      `Nothing was reverted: objects outside schema "${resolved.schema}" depend on tables this down would drop: ${list}. Drop or change them first.`);
    return { migrations, impact, error };
  };
  try {
    if (resolved.dryRun) {
      const { migrations, impact, error } = await plan(db.withoutPlugins());
      return finish({ results: migrations.map((m) => notRun(m, 'Down', resolved.schema, 'Planned')), impact, ...(error ? { error } : {}) });
    }
    return await withSchemaLock(db, resolved, async (conn) => {
      const { migrations, impact, error } = await plan(conn);
      if (error) return finish({ results: migrations.map((m) => notRun(m, 'Down', resolved.schema, 'NotExecuted')), impact, error });
      if (migrations.length > 0) await ensureHistory(conn, resolved.schema); // an older install gets its modules table
      return finish({ ...(await runAll(conn, resolved, migrations, 'Down')), impact });
    });
  } catch (error) {
    return finish({ results: [], error: toSchemaKitError(error) });
  }
}
