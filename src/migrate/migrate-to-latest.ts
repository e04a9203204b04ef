import type { Kysely } from 'kysely';
import type { Catalog } from './catalog.js';
import { ensureHistory, readInstallState, recordIntended } from './history.js';
import type { MigrationOptions, MigrationRunResult } from './options.js';
import { resolveOptions } from './options.js';
import { checkModuleNames, planModules } from './plan.js';
import { reconcile } from './reconcile.js';
import { lintPlan } from './lint/lint-plan.js';
import { toSchemaKitError } from '../database-errors.js';
import { notRun, runAll, runClock, withSchemaLock } from './runner.js';

/**
 * `migrateToLatest` over any catalog: schema-kit's modules, or a test's own. After a run without
 * error, each installed module's `afterMigrate` runs (the lifecycle module keeps the partitioned
 * logs' partitions ahead), even when there was nothing to apply; its failure is the run's error.
 */
export async function migrateCatalogToLatest(
  db: Kysely<unknown>,
  catalog: Catalog,
  options?: MigrationOptions,
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
      const locks = lintPlan(pending);
      const results = pending.map((m) => ({ ...notRun(m, 'Up', resolved.schema, 'Planned'), locks: locks.get(m)! }));
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
      const upkeep = await afterMigrate(conn, resolved.schema, catalog).then(() => undefined, toSchemaKitError);
      return finish({ ...outcome, ...(upkeep ? { error: upkeep } : {}) });
    });
  } catch (error) {
    return finish({ results: [], error: toSchemaKitError(error) });
  }
}

/** Runs the `afterMigrate` of every catalog module installed (intended) in `schema`, in catalog order. */
async function afterMigrate(conn: Kysely<unknown>, schema: string, catalog: Catalog): Promise<void> {
  const { intended } = await readInstallState(conn, schema);
  for (const module of catalog) {
    if (module.afterMigrate && intended.has(module.name)) await module.afterMigrate(conn, schema);
  }
}
