import type { Kysely } from 'kysely';
import { SHIPPED_CATALOG, type Catalog } from './catalog.js';
import { ensureHistory, readInstallState, recordIntended } from './history.js';
import type { CatalogOptions, MigrationOptions, MigrationRunResult } from './options.js';
import { resolveOptions } from './options.js';
import { checkModuleNames, planModules } from './plan.js';
import { reconcile } from './reconcile.js';
import { toSchemaKitError } from '../database-errors.js';
import { notRun, runAll, runClock, withSchemaLock } from './runner.js';
import { createPartitions } from '../modules/lifecycle/index.js';

/**
 * Upgrades the installed modules and installs the ones named in `add` (an empty schema gets
 * `modules`, or every module), each migration in its own transaction, under an advisory lock
 * keyed on the target schema so concurrent runners are safe: one applies, the others wait and
 * find nothing to do. The modules a run installs are recorded in the schema as intended before
 * any of their migrations runs, so a run cut off half-way (killed, connection lost) is finished by
 * the next run, and `status` shows what is left. Stops before running
 * anything when an applied migration's file changed or is missing, the database is ahead of the
 * package, or `modules` names a module that is not installed (`not_installed`: use `add`). Then
 * keeps the partitioned logs' monthly partitions `DEFAULT_MONTHS_AHEAD` (3) months ahead.
 *
 * Invalid options throw {@link SchemaKitValidationError} before any SQL runs; every other failure
 * is returned in `error`.
 *
 * ### Examples
 * ```ts
 * const { error, results } = await migrateToLatest(db, { modules: ['audit', 'idempotency'] });
 * if (error) throw error;
 * await migrateToLatest(db, { add: ['telegram'] }); // later: one more module
 * ```
 */
export async function migrateToLatest<DB>(db: Kysely<DB>, options?: MigrationOptions): Promise<MigrationRunResult> {
  return migrateCatalogToLatest(db as Kysely<unknown>, SHIPPED_CATALOG, options);
}

/** {@link migrateToLatest} over any catalog: the shipped one, or a test's own modules. */
export async function migrateCatalogToLatest(
  db: Kysely<unknown>,
  catalog: Catalog,
  options?: CatalogOptions,
): Promise<MigrationRunResult> {
  const resolved = resolveOptions(options);
  checkModuleNames(catalog, resolved);
  const finish = runClock(resolved.schema);
  const plan = async (conn: Kysely<unknown>) => {
    const state = await readInstallState(conn, resolved.schema);
    const { target } = planModules(catalog, state, resolved);
    return { ...reconcile(catalog, target, state.history), target };
  };
  try {
    if (resolved.dryRun) {
      const { pending, problems } = await plan(db.withoutPlugins());
      const results = pending.map((m) => notRun(m, 'Up', resolved.schema, 'Planned'));
      return finish({ results, ...(problems[0] ? { error: problems[0] } : {}) });
    }
    return await withSchemaLock(db, resolved, async (conn) => {
      await ensureHistory(conn, resolved.schema);
      const { pending, problems, target } = await plan(conn);
      if (problems[0]) return finish({ results: [], error: problems[0] });
      // the intent first, committed on its own: a run cut off half-way is finished by the next one
      await recordIntended(conn, resolved.schema, target.map((m) => m.name));
      const outcome = await runAll(conn, resolved, pending, 'Up');
      if (outcome.error) return finish(outcome);
      // keep the partitioned logs a few months ahead on every run, even one with nothing to apply
      const topUp = await createPartitions(conn, { schema: resolved.schema }).then(() => undefined, toSchemaKitError);
      return finish({ ...outcome, ...(topUp ? { error: topUp } : {}) });
    });
  } catch (error) {
    return finish({ results: [], error: toSchemaKitError(error) });
  }
}
