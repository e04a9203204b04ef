import type { Kysely } from 'kysely';
import { toSchemaKitError } from '../database-errors.js';
import type { SchemaKitMigrationError } from '../errors.js';
import { SHIPPED_CATALOG, resolveModules, type Catalog } from './catalog.js';
import { readHistory } from './history.js';
import type { CatalogOptions, MigrationOptions } from './options.js';
import { resolveOptions } from './options.js';
import { reconcile, type MigrationStatusEntry } from './reconcile.js';

/** The answer of {@link migrationStatus}. */
export interface MigrationStatusResult {
  readonly schema: string;
  /** Every migration of the chosen modules, plus applied ones this package no longer ships. */
  readonly migrations: readonly MigrationStatusEntry[];
  /** How many migrations `migrate` would run. */
  readonly pending: number;
  /** What would stop `migrate`: changed checksums, missing files, a database ahead. */
  readonly problems: readonly SchemaKitMigrationError[];
  /** True when nothing is pending and there are no problems. */
  readonly upToDate: boolean;
}

/**
 * Compares the shipped migrations of the chosen modules with the database's history, without
 * taking a lock or changing anything. Connection failures are thrown as typed errors.
 *
 * ### Examples
 * ```ts
 * const status = await migrationStatus(db);
 * if (!status.upToDate) console.log(`${status.pending} pending`);
 * ```
 */
export async function migrationStatus<DB>(db: Kysely<DB>, options?: MigrationOptions): Promise<MigrationStatusResult> {
  return catalogStatus(db as Kysely<unknown>, SHIPPED_CATALOG, options);
}

/** {@link migrationStatus} over any catalog: the shipped one, or a test's own modules. */
export async function catalogStatus(db: Kysely<unknown>, catalog: Catalog, options?: CatalogOptions): Promise<MigrationStatusResult> {
  const resolved = resolveOptions(options);
  const selected = resolveModules(catalog, resolved.modules);
  const history = await readHistory(db.withoutPlugins(), resolved.schema).catch((error: unknown) => {
    throw toSchemaKitError(error);
  });
  const { entries, pending, problems } = reconcile(catalog, selected, history);
  return {
    schema: resolved.schema,
    migrations: entries,
    pending: pending.length,
    problems,
    upToDate: pending.length === 0 && problems.length === 0,
  };
}
