import { sql, type SelectQueryBuilder } from 'kysely';
import { SchemaKitValidationError } from '../errors.js';
import { sqlStateOf } from '../database-errors.js';
import { CURSOR_MESSAGE, encodeCursor, type Cursor } from './cursor.js';
import { toPage, type Page } from './page.js';
import { run } from './repo-context.js';

/** How a keyset page is ordered: by `column`, then `id`, both `order`. */
export interface KeysetOrder {
  readonly column: string;
  readonly order: 'asc' | 'desc';
  /** The column alone orders the listing's rows (it is unique within the listing): no `id` tie-break. */
  readonly unique?: boolean;
}

/** The sort key of a row as text that casts back to the exact value (`to_jsonb` renders a
 * timestamptz in ISO 8601 with its microseconds and offset, whatever the session's DateStyle). */
const KEY = '__schema_kit_cursor_key';

/**
 * Reads one keyset page of `query` ordered by (`column`, id). The cursor carries the last row's
 * sort key and id themselves, so the next page continues after it even when that row has since
 * been removed. The cursor's values reach SQL as parameters typed by the columns they are
 * compared with; one that does not cast is a {@link SchemaKitValidationError} on `options.after`.
 */
export async function keysetPage<DB, TB extends keyof DB, O extends { id: string }>(
  query: SelectQueryBuilder<DB, TB, O>,
  { column, order, unique = false }: KeysetOrder,
  { after, limit }: { after?: Cursor | undefined; limit: number },
): Promise<Page<O>> {
  let q = query.select(sql<string>`to_jsonb(${sql.ref(column)}) #>> '{}'`.as(KEY)) as unknown as SelectQueryBuilder<DB, TB, O & { [KEY]: string }>;
  if (after) {
    const past = order === 'asc' ? sql`>` : sql`<`;
    q = q.where(unique ? sql<boolean>`${sql.ref(column)} ${past} ${after.key}` : sql<boolean>`(${sql.ref(column)}, ${sql.ref('id')}) ${past} (${after.key}, ${after.id})`);
  }
  q = q.orderBy(sql.ref(column), order);
  if (!unique) q = q.orderBy(sql.ref('id'), order);
  const rows = await run(q.limit(limit + 1).execute()).catch((error: unknown) => {
    // the cursor's key and id are the only values of this query not validated by type: a data
    // exception (22xxx) means they do not cast to the listing's columns
    if (after && /^22/.test(sqlStateOf(error) ?? '')) throw new SchemaKitValidationError('options.after', CURSOR_MESSAGE);
    throw error;
  });
  const page = toPage(rows, limit, (row) => encodeCursor({ key: row[KEY], id: row.id }));
  return { items: page.items.map(({ [KEY]: _key, ...item }) => item as unknown as O), next: page.next };
}
