import { sql, type Kysely } from 'kysely';
import { quoteIdentifier } from './schema-name.js';

/** The table, inside the target schema, that records each applied migration. */
export const HISTORY_TABLE = 'schema_kit_migrations';

/** One applied migration as recorded in the history table. */
export interface AppliedMigration {
  readonly id: string;
  readonly module: string;
  readonly name: string;
  readonly checksum: string;
  readonly appliedAt: Date;
}

function table(schema: string) {
  return sql.raw(`${quoteIdentifier(schema)}.${HISTORY_TABLE}`);
}

/** Creates the target schema and its history table when they do not exist yet. */
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
}

/** Every applied migration in the order it was applied; empty when nothing was ever installed. */
export async function readHistory(conn: Kysely<unknown>, schema: string): Promise<AppliedMigration[]> {
  const { rows: exists } = await sql<{ found: boolean }>`
    select to_regclass(${`${quoteIdentifier(schema)}.${HISTORY_TABLE}`}) is not null as found`.execute(conn);
  if (!exists[0]?.found) return [];
  const { rows } = await sql<{ id: string; module: string; name: string; checksum: string; applied_at: Date }>`
    select id, module, name, checksum, applied_at from ${table(schema)} order by id`.execute(conn);
  return rows.map((r) => ({ id: String(r.id), module: r.module, name: r.name, checksum: r.checksum, appliedAt: r.applied_at }));
}

/** Records `module/name` as applied. */
export async function recordApplied(
  conn: Kysely<unknown>,
  schema: string,
  entry: { module: string; name: string; checksum: string; durationMs: number },
): Promise<void> {
  await sql`
    insert into ${table(schema)} (module, name, checksum, duration_ms)
    values (${entry.module}, ${entry.name}, ${entry.checksum}, ${Math.round(entry.durationMs)})`.execute(conn);
}

/** Removes `module/name` from the history after its down ran. */
export async function recordReverted(conn: Kysely<unknown>, schema: string, module: string, name: string): Promise<void> {
  await sql`delete from ${table(schema)} where module = ${module} and name = ${name}`.execute(conn);
}
