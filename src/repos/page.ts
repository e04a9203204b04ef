/** One keyset page of a listing: its items and the cursor of the next page, or null at the end. */
export interface Page<T> {
  readonly items: T[];
  /** Pass as `after` to read the next page; `null` when this is the last one. */
  readonly next: string | null;
}

/** Options of every listing: `after` (a previous page's `next`) and `limit` (1-1000, default 50). */
export interface PageOptions {
  readonly after?: string;
  readonly limit?: number;
}

/** Builds a page from `limit + 1` fetched rows: the extra row only says that a next page exists. */
export function toPage<T>(rows: T[], limit: number, cursorOf: (row: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, next: rows.length > limit && last ? cursorOf(last) : null };
}
