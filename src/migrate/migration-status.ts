import type { Kysely } from 'kysely';
import { toSchemaKitError } from '../database-errors.js';
import type { SchemaKitMigrationError } from '../errors.js';
import type { Catalog } from './catalog.js';
import { readInstallState } from './history.js';
import { lintPlan } from './lint/lint-plan.js';
import type { MigrationOptions } from './options.js';
import { resolveOptions } from './options.js';
import { checkModuleNames, planModules, type ModuleSelection } from './plan.js';
import { reconcile, type MigrationStatusEntry } from './reconcile.js';

/** The answer of {@link migrationStatus}. */
export interface MigrationStatusResult {
  readonly schema: string;
  /** Every migration of the modules `migrate` would act on, plus applied ones this package no longer ships. */
  readonly migrations: readonly MigrationStatusEntry[];
  /** How many migrations `migrate` would run. */
  readonly pending: number;
  /** What would stop `migrate`: changed checksums, missing files, a database ahead. */
  readonly problems: readonly SchemaKitMigrationError[];
  /** True when nothing is pending and there are no problems. */
  readonly upToDate: boolean;
  /** The modules installed in the schema (with at least one applied migration), in dependency order. */
  readonly installed: readonly string[];
  /** The modules `migrate` would install: all (or those named) on an empty schema, those of `add`,
   * and those intended but not installed (an install cut off, or a module whose migrations `down`
   * reverted): their migrations count as pending. */
  readonly toInstall: readonly string[];
  /** The modules neither installed nor to be installed. */
  readonly notInstalled: readonly string[];
  /** Why `migrate` acts on the modules it does: upgrading the `installed` ones, the `named` ones
   * on an empty schema, or `all` on an empty schema that named nothing. */
  readonly selection: ModuleSelection;
}


/** {@link migrationStatus} over any catalog: the shipped one, or a test's own modules. */
export async function catalogStatus(db: Kysely<unknown>, catalog: Catalog, options?: MigrationOptions): Promise<MigrationStatusResult> {
  const resolved = resolveOptions(options);
  checkModuleNames(catalog, resolved);
  const state = await readInstallState(db.withoutPlugins(), resolved.schema).catch((error: unknown) => {
    throw toSchemaKitError(error);
  });
  const plan = planModules(catalog, state, resolved);
  const { entries, pending, problems } = reconcile(catalog, plan.target, state.history);
  const locks = lintPlan(pending);
  const pendingByKey = new Map(pending.map((m) => [`${m.module}/${m.name}`, m]));
  const withLocks = (entry: MigrationStatusEntry): MigrationStatusEntry => {
    const migration = entry.state === 'pending' ? pendingByKey.get(`${entry.module}/${entry.migration}`) : undefined;
    return migration ? { ...entry, locks: locks.get(migration)! } : entry;
  };
  return {
    schema: resolved.schema,
    migrations: entries.map(withLocks),
    pending: pending.length,
    problems,
    upToDate: pending.length === 0 && problems.length === 0,
    installed: plan.installed,
    toInstall: plan.toInstall,
    notInstalled: plan.notInstalled,
    selection: plan.selection,
  };
}
