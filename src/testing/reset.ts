import { sql, type Kysely } from 'kysely';
import { SchemaKitError } from '../errors.js';
import { RUNNER_TABLES } from '../migrate/history.js';
import { DEFAULT_SCHEMA, quoteIdentifier, validateSchemaName } from '../migrate/schema-name.js';

/** The rows a migration seeded (e.g. the default roles), per table, as JSON, restored by a reset. */
export type SeedSnapshot = ReadonlyMap<string, string>;

/** Options of {@link resetTables} and {@link snapshotSeeds}. */
export interface ResetOptions {
  /** The schema schema-kit was installed into. Default `'schema_kit'`. */
  readonly schema?: string;
}

/** Options of {@link resetTables}. */
export interface ResetTablesOptions extends ResetOptions {
  /** The seeded rows to put back (from {@link snapshotSeeds}); default: none, every table is left empty. */
  readonly seeds?: SeedSnapshot;
  /**
   * The host's own tables to empty in the same TRUNCATE (`'orders'` or `'public.orders'`): one with
   * a foreign key to a schema-kit table must be, as PostgreSQL refuses to truncate a referenced
   * table alone.
   */
  readonly alsoTruncate?: readonly string[];
}

interface Trigger {
  readonly table: string;
  readonly name: string;
  /** pg_trigger.tgenabled: `O` origin, `A` always, `R` replica, `D` disabled. */
  readonly enabled: string;
}

const ENABLE: Record<string, string> = { O: 'ENABLE', A: 'ENABLE ALWAYS', R: 'ENABLE REPLICA' };

async function tablesOf(db: Kysely<unknown>, schema: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select c.relname as name from pg_catalog.pg_class c
    where c.relnamespace = ${quoteIdentifier(schema)}::regnamespace and c.relkind in ('r', 'p') and c.relname <> all(${[...RUNNER_TABLES]}::text[])
    order by 1`.execute(db);
  return rows.map((r) => r.name);
}

/**
 * Reads the rows the migrations seeded into the schema's tables (the default roles, and any other
 * lookup rows), so {@link resetTables} can put them back. Call it right after migrating.
 */
export async function snapshotSeeds(db: Kysely<unknown>, options: ResetOptions = {}): Promise<SeedSnapshot> {
  const schema = validateSchemaName(options.schema ?? DEFAULT_SCHEMA);
  const tables = await tablesOf(db, schema);
  if (tables.length === 0) return new Map();
  const reads = tables.map((name) => sql`select ${name} as name, (select json_agg(t)::text from ${sql.id(schema, name)} t) as rows`);
  const { rows } = await sql<{ name: string; rows: string | null }>`${sql.join(reads, sql` union all `)}`.execute(db);
  return new Map(rows.filter((r) => r.rows !== null).map((r) => [r.name, r.rows!]));
}

/**
 * Empties every table schema-kit installed in the schema (the runner's own tables excepted),
 * append-only logs included, and puts the seeded rows back, in one transaction.
 *
 * The append-only logs refuse TRUNCATE through a trigger that `session_replication_role` cannot
 * switch off. This path disables those triggers with `ALTER TABLE ... DISABLE TRIGGER`, truncates,
 * and enables them again in the mode they had, all in that one transaction: other sessions never
 * see a log unprotected (ALTER TABLE holds an ACCESS EXCLUSIVE lock until commit), and only the
 * owner of the tables (or a superuser) may run ALTER TABLE, so a runtime role, which has no
 * ownership, gets a permission error and nothing is emptied. Meant for test databases.
 * A host table with a foreign key to a schema-kit table must be emptied with it: name it in
 * `alsoTruncate`.
 */
export async function resetTables(db: Kysely<unknown>, options: ResetTablesOptions = {}): Promise<void> {
  const schema = validateSchemaName(options.schema ?? DEFAULT_SCHEMA);
  const plain = db.withoutPlugins();
  try {
    await plain.transaction().execute(async (trx) => {
      const tables = await tablesOf(trx, schema);
      if (tables.length === 0) return;
      // user triggers that fire on TRUNCATE (tgtype bit 5): the append-only guards
      const { rows: triggers } = await sql<Trigger>`
        select c.relname as "table", t.tgname as name, t.tgenabled as enabled
        from pg_catalog.pg_trigger t join pg_catalog.pg_class c on c.oid = t.tgrelid
        where c.relnamespace = ${quoteIdentifier(schema)}::regnamespace and not t.tgisinternal
          and t.tgtype & 32 <> 0 and t.tgenabled <> 'D'`.execute(trx);
      const on = (trigger: Trigger) => `${quoteIdentifier(schema)}.${quoteIdentifier(trigger.table)}`;
      for (const trigger of triggers) {
        await sql.raw(`ALTER TABLE ${on(trigger)} DISABLE TRIGGER ${quoteIdentifier(trigger.name)}`).execute(trx);
      }
      const host = (options.alsoTruncate ?? []).map((name) => sql.id(...name.split('.')));
      await sql`truncate ${sql.join([...tables.map((name) => sql.id(schema, name)), ...host])}`.execute(trx);
      for (const trigger of triggers) {
        await sql.raw(`ALTER TABLE ${on(trigger)} ${ENABLE[trigger.enabled]} TRIGGER ${quoteIdentifier(trigger.name)}`).execute(trx);
      }
      for (const [name, rows] of options.seeds ?? []) {
        const target = sql.id(schema, name);
        await sql`insert into ${target} overriding system value
          select * from json_populate_recordset(null::${target}, ${rows}::json)`.execute(trx);
      }
    });
  } catch (error) {
    throw new SchemaKitError('reset_failed', `Resetting the tables of schema "${schema}" failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
