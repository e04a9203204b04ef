/**
 * schema-kit's own modules bound to the shared machinery: the catalog the runner installs, and the
 * public entry points over it (migrate, down, status, grants, doctor, partitions, erasure). The machinery itself takes
 * any list of module descriptors; this file gives it {@link MODULES}.
 */
import type { Kysely } from 'kysely';
import { grantModulesAccess, type GrantOptions } from './grants.js';
import { catalogOf, type Catalog } from './migrate/catalog.js';
import { migrateCatalogDown } from './migrate/migrate-down.js';
import { migrateCatalogToLatest } from './migrate/migrate-to-latest.js';
import { catalogStatus, type MigrationStatusResult } from './migrate/migration-status.js';
import type { MigrateDownOptions, MigrationOptions, MigrationRunResult } from './migrate/options.js';
import { forgetModulesUser, type ForgetUserOptions, type ForgetUserResult } from './modules/lifecycle/forget-user.js';
import { createModulesPartitions, dropModulesPartitionsBefore, type CreatePartitionsOptions, type RetentionOptions } from './modules/lifecycle/partitions.js';
import { MODULES, type ModuleName, type PartitionedTable } from './modules.js';
import { checkModulesSchema, type SchemaCheckOptions, type SchemaCheckResult } from './schema-check/doctor.js';

/** The catalog of the modules schema-kit ships, their migrations parsed once. */
export const SHIPPED_CATALOG: Catalog = catalogOf(MODULES);

/**
 * Upgrades the installed modules and installs the ones named in `add` (an empty schema gets
 * `modules`, or every module), each migration in its own transaction, under an advisory lock
 * keyed on the target schema so concurrent runners are safe: one applies, the others wait and
 * find nothing to do. The modules a run installs are recorded in the schema as intended before
 * any of their migrations runs, so a run cut off half-way (killed, connection lost) is finished by
 * the next run, and `status` shows what is left. Stops before running
 * anything when an applied migration's file changed or is missing, the database is ahead of the
 * package, or `modules` names a module that is not installed (`not_installed`: use `add`). Then
 * keeps each partitioned log's monthly partitions its `monthsAhead` (3) months ahead.
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
export async function migrateToLatest<DB>(db: Kysely<DB>, options?: MigrationOptions<ModuleName>): Promise<MigrationRunResult> {
  return migrateCatalogToLatest(db as Kysely<unknown>, SHIPPED_CATALOG, options);
}

/**
 * Reverts the `steps` most recently applied migrations (default 1) of the chosen modules, newest
 * first, under the same lock as {@link migrateToLatest}, all in one transaction (unless one of
 * them opts out of transactions), so a failure reverts nothing. Before reverting anything it
 * checks what would be dropped (`impact`: tables and their rows) and refuses (`down_blocked`)
 * when an object outside the schema depends on one of those tables, and refuses a migration whose
 * file changed or is missing. With `dryRun`, `impact` tells a caller what to confirm.
 *
 * ### Examples
 * ```ts
 * const { error } = await migrateDown(db, { steps: 2 });
 * ```
 */
export async function migrateDown<DB>(db: Kysely<DB>, options?: MigrateDownOptions<ModuleName>): Promise<MigrationRunResult> {
  return migrateCatalogDown(db as Kysely<unknown>, SHIPPED_CATALOG, options);
}

/**
 * Compares the shipped migrations of the modules `migrate` would act on (the installed ones, or
 * on an empty schema the named ones or all) with the database's history, without taking a lock
 * or changing anything. Connection failures, and `modules` naming a module that is not installed
 * (`not_installed`), are thrown as typed errors.
 *
 * ### Examples
 * ```ts
 * const status = await migrationStatus(db);
 * if (!status.upToDate) console.log(`${status.pending} pending`);
 * ```
 */
export async function migrationStatus<DB>(db: Kysely<DB>, options?: MigrationOptions<ModuleName>): Promise<MigrationStatusResult> {
  return catalogStatus(db as Kysely<unknown>, SHIPPED_CATALOG, options);
}

/**
 * Grants a runtime role exactly what the repositories need on the tables installed in the schema,
 * as each module's descriptor declares it: USAGE on the schema; SELECT and INSERT on the
 * append-only logs; SELECT, INSERT, UPDATE and DELETE on every other table; SELECT only on
 * `lifecycle_log`; nothing on the runner's history and modules tables nor on partitions directly
 * (rows are reached through their parent table); no DDL (no CREATE on the schema, no ownership).
 * EXECUTE on `create_partitions`, and with `erasure: true` on the functions `forgetUser` calls.
 * Privileges the role had on the schema's tables are revoked first. Run it as the owner after
 * `migrateToLatest`, and again after installing more modules. `alsoTables` grants the host's own
 * tables (`['public.orders']`) with the same least-privilege rules. Returns the statements it ran.
 * Throws a `SchemaKitError` (`runtime_may_create`) and grants nothing when the role could
 * still create objects in the schema afterwards: through PUBLIC (see `revokePublicCreate`), as the
 * schema's owner, or through a role it is a member of.
 *
 * ### Examples
 * ```ts
 * await grantRuntimeAccess(db, { role: 'bot_runtime' });
 * ```
 */
export async function grantRuntimeAccess<DB>(db: Kysely<DB>, options: GrantOptions): Promise<string[]> {
  return grantModulesAccess(db as Kysely<unknown>, MODULES, options);
}

/**
 * Compares the live schema of the installed modules with the schema this package ships (tables,
 * columns and their types, constraints, indexes, triggers and whether they are enabled, the
 * functions they call, sequences), and with `role` the runtime role's privileges with what
 * {@link grantRuntimeAccess} gives. Reads only. Returns one {@link SchemaDifference} per difference:
 * a missing or changed object fails the check; what the host added (its own index, trigger,
 * nullable column...) is listed in `additions` and does not, unless `allowAdditions` leaves it out.
 *
 * ### Examples
 * ```ts
 * const { ok, differences } = await checkSchema(db, { role: 'bot_runtime' });
 * if (!ok) differences.forEach((d) => console.error(d.message));
 * ```
 */
export async function checkSchema<DB>(db: Kysely<DB>, options: SchemaCheckOptions = {}): Promise<SchemaCheckResult> {
  return checkModulesSchema(db as Kysely<unknown>, MODULES, options);
}

/**
 * Creates the monthly partitions of every installed partitioned log (each module descriptor's
 * `partitionedLogs`) from the current UTC month to `ahead` months ahead (default: each log's
 * `monthsAhead`), those missing only, and returns the names created. Safe to run from many
 * replicas and from a scheduler at once (creators queue on an advisory lock; the later ones find
 * nothing to do). `migrateToLatest` runs it too. Rows written before their month's partition
 * exists (a clock ahead, a far-future time) land in the DEFAULT partition and move into the month
 * partition when it is created. Runs as the owner, or as a role granted EXECUTE on
 * `create_partitions` ({@link grantRuntimeAccess} grants it).
 *
 * ### Examples
 * ```ts
 * await createPartitions(db, { ahead: 6 });
 * ```
 */
export async function createPartitions<DB>(db: Kysely<DB>, options: CreatePartitionsOptions = {}): Promise<string[]> {
  return createModulesPartitions(db, MODULES, options);
}

/**
 * Retention: drops (or detaches) the whole monthly partitions of `table` that end at or before
 * `before`, never a DELETE of rows, and returns their names. The owner's act: a role that does
 * not own the table is refused (`permission_denied`), and each removal is recorded in
 * `lifecycle_log`. Rows of the DEFAULT partition are never removed by it.
 *
 * ### Examples
 * ```ts
 * await dropPartitionsBefore(ownerDb, { table: 'event_log', before: new Date('2026-01-01') });
 * ```
 */
export async function dropPartitionsBefore<DB>(db: Kysely<DB>, options: RetentionOptions<PartitionedTable>): Promise<string[]> {
  return dropModulesPartitionsBefore(db, MODULES, options);
}

/**
 * Forgets a user across every installed module, as each module's descriptor declares its personal
 * data (`personalData`): the rows that belong to the user (profile, memory, conversations and
 * their messages, interests, collections...) are deleted, children first;
 * in the append-only logs, the user's identifiers, the free text of their role changes and the
 * event fields declared personal (`EventLogRepo.declarePersonalFields`) become one random pseudonym,
 * through the only path the logs' triggers allow, so the logs keep their rows, order and stream
 * positions. The erasure is recorded in `lifecycle_log` under the pseudonym, with row counts and no
 * personal data. Runs as the owner, or as a runtime role granted it (`grantRuntimeAccess(db, {
 * role, erasure: true })`); without the grant nothing is changed and `permission_denied` is thrown.
 * Complete under concurrent writes, in three steps: it commits the digests of the identifiers
 * (from then on the database refuses, with code `user_forgotten`, a new row of `event_log`,
 * `user_role_change_log` or `user_context` naming one in its identifying columns; bare numbers
 * are not kept), waits for the transactions open in the database at that commit to end (up to
 * 60 s, else a retryable `timeout`: do not call it while your code holds another transaction open),
 * then erases in one transaction. So a write either commits before the erasure reads (and is
 * erased) or is refused. Interrupted, it leaves the identifiers refused and the data in place: run
 * it again. Detached partitions still present are erased too. `db` must not be a transaction. Backups and WAL archives still hold the data until they expire: see
 * docs/lifecycle.md.
 *
 * ### Examples
 * ```ts
 * const { pseudonym, rows } = await forgetUser(db, { userId, identifiers: [`tg:${telegramId}`] });
 * ```
 */
export async function forgetUser<DB>(db: Kysely<DB>, options: ForgetUserOptions): Promise<ForgetUserResult> {
  return forgetModulesUser(db, MODULES, options);
}
