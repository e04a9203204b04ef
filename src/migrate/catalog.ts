import { SchemaKitValidationError } from '../errors.js';
import { MIGRATION_SOURCES } from '../generated/migrations.js';
import { MODULES } from '../modules.js';
import { parseMigration, type Migration } from './migration-source.js';

/** A module with its dependencies and parsed migrations, as the runner sees it. */
export interface CatalogModule {
  readonly name: string;
  readonly dependsOn: readonly string[];
  readonly migrations: readonly Migration[];
}

/** Every module the runner knows, in dependency order. */
export type Catalog = readonly CatalogModule[];

/** The catalog of the modules schema-kit ships, built once from the inlined migration files. */
export const SHIPPED_CATALOG: Catalog = MODULES.map((module) => ({
  name: module.name,
  dependsOn: module.dependsOn,
  migrations: (MIGRATION_SOURCES[module.name] ?? []).map((file) => parseMigration(module.name, file.name, file.sql)),
}));

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
