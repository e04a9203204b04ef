import { sql, type SelectQueryBuilder } from 'kysely';
import { SchemaKitValidationError } from '../errors.js';
import { sqlStateOf } from '../database-errors.js';
import { CURSOR_MESSAGE, encodeCursor, type Cursor } from './cursor.js';
import { toPage, type Page } from './page.js';
import { PreparedSql } from './prepared.js';
import { runPrepared } from './prepared.js';
import { type RepoContext } from './repo-context.js';

/** How a keyset page is ordered: by `column`, then `id`, both `order`. */
export interface KeysetOrder {
  readonly column: string;
  readonly order: 'asc' | 'desc';
  /** The column alone orders the listing's rows (it is unique within the listing): no `id` tie-break. */
  readonly unique?: boolean;
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

/** The sort key of a row as text that casts back to the exact value (`to_jsonb` renders a
 * timestamptz in ISO 8601 with its microseconds and offset, whatever the session's DateStyle). */
const KEY = '__schema_kit_cursor_key';

/**
 * A keyset listing ordered by (`column`, id), whose SQL is compiled once per shape (which optional
 * filters the call gives, with or without a cursor) and then run as prepared SQL, instead of
 * building, transforming and compiling a query on every call. The cursor carries the last row's
 * sort key and id themselves, so the next page continues after it even when that row has since
 * been removed. Its values reach SQL as parameters typed by the columns they are compared with;
 * one that does not cast is a {@link SchemaKitValidationError} on `options.after`.
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
  async page(values: Readonly<Record<string, unknown>>, { after, limit }: { after?: Cursor | undefined; limit: number }): Promise<Page<O>> {
    const given: Readonly<Record<string, unknown>> = { ...values, after_key: after?.key, after_id: after?.id, limit: limit + 1 };
    const shape = this.#shape(given);
    const parameters = shape.sources.map((source) => ('name' in source ? given[source.name] : source.constant));
    const rows = await runPrepared<O & { [KEY]: string }>(this.#ctx, shape.statement, parameters).catch((error: unknown) => {
      // the cursor's key and id are the only values of this query not validated by type: a data
      // exception (22xxx) means they do not cast to the listing's columns
      if (after && /^22/.test(sqlStateOf(error) ?? '')) throw new SchemaKitValidationError('options.after', CURSOR_MESSAGE);
      throw error;
    });
    const page = toPage(rows, limit, (row) => encodeCursor({ key: row[KEY], id: row.id }));
    return { items: page.items.map(({ [KEY]: _key, ...item }) => item as unknown as O), next: page.next };
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
    const { column, order, unique = false } = this.#order;
    const value: Placeholder = (name) => `${MARK}${name}`;
    let query = this.#query(value, has).select(sql<string>`to_jsonb(${sql.ref(column)}) #>> '{}'`.as(KEY));
    if (has('after_key')) {
      const past = order === 'asc' ? sql`>` : sql`<`;
      query = query.where(
        unique
          ? sql<boolean>`${sql.ref(column)} ${past} ${value('after_key')}`
          : sql<boolean>`(${sql.ref(column)}, ${sql.ref('id')}) ${past} (${value('after_key')}, ${value('after_id')})`,
      );
    }
    query = query.orderBy(sql.ref(column), order);
    if (!unique) query = query.orderBy(sql.ref('id'), order);
    const compiled = query.limit(value('limit')).compile();
    const sources = compiled.parameters.map((p) => (typeof p === 'string' && p.startsWith(MARK) ? { name: p.slice(MARK.length) } : { constant: p }));
    return { statement: new PreparedSql(compiled.sql), sources };
  }
}
