import type { Kysely } from 'kysely';
import { SchemaKitValidationError } from '../errors.js';
import type { AfterMigrate, ModuleDescriptor } from '../module-descriptor.js';
import { parseMigration, type Migration } from './migration-source.js';

/** A module's `afterMigrate`, bound to the descriptors of its catalog. */
export type CatalogAfterMigrate = (db: Kysely<unknown>, schema: string) => Promise<unknown>;

/** A module with its dependencies and parsed migrations, as the runner sees it. */
export interface CatalogModule {
  readonly name: string;
  readonly dependsOn: readonly string[];
  readonly migrations: readonly Migration[];
  /** The module's upkeep after each successful migrate run. */
  readonly afterMigrate?: CatalogAfterMigrate;
}

/** Every module the runner knows, in dependency order. */
export type Catalog = readonly CatalogModule[];

const catalogs = new WeakMap<readonly ModuleDescriptor[], Catalog>();

/** The catalog of `modules` (descriptors in dependency order), their migrations parsed once per list. */
export function catalogOf(modules: readonly ModuleDescriptor[]): Catalog {
  let catalog = catalogs.get(modules);
  if (!catalog) {
    catalog = Object.freeze(
      modules.map((module) => ({
        name: module.name,
        dependsOn: module.dependsOn,
        migrations: module.migrations.map((file) => parseMigration(module.name, file.name, file.sql)),
        ...(module.afterMigrate ? { afterMigrate: boundTo(module.afterMigrate, modules) } : {}),
      })),
    );
    catalogs.set(modules, catalog);
  }
  return catalog;
}

/**
 * The modules to install for `requested` (default: all), with every dependency added, in the
 * catalog's dependency order. Throws {@link SchemaKitValidationError} for an unknown name.
 */
export function resolveModules(catalog: Catalog, requested?: readonly string[]): CatalogModule[] {
  if (!requested) return [...catalog];
  const byName = new Map(catalog.map((m) => [m.name, m]));
  const wanted = new Set<string>();
  const visit = (name: string): void => {
    const module = byName.get(name);
    if (!module) {
      throw new SchemaKitValidationError(
        'modules',
        `unknown module ${JSON.stringify(name)}; known modules: ${catalog.map((m) => m.name).join(', ')}`,
      );
    }
    if (wanted.has(name)) return;
    wanted.add(name);
    module.dependsOn.forEach(visit);
  };
  requested.forEach(visit);
  return catalog.filter((m) => wanted.has(m.name));
}

/** `afterMigrate` given the descriptors of its catalog. */
function boundTo(afterMigrate: AfterMigrate, modules: readonly ModuleDescriptor[]): CatalogAfterMigrate {
  return (db, schema) => afterMigrate(db, schema, modules);
}
