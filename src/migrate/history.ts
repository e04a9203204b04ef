import { sql, type Kysely } from 'kysely';
import { quoteIdentifier } from './schema-name.js';

/** The table, inside the target schema, that records each applied migration. */
export const HISTORY_TABLE = 'schema_kit_migrations';

/** The table, inside the target schema, that records the modules the schema is meant to have (the
 * intended set): written before a run installs them, kept by `down`, removed only by an uninstall. */
export const MODULES_TABLE = 'schema_kit_modules';

/** The runner's own tables: never part of a module, never granted to the runtime role. */
export const RUNNER_TABLES: readonly string[] = Object.freeze([HISTORY_TABLE, MODULES_TABLE]);

/** One applied migration as recorded in the history table. */
export interface AppliedMigration {
  readonly id: string;
  readonly module: string;
  readonly name: string;
  readonly checksum: string;
  readonly appliedAt: Date;
}

/** What the database says about schema-kit: its applied migrations, the modules it is meant to
 * have, and the modules that have applied migrations. */
export interface InstallState {
  readonly history: AppliedMigration[];
  /** The intended modules: recorded before their install ran (so an interrupted install is
   * finished by the next run), plus any module with history; empty when nothing was ever asked. */
  readonly intended: ReadonlySet<string>;
  /** The modules with at least one applied migration. */
  readonly installed: ReadonlySet<string>;
}

function table(schema: string, name = HISTORY_TABLE) {
  return sql.raw(`${quoteIdentifier(schema)}.${name}`);
}

/**
 * Creates the target schema, the history table and the modules table when they do not exist yet.
 * A schema installed before the modules table existed gets it filled from the history: exactly the
 * modules that have applied migrations are installed.
 */
export async function ensureHistory(conn: Kysely<unknown>, schema: string): Promise<void> {
  await sql`create schema if not exists ${sql.raw(quoteIdentifier(schema))}`.execute(conn);
  await sql`
    create table if not exists ${table(schema)} (
      id bigint generated always as identity primary key,
      module text not null,
      name text not null,
      checksum text not null,
      applied_at timestamptz not null default now(),
      duration_ms integer not null,
      unique (module, name)
    )`.execute(conn);
  const { rows } = await sql<{ found: boolean }>`
    select to_regclass(${`${quoteIdentifier(schema)}.${MODULES_TABLE}`}) is not null as found`.execute(conn);
  if (rows[0]?.found) return;
  await sql`
    create table ${table(schema, MODULES_TABLE)} (
      module text primary key,
      installed_at timestamptz not null default now()
    )`.execute(conn);
  await sql`
    insert into ${table(schema, MODULES_TABLE)} (module, installed_at)
    select module, min(applied_at) from ${table(schema)} group by module`.execute(conn);
}

/**
 * The applied migrations, in the order they were applied, and the installed modules; both empty
 * when nothing was ever installed. Reads an install of a release without the modules table as
 * having installed the modules that have history rows, and writes nothing.
 */
export async function readInstallState(conn: Kysely<unknown>, schema: string): Promise<InstallState> {
  const { rows: found } = await sql<{ history: boolean; modules: boolean }>`
    select to_regclass(${`${quoteIdentifier(schema)}.${HISTORY_TABLE}`}) is not null as history,
           to_regclass(${`${quoteIdentifier(schema)}.${MODULES_TABLE}`}) is not null as modules`.execute(conn);
  if (!found[0]?.history) return { history: [], intended: new Set(), installed: new Set() };
  const { rows } = await sql<{ id: string; module: string; name: string; checksum: string; applied_at: Date }>`
    select id, module, name, checksum, applied_at from ${table(schema)} order by id`.execute(conn);
  const history = rows.map((r) => ({ id: String(r.id), module: r.module, name: r.name, checksum: r.checksum, appliedAt: r.applied_at }));
  const installed = new Set(history.map((r) => r.module));
  const intended = new Set(installed);
  if (found[0].modules) {
    const { rows: modules } = await sql<{ module: string }>`select module from ${table(schema, MODULES_TABLE)}`.execute(conn);
    modules.forEach((m) => intended.add(m.module));
  }
  return { history, intended, installed };
}

/**
 * Records `modules` as intended, in a statement of its own that commits before any of their
 * migrations runs: a run cut off half-way (killed, connection lost) leaves the intent behind, and
 * the next run (or `status`) sees the modules still to install.
 */
export async function recordIntended(conn: Kysely<unknown>, schema: string, modules: readonly string[]): Promise<void> {
  if (modules.length === 0) return;
  await sql`
    insert into ${table(schema, MODULES_TABLE)} (module)
    select unnest(${[...modules]}::text[]) on conflict do nothing`.execute(conn);
}

/** Records `module/name` as applied, and its module as installed. */
export async function recordApplied(
  conn: Kysely<unknown>,
  schema: string,
  entry: { module: string; name: string; checksum: string; durationMs: number },
): Promise<void> {
  await sql`
    insert into ${table(schema)} (module, name, checksum, duration_ms)
    values (${entry.module}, ${entry.name}, ${entry.checksum}, ${Math.round(entry.durationMs)})`.execute(conn);
  await sql`insert into ${table(schema, MODULES_TABLE)} (module) values (${entry.module}) on conflict do nothing`.execute(conn);
}

/**
 * Removes `module/name` from the history after its down ran. The module stays intended (the next
 * `migrate` applies it again: down then migrate is a round trip) unless `uninstall` is set: then a
 * module left with no applied migration leaves the intended set, in the same transaction.
 */
export async function recordReverted(conn: Kysely<unknown>, schema: string, module: string, name: string, uninstall = false): Promise<void> {
  await sql`delete from ${table(schema)} where module = ${module} and name = ${name}`.execute(conn);
  if (!uninstall) return;
  await sql`
    delete from ${table(schema, MODULES_TABLE)} m
    where m.module = ${module} and not exists (select 1 from ${table(schema)} h where h.module = m.module)`.execute(conn);
}
