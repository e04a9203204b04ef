import { sql, type SelectQueryBuilder } from 'kysely';
import { toPage, type Page } from './page.js';
import { PreparedSql } from './prepared.js';
import { runPrepared, type RepoContext } from './repo-context.js';

/** How a keyset page is ordered: by `column`, then `id`, both `order`. */
export interface KeysetOrder {
  readonly table: string;
  readonly column: string;
  readonly order: 'asc' | 'desc';
}

/**
 * Stands for the call's value of `name` while a listing's query is built: the query compiles it
 * as a parameter, and each call binds its own value there.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a placeholder stands for a value of any column's type
export type Placeholder = (name: string) => any;

/** Builds a listing's filtered query from placeholders; `has(name)` says whether the call gives that value. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the builder's database and table types are the listing's own
export type ListingQuery<O> = (value: Placeholder, has: (name: string) => boolean) => SelectQueryBuilder<any, any, O>;

/** One compiled shape: its statement, and where each parameter comes from (a value's name, or a constant). */
interface Shape {
  readonly statement: PreparedSql;
  readonly sources: readonly ({ readonly name: string } | { readonly constant: unknown })[];
}

// a parameter value no caller passes: it marks where a placeholder's value goes
const MARK = '\u0000schema-kit:';

/**
 * A keyset listing ordered by (`column`, id), whose SQL is compiled once per shape (which optional
 * filters the call gives, with or without a cursor) and then run as prepared SQL, instead of
 * building, transforming and compiling a query on every call. The cursor is the last row's id;
 * its exact `column` value is read back from the row itself with a subquery on the id (a JS Date
 * would lose the microseconds of a timestamptz).
 */
export class KeysetListing<O extends { id: string }> {
  readonly #ctx: RepoContext;
  readonly #order: KeysetOrder;
  readonly #query: ListingQuery<O>;
  readonly #shapes = new Map<string, Shape>();

  /** A listing of `ctx`'s table in `order`, filtered by `query`. */
  constructor(ctx: RepoContext, order: KeysetOrder, query: ListingQuery<O>) {
    this.#ctx = ctx;
    this.#order = order;
    this.#query = query;
  }

  /** One page: `values` fill the filter's placeholders (an undefined value leaves its filter out). */
  async page(values: Readonly<Record<string, unknown>>, { after, limit }: { after?: string | undefined; limit: number }): Promise<Page<O>> {
    const given: Readonly<Record<string, unknown>> = { ...values, after, limit: limit + 1 };
    const shape = this.#shape(given);
    const parameters = shape.sources.map((source) => ('name' in source ? given[source.name] : source.constant));
    const rows = await runPrepared<O>(this.#ctx, shape.statement, parameters);
    return toPage(rows, limit, (row) => row.id);
  }

  #shape(given: Readonly<Record<string, unknown>>): Shape {
    const key = Object.keys(given)
      .filter((name) => given[name] !== undefined)
      .join(',');
    let shape = this.#shapes.get(key);
    if (!shape) {
      shape = this.#compile((name) => given[name] !== undefined);
      this.#shapes.set(key, shape);
    }
    return shape;
  }

  #compile(has: (name: string) => boolean): Shape {
    const { table, column, order } = this.#order;
    const value: Placeholder = (name) => `${MARK}${name}`;
    let query = this.#query(value, has);
    if (has('after')) {
      const past = order === 'asc' ? sql`>` : sql`<`;
      query = query.where(
        sql<boolean>`(${sql.ref(column)}, ${sql.ref('id')}) ${past} (select c.${sql.ref(column)}, c.id from ${sql.id(this.#ctx.schema, table)} as c where c.id = ${value('after')})`,
      );
    }
    const compiled = query.orderBy(sql.ref(column), order).orderBy(sql.ref('id'), order).limit(value('limit')).compile();
    const sources = compiled.parameters.map((p) => (typeof p === 'string' && p.startsWith(MARK) ? { name: p.slice(MARK.length) } : { constant: p }));
    return { statement: new PreparedSql(compiled.sql), sources };
  }
}
