import { sql, type Kysely } from 'kysely';
import { quoteIdentifier } from './schema-name.js';

const CONCURRENT_INDEX = /^\s*create\s+(?:unique\s+)?index\s+concurrently\s+(?:if\s+not\s+exists\s+)?("(?:[^"]|"")+"|\w+)\s+on\s/i;

/** The name of the index a `CREATE [UNIQUE] INDEX CONCURRENTLY` statement builds, if it is one. */
export function concurrentIndexName(statement: string): string | undefined {
  const code = statement.replace(/^(?:\s*--[^\n]*\n)*/, '');
  const name = CONCURRENT_INDEX.exec(code)?.[1];
  if (name === undefined) return undefined;
  return name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name.toLowerCase();
}

/**
 * Before a concurrent build of `index` in `schema`: drops the index of that name if an earlier,
 * interrupted build left it INVALID (it would make `IF NOT EXISTS` skip the build, and it slows
 * every write while it exists). A valid index is left alone.
 */
export async function dropInvalidIndex(conn: Kysely<unknown>, schema: string, index: string): Promise<boolean> {
  const { rows } = await sql<{ invalid: boolean }>`
    select not x.indisvalid as invalid
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    join pg_catalog.pg_index x on x.indexrelid = c.oid
    where n.nspname = ${schema} and c.relname = ${index}`.execute(conn);
  if (!rows[0]?.invalid) return false;
  await sql.raw(`drop index concurrently if exists ${quoteIdentifier(schema)}.${quoteIdentifier(index)}`).execute(conn);
  return true;
}
