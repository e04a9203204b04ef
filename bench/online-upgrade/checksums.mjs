// The data check of the upgrade bench: per 0.1.0 table, a count and an md5 of its rows over its
// 0.1.0 columns, before and after the upgrade, the rows the writers added left out.
import { WRITER_MARK } from './writers.mjs';

/** Every table of `schema` (its partitions and the runner's history aside) with its columns and primary key. */
export async function tablesOf(pool, schema) {
  const { rows } = await pool.query(
    `select c.relname as table,
            (select array_agg(a.attname::text order by a.attnum) from pg_attribute a
              where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped) as columns,
            (select array_agg(a.attname::text order by k.ord) from pg_index i
               cross join unnest(i.indkey) with ordinality k(attnum, ord)
               join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
              where i.indrelid = c.oid and i.indisprimary) as key
       from pg_class c
      where c.relnamespace = $1::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
        and c.relname <> 'schema_kit_migrations'
      order by 1`,
    [schema],
  );
  return rows;
}

/** The rows of the 0.1.0 host: the writers' rows and whatever came after `maxIds` left out. */
function oldRows({ table, where: only }, maxIds) {
  const conditions = {
    messages: `content not like '${WRITER_MARK.messagePrefix}%'`,
    event_log: `action <> '${WRITER_MARK.eventAction}'`,
    processed_messages: `consumer <> '${WRITER_MARK.consumer}'`,
  };
  const where = [conditions[table], maxIds[table] !== undefined ? `id <= ${maxIds[table]}` : undefined, only].filter(Boolean);
  return where.length ? `where ${where.join(' and ')}` : '';
}

/**
 * Per table, over `tables`' columns: the count and an md5 of the rows ordered by their primary
 * key (the goal's checksum), and per column an order-free sum of hashes (which says which columns
 * changed when the md5 differs). One scan in key order: the aggregate keeps its input's order.
 */
export async function checksums(pool, schema, tables, maxIds) {
  const S = `"${schema}"`;
  const sums = {};
  for (const part of tables) {
    const { table, columns, key } = part;
    const list = columns.map((c) => `"${c}"`).join(', ');
    const order = (key ?? columns).map((c) => `"${c}"`).join(', ');
    const query = pool.query(
      `select count(*)::int as rows, md5(coalesce(string_agg(h, ''), '')) as md5, ${columns.map((_, i) => `coalesce(sum(c${i}), 0)::text as c${i}`).join(', ')}
         from (select md5(row(${list})::text) as h, ${columns.map((c, i) => `hashtextextended("${c}"::text, ${i})::numeric as c${i}`).join(', ')}
                 from ${S}."${table}" ${oldRows(part, maxIds)} order by ${order}) as ordered`,
    );
    // a 0.1.0 column or table the upgrade dropped: the table changed
    const rows = await query.then((r) => r.rows, (error) => [{ rows: null, md5: `unreadable: ${error.message}` }]);
    const { rows: count, md5, ...byColumn } = rows[0];
    sums[part.label ?? table] = { rows: count, md5, columns: Object.fromEntries(columns.map((c, i) => [c, byColumn[`c${i}`]])) };
  }
  return sums;
}
