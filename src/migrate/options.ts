import type { SchemaKitError } from '../errors.js';
import { SchemaKitValidationError } from '../errors.js';
import { DEFAULT_SCHEMA, validateSchemaName } from './schema-name.js';

/** Options shared by `migrateToLatest`, `migrateDown` and `migrationStatus`; `Name` is the name of a
 * module they know (`ModuleName` for schema-kit's own). */
export interface MigrationOptions<Name extends string = string> {
  /** The target schema. Default `'schema_kit'`. Validated as an identifier, always quoted. */
  readonly schema?: string;
  /**
   * The modules to act on; dependencies are added. On an empty schema: what to install (default:
   * every module). On an installed schema: a subset of the installed modules (default: all of
   * them); naming one that is not installed is an error (`not_installed`): use `add`.
   */
  readonly modules?: readonly Name[];
  /** Modules to install in addition to what is installed (with their dependencies). */
  readonly add?: readonly Name[];
  /** How long to wait for a concurrent runner's lock, in milliseconds. Default 60000. */
  readonly lockTimeoutMs?: number;
  /**
   * The `lock_timeout` of every migration statement, in milliseconds. Default 2000. A statement
   * that waits longer for a table lock (behind a long host transaction) gives up instead of
   * queueing the host's writes behind it, and is retried (see `ddlRetries`).
   */
  readonly ddlLockTimeoutMs?: number;
  /**
   * How many times a migration step is tried when it loses a lock race (lock timeout or
   * deadlock), with an exponential, jittered pause between tries. Default 10. A transactional
   * migration is rolled back and run again whole; a step of a `no-transaction` one runs again.
   */
  readonly ddlRetries?: number;
  /** Plan only: report what would run, with its SQL, and change nothing. */
  readonly dryRun?: boolean;
  /** Called as each migration starts and ends, e.g. to print progress. It cannot change the run: a
   * throw (or rejected promise) is caught, the run finishes, and the first one is returned as a
   * `callback_failed` error (its `cause`) when the run had no error of its own. */
  readonly onProgress?: (event: MigrationProgress) => void;
}

/** Options of `migrateDown`. */
export interface MigrateDownOptions<Name extends string = string> extends MigrationOptions<Name> {
  /** How many applied migrations to revert, newest first. Default 1. */
  readonly steps?: number;
  /**
   * Also uninstall: a module left with no applied migration by this run leaves the intended set,
   * so later runs of `migrate` do not install it again (add it back with `add`). Without it, the
   * reverted modules stay intended and `migrate` re-applies them: down then migrate is a round
   * trip. Default false.
   */
  readonly uninstall?: boolean;
}

/**
 * A progress event: a migration is about to run (`start`) or has finished (`end`); a batched
 * backfill of it has done another batch (`batch`); a step of it lost a lock race and is about to
 * be tried again (`retry`).
 */
export interface MigrationProgress {
  readonly phase: 'start' | 'end' | 'batch' | 'retry';
  readonly result: MigrationResult;
  /** `batch`: the rows the batched statement has done so far in this run. */
  readonly rows?: number;
  /** `retry`: the attempt about to start (2 for the first retry). */
  readonly attempt?: number;
  /** `retry`: why the previous attempt gave up (the database's message). */
  readonly reason?: string;
}

/** What happened to one migration in a run. */
export interface MigrationResult {
  readonly module: string;
  readonly migration: string;
  readonly direction: 'Up' | 'Down';
  /** `Planned` in a dry run; `NotExecuted` when an earlier migration of the run failed. */
  readonly status: 'Success' | 'Error' | 'NotExecuted' | 'Planned';
  /** Time spent in its SQL, in milliseconds (0 unless it ran). */
  readonly durationMs: number;
  /** The SQL it ran or, in a dry run, would run, with the schema substituted. */
  readonly sql: string;
}

/**
 * The outcome of `migrateToLatest` or `migrateDown`. Ordinary failures (lock timeout,
 * a changed or missing file, a failing migration, a lost connection) are returned in `error`
 * rather than thrown; the migrations before the failure stay applied.
 */
export interface MigrationRunResult {
  readonly schema: string;
  readonly results: readonly MigrationResult[];
  readonly error?: SchemaKitError;
  /** Wall time of the whole call, in milliseconds. */
  readonly durationMs: number;
  /** With `migrateDown`: what the reverted migrations drop, checked before anything ran. */
  readonly impact?: DownImpact;
}

/** What a `migrateDown` run would drop: each table with its rows, and what depends on them
 * from outside the schema (a host's foreign key or view), which makes the run refuse. */
export interface DownImpact {
  readonly tables: readonly { readonly table: string; readonly rows: number }[];
  readonly dependents: readonly { readonly object: string; readonly table: string }[];
}

/** Options with defaults applied and every value checked. */
export interface ResolvedOptions {
  readonly schema: string;
  readonly modules: readonly string[] | undefined;
  readonly add: readonly string[] | undefined;
  readonly lockTimeoutMs: number;
  readonly ddlLockTimeoutMs: number;
  readonly ddlRetries: number;
  readonly dryRun: boolean;
  readonly onProgress: (event: MigrationProgress) => void;
  /** With down: modules left without applied migrations leave the intended set. */
  readonly uninstall: boolean;
}

/** Applies defaults and validates `options`, throwing {@link SchemaKitValidationError} on bad values. */
export function resolveOptions(options: MigrationOptions & { readonly uninstall?: boolean } = {}): ResolvedOptions {
  const lockTimeoutMs = wholeNumber('lockTimeoutMs', options.lockTimeoutMs ?? 60_000, 0, 'milliseconds');
  const ddlLockTimeoutMs = wholeNumber('ddlLockTimeoutMs', options.ddlLockTimeoutMs ?? 2_000, 1, 'milliseconds');
  const ddlRetries = wholeNumber('ddlRetries', options.ddlRetries ?? 10, 1, 'tries');
  for (const field of ['modules', 'add'] as const) {
    const list = options[field];
    if (list !== undefined && (!Array.isArray(list) || list.length === 0)) {
      throw new SchemaKitValidationError(field, 'must be a non-empty list of module names');
    }
  }
  return {
    schema: validateSchemaName(options.schema ?? DEFAULT_SCHEMA),
    modules: options.modules,
    add: options.add,
    lockTimeoutMs,
    ddlLockTimeoutMs,
    ddlRetries,
    dryRun: options.dryRun ?? false,
    onProgress: options.onProgress ?? (() => undefined),
    uninstall: options.uninstall === true,
  };
}

function wholeNumber(field: string, value: number, min: number, unit: string): number {
  if (!Number.isInteger(value) || value < min) {
    throw new SchemaKitValidationError(field, `must be a whole number of ${unit}, ${min} or more`);
  }
  return value;
}

/** Validates the `steps` of {@link migrateDown}. */
export function resolveSteps(steps: number | undefined): number {
  const value = steps ?? 1;
  if (!Number.isInteger(value) || value < 1) throw new SchemaKitValidationError('steps', 'must be a whole number, 1 or more');
  return value;
}
