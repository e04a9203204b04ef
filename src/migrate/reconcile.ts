import { SchemaKitMigrationError } from '../errors.js';
import type { LintFinding } from './lint/finding.js';
import type { Catalog, CatalogModule } from './catalog.js';
import type { AppliedMigration } from './history.js';
import type { Migration } from './migration-source.js';

/** Where one migration stands: applied as shipped, pending, applied but since changed, or applied
 * but no longer shipped (the database is ahead of this package, or a file was removed). */
export type MigrationState = 'applied' | 'pending' | 'changed' | 'missing';

/** One line of {@link migrationStatus}: a migration and its state. */
export interface MigrationStatusEntry {
  readonly module: string;
  readonly migration: string;
  readonly state: MigrationState;
  /** When it was applied; absent for pending migrations. */
  readonly appliedAt?: Date;
  /** For a pending migration: the strong locks and table rewrites its up would take on existing
   * tables (tables created by an earlier pending migration count as new), each allowed or not. */
  readonly locks?: readonly LintFinding[];
}

/** The comparison of shipped migrations with a database's history. */
export interface Reconciliation {
  readonly entries: MigrationStatusEntry[];
  /** The pending migrations of the selected modules, in the order they must run. */
  readonly pending: Migration[];
  /** Everything that must stop `migrate`: changed checksums, missing files, a database ahead. */
  readonly problems: SchemaKitMigrationError[];
}

/** Compares the `selected` modules' files, and the whole history, with the `applied` history. */
export function reconcile(catalog: Catalog, selected: readonly CatalogModule[], applied: readonly AppliedMigration[]): Reconciliation {
  const appliedByKey = new Map(applied.map((a) => [`${a.module}/${a.name}`, a]));
  const entries: MigrationStatusEntry[] = [];
  const pending: Migration[] = [];
  const problems: SchemaKitMigrationError[] = [];

  for (const module of selected) {
    for (const migration of module.migrations) {
      const record = appliedByKey.get(`${module.name}/${migration.name}`);
      if (!record) {
        entries.push({ module: module.name, migration: migration.name, state: 'pending' });
        pending.push(migration);
      } else if (record.checksum !== migration.checksum) {
        entries.push({ module: module.name, migration: migration.name, state: 'changed', appliedAt: record.appliedAt });
      } else {
        entries.push({ module: module.name, migration: migration.name, state: 'applied', appliedAt: record.appliedAt });
      }
    }
  }

  const byName = new Map(catalog.map((m) => [m.name, m]));
  for (const record of applied) {
    const module = byName.get(record.module);
    const shipped = module?.migrations.find((m) => m.name === record.name);
    const where = { module: record.module, migration: record.name };
    if (shipped) {
      if (shipped.checksum !== record.checksum) {
        problems.push(new SchemaKitMigrationError('checksum_mismatch',
          `Migration ${record.module}/${record.name} was applied with a different checksum: its file has changed since.`, where));
      }
      continue;
    }
    const last = module?.migrations.at(-1)?.name;
    const ahead = !module || !last || record.name > last;
    entries.push({ ...where, state: 'missing', appliedAt: record.appliedAt });
    problems.push(ahead
      ? new SchemaKitMigrationError('database_ahead',
          `The database has migration ${record.module}/${record.name}, which this version of schema-kit does not know: the database is ahead of the package. Upgrade schema-kit.`, where)
      : new SchemaKitMigrationError('missing_migration',
          `Migration ${record.module}/${record.name} was applied but its file is missing from this version of schema-kit.`, where));
  }
  return { entries, pending, problems };
}
