import { sql, type Kysely } from 'kysely';
import type { Migration } from './migration-source.js';
import type { DownImpact } from './options.js';
import { quoteIdentifier } from './schema-name.js';

/**
 * What reverting `migrations` would drop in `schema`: each of their tables that exists, with its
 * row count, and every object outside the schema that depends on one of them (a foreign key of a
 * host table, a view), which would make the down fail half-way.
 */
export async function inspectDown(conn: Kysely<unknown>, schema: string, migrations: readonly Migration[]): Promise<DownImpact> {
  const names = migrations.flatMap((m) => m.tables);
  if (names.length === 0) return { tables: [], dependents: [] };
  const { rows: existing } = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${schema} and c.relname = any(${names}::text[]) and c.relkind in ('r', 'p')`.execute(conn);
  const found = new Set(existing.map((r) => r.name));
  const tables = [];
  for (const table of names.filter((name) => found.has(name))) {
    const { rows } = await sql<{ count: string }>`
      select count(*) as count from ${sql.raw(`${quoteIdentifier(schema)}.${quoteIdentifier(table)}`)}`.execute(conn);
    tables.push({ table, rows: Number(rows[0]?.count ?? 0) });
  }
  const { rows: dependents } = await sql<{ object: string; table: string }>`
    select distinct pg_describe_object(d.classid, d.objid, d.objsubid) as object, ref.relname as table
    from pg_depend d
    join pg_class ref on ref.oid = d.refobjid and d.refclassid = 'pg_class'::regclass
    join pg_namespace rn on rn.oid = ref.relnamespace
    left join pg_constraint con on d.classid = 'pg_constraint'::regclass and con.oid = d.objid
    left join pg_class con_table on con_table.oid = con.conrelid
    left join pg_rewrite rw on d.classid = 'pg_rewrite'::regclass and rw.oid = d.objid
    left join pg_class view on view.oid = rw.ev_class
    where rn.nspname = ${schema} and ref.relname = any(${names}::text[]) and d.deptype = 'n'
      and coalesce(con_table.relnamespace, view.relnamespace) is distinct from ref.relnamespace
      and (con.oid is not null or (rw.oid is not null and view.oid <> ref.oid))
    order by 2, 1`.execute(conn);
  return { tables, dependents };
}

/** The lines that describe `impact` to a person deciding whether to go ahead. */
export function describeImpact(impact: DownImpact): string[] {
  return [
    ...impact.tables.map((t) => `  drops table ${t.table} (${t.rows} row${t.rows === 1 ? '' : 's'})`),
    ...impact.dependents.map((d) => `  blocked by ${d.object}, outside the schema, which depends on ${d.table}`),
  ];
}
