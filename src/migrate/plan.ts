import { SchemaKitMigrationError } from '../errors.js';
import { resolveModules, type Catalog, type CatalogModule } from './catalog.js';

/** Why a run acts on the modules it does. */
export type ModuleSelection = 'installed' | 'named' | 'all';

/** The modules a run acts on, worked out from what the database has installed. */
export interface ModulePlan {
  /** The modules to act on, with their dependencies, in dependency order. */
  readonly target: CatalogModule[];
  /** The installed modules (with at least one applied migration), in dependency order. */
  readonly installed: string[];
  /** The modules of `target` that are not installed yet: named, added, or intended by an earlier
   * run that did not finish (or whose migrations a `down` reverted). */
  readonly toInstall: string[];
  /** The modules neither installed nor in `target`. */
  readonly notInstalled: string[];
  /** `installed`: upgrading what is installed; `named`: an empty schema gets the named modules;
   * `all`: an empty schema named nothing and gets every module. */
  readonly selection: ModuleSelection;
}

/** What a caller asked for: `modules` scopes the run, `add` installs more. */
export interface ModuleRequest {
  readonly modules: readonly string[] | undefined;
  readonly add: readonly string[] | undefined;
}

/**
 * Works out the modules to act on. An empty schema (nothing intended) gets `modules` (or every
 * module when nothing is named) plus `add`; otherwise the run completes and upgrades the intended
 * modules (or the intended ones among `modules`) and installs `add`. Naming in `modules` a module
 * that is not intended throws a `not_installed` {@link SchemaKitMigrationError}: adding a module
 * is deliberate (`add`).
 */
export function planModules(
  catalog: Catalog,
  state: { readonly intended: ReadonlySet<string>; readonly installed: ReadonlySet<string> },
  request: ModuleRequest,
): ModulePlan {
  const installedSet = state.intended;
  const named = request.modules ? resolveModules(catalog, request.modules) : undefined;
  const added = request.add ? resolveModules(catalog, request.add) : [];
  const intended = catalog.filter((m) => installedSet.has(m.name)).map((m) => m.name);
  const installed = catalog.filter((m) => state.installed.has(m.name)).map((m) => m.name);
  let base: CatalogModule[];
  let selection: ModuleSelection;
  if (intended.length === 0) {
    selection = named ? 'named' : request.add ? 'named' : 'all';
    base = named ?? (request.add ? [] : [...catalog]);
  } else {
    selection = 'installed';
    base = named ?? catalog.filter((m) => installedSet.has(m.name));
    // a dependency a newer release gave an installed module is installed with it, unasked
    const missing = (request.modules ?? []).filter((name) => !installedSet.has(name));
    if (missing.length > 0) {
      throw new SchemaKitMigrationError(
        'not_installed',
        `Module(s) ${missing.join(', ')} not installed (installed: ${intended.join(', ')}): install them deliberately with --add ${missing.join(',')} (from code: add: [...]).`,
      );
    }
  }
  const wanted = new Set(resolveModules(catalog, [...base, ...added].map((m) => m.name)).map((m) => m.name));
  const target = catalog.filter((m) => wanted.has(m.name));
  return {
    target,
    installed,
    toInstall: target.filter((m) => !state.installed.has(m.name)).map((m) => m.name),
    notInstalled: catalog.filter((m) => !wanted.has(m.name) && !state.installed.has(m.name)).map((m) => m.name),
    selection,
  };
}

/** Checks the module names in `modules` and `add` against `catalog`, throwing a validation error. */
export function checkModuleNames(catalog: Catalog, request: ModuleRequest): void {
  if (request.modules) resolveModules(catalog, request.modules);
  if (request.add) resolveModules(catalog, request.add);
}
