import { sql, type SelectQueryBuilder } from 'kysely';
import { toPage, type Page } from './page.js';
import { run, type RepoContext } from './repo-context.js';

/** How a keyset page is ordered: by `column`, then `id`, both `order`. */
export interface KeysetOrder {
  readonly table: string;
  readonly column: string;
  readonly order: 'asc' | 'desc';
}

/**
 * Reads one keyset page of `query` ordered by (`column`, id): the cursor is the last row's id, and
 * its exact `column` value is read back from the row itself with a subquery on the id (a JS Date
 * would lose the microseconds of a timestamptz).
 */
export async function keysetPage<DB, TB extends keyof DB, O extends { id: string }>(
  ctx: RepoContext,
  query: SelectQueryBuilder<DB, TB, O>,
  { table, column, order }: KeysetOrder,
  { after, limit }: { after?: string | undefined; limit: number },
): Promise<Page<O>> {
  let q = query;
  if (after) {
    const past = order === 'asc' ? sql`>` : sql`<`;
    q = q.where(sql<boolean>`(${sql.ref(column)}, ${sql.ref('id')}) ${past} (select c.${sql.ref(column)}, c.id from ${sql.id(ctx.schema, table)} as c where c.id = ${after})`);
  }
  const rows = await run(q.orderBy(sql.ref(column), order).orderBy(sql.ref('id'), order).limit(limit + 1).execute());
  return toPage(rows, limit, (row) => row.id);
}
