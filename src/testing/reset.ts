import { sql } from 'kysely';
import { SchemaKitError } from '../errors.js';
import { RUNNER_TABLES } from '../migrate/history.js';
import { DEFAULT_SCHEMA, quoteIdentifier, validateSchemaName } from '../migrate/schema-name.js';
import type { Executor } from '../repos/repo-context.js';

/** The rows a migration or a test database's `seed` wrote (e.g. the default roles), per table, as
 * JSON, restored by a reset. */
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
   * The host's own tables to empty in the same statement (`'orders'` or `'public.orders'`): one
   * with a foreign key to a schema-kit table must be, or the reset fails on its rows.
   */
  readonly alsoTruncate?: readonly string[];
}

/** A table of the schema, as a reset sees it. */
interface Table {
  readonly name: string;
  /** The tables of the schema it references (foreign keys to itself left out). */
  readonly parents: readonly string[];
  /** Its triggers that fire on DELETE (the append-only guards), with their pg_trigger.tgenabled:
   * `O` origin, `A` always, `R` replica. */
  readonly guards: readonly { readonly name: string; readonly enabled: string }[];
}

const ENABLE: Record<string, string> = { O: 'ENABLE', A: 'ENABLE ALWAYS', R: 'ENABLE REPLICA' };

/** The schema's tables (partitions and the runner's own tables left out), parents before the
 * tables that reference them. */
async function tablesOf(db: Executor, schema: string): Promise<Table[]> {
  const { rows } = await sql<Table>`
    select c.relname as name,
      coalesce((select json_agg(distinct p.relname) from pg_catalog.pg_constraint k join pg_catalog.pg_class p on p.oid = k.confrelid
        where k.conrelid = c.oid and k.contype = 'f' and k.confrelid <> c.oid and p.relnamespace = c.relnamespace and not p.relispartition), '[]') as parents,
      coalesce((select json_agg(json_build_object('name', t.tgname, 'enabled', t.tgenabled) order by t.tgname) from pg_catalog.pg_trigger t
        where t.tgrelid = c.oid and not t.tgisinternal and t.tgtype & 8 <> 0 and t.tgenabled <> 'D'), '[]') as guards
    from pg_catalog.pg_class c
    where c.relnamespace = ${quoteIdentifier(schema)}::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
      and c.relname <> all(${[...RUNNER_TABLES]}::text[])
    order by 1`.execute(db.withoutPlugins());
  const byName = new Map(rows.map((t) => [t.name, t]));
  const ordered: Table[] = [];
  const visiting = new Set<string>();
  const visit = (table: Table): void => {
    if (visiting.has(table.name)) return; // placed, or a cycle: its order is as good as any
    visiting.add(table.name);
    for (const parent of table.parents) {
      const found = byName.get(parent);
      if (found) visit(found);
    }
    ordered.push(table);
  };
  rows.forEach(visit);
  return ordered;
}

/**
 * Reads the rows in the schema's tables (the migrations' defaults, and what a seed wrote), so
 * {@link resetTables} can put them back. Call it right after migrating and seeding. Takes any
 * Kysely instance or transaction, typed with any database.
 */
export async function snapshotSeeds(db: Executor, options: ResetOptions = {}): Promise<SeedSnapshot> {
  const schema = validateSchemaName(options.schema ?? DEFAULT_SCHEMA);
  const tables = await tablesOf(db, schema);
  if (tables.length === 0) return new Map();
  const reads = tables.map(({ name }) => sql`select ${name} as name, (select json_agg(t)::text from ${sql.id(schema, name)} t) as rows`);
  const { rows } = await sql<{ name: string; rows: string | null }>`${sql.join(reads, sql` union all `)}`.execute(db.withoutPlugins());
  const byName = new Map(rows.map((r) => [r.name, r.rows]));
  // in the tables' order, parents first: the order rows are put back in
  const snapshot = new Map(tables.flatMap(({ name }) => (byName.get(name) ? [[name, byName.get(name)!] as const] : [])));
  scripts.set(snapshot, { schema, tables, byHost: new Map() });
  return snapshot;
}

/** The reset script of a snapshot, made once per list of host tables: a test database resets many times. */
const scripts = new WeakMap<SeedSnapshot, { schema: string; tables: readonly Table[]; byHost: Map<string, string> }>();

const literal = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/**
 * One PL/pgSQL block that resets the schema: a table is emptied only when it changed (it has rows,
 * or its rows differ from the snapshot's), and with it every table that references it; emptied
 * children first, then the snapshot's rows put back, parents first.
 */
function resetScript(schema: string, tables: readonly Table[], seeds: SeedSnapshot | undefined, host: readonly string[]): string {
  const q = (name: string) => `${quoteIdentifier(schema)}.${quoteIdentifier(name)}`;
  const index = new Map(tables.map((t, i) => [t.name, i]));
  const flag = (name: string) => `d${index.get(name)}`;
  const body: string[] = [];
  if (host.length > 0) body.push(`TRUNCATE ${host.map((name) => name.split('.').map(quoteIdentifier).join('.')).join(', ')};`);
  for (const { name, parents } of tables) {
    const rows = seeds?.get(name);
    const changed = rows === undefined ? `EXISTS (SELECT FROM ${q(name)})` : `(SELECT json_agg(t)::text FROM ${q(name)} t) IS DISTINCT FROM ${literal(rows)}`;
    // a table whose parent is emptied is emptied too: an ON DELETE CASCADE would empty it anyway
    body.push(`${flag(name)} := ${[changed, ...parents.filter((p) => index.has(p)).map(flag)].join(' OR ')};`);
  }
  for (const { name, guards } of [...tables].reverse()) {
    const on = q(name);
    body.push(
      `IF ${flag(name)} THEN`,
      ...guards.map((g) => `ALTER TABLE ${on} DISABLE TRIGGER ${quoteIdentifier(g.name)};`),
      `DELETE FROM ${on};`,
      ...guards.map((g) => `ALTER TABLE ${on} ${ENABLE[g.enabled]} TRIGGER ${quoteIdentifier(g.name)};`),
      'END IF;',
    );
  }
  for (const { name } of tables) {
    const rows = seeds?.get(name);
    if (rows === undefined) continue;
    body.push(
      `IF ${flag(name)} THEN INSERT INTO ${q(name)} OVERRIDING SYSTEM VALUE SELECT * FROM json_populate_recordset(NULL::${q(name)}, ${literal(rows)}::json); END IF;`,
    );
  }
  const text = `DECLARE ${tables.map((t) => `${flag(t.name)} boolean;`).join(' ')}\nBEGIN\n${body.join('\n')}\nEND`;
  let tag = '$schema_kit_reset$';
  for (let n = 0; text.includes(tag); n += 1) tag = `$schema_kit_reset_${n}$`;
  return `DO ${tag}${text}${tag}`;
}

/**
 * Empties every table schema-kit installed in the schema (the runner's own tables excepted),
 * append-only logs included, and puts the seeded rows back, in one statement: a table that did
 * not change since the snapshot (still empty, or still holding exactly its seeded rows) is left
 * alone, so a reset costs little more than the tables a test wrote. Takes any Kysely instance or
 * transaction, typed with any database.
 *
 * The append-only logs refuse DELETE through a trigger that `session_replication_role` cannot
 * switch off. This path disables those triggers with `ALTER TABLE ... DISABLE TRIGGER`, empties
 * the log, and enables them again in the mode they had, all in that one statement: other sessions
 * never see a log unprotected (ALTER TABLE holds an ACCESS EXCLUSIVE lock until commit), and only
 * the owner of the tables (or a superuser) may run ALTER TABLE, so a runtime role, which has no
 * ownership, gets a permission error and nothing is emptied. Meant for test databases.
 * A host table with a foreign key to a schema-kit table must be emptied with it: name it in
 * `alsoTruncate`.
 */
export async function resetTables(db: Executor, options: ResetTablesOptions = {}): Promise<void> {
  const schema = validateSchemaName(options.schema ?? DEFAULT_SCHEMA);
  const host = options.alsoTruncate ?? [];
  try {
    const cached = options.seeds && scripts.get(options.seeds);
    let script: string;
    if (cached && cached.schema === schema) {
      const key = JSON.stringify(host);
      script = cached.byHost.get(key) ?? resetScript(schema, cached.tables, options.seeds, host);
      cached.byHost.set(key, script);
    } else {
      const tables = await tablesOf(db, schema);
      if (tables.length === 0) return;
      script = resetScript(schema, tables, options.seeds, host);
    }
    await sql.raw(script).execute(db.withoutPlugins());
  } catch (error) {
    throw new SchemaKitError('reset_failed', `Resetting the tables of schema "${schema}" failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
