import { z } from 'zod';

/** Where a keyset page ends: the last row's sort key (as text that casts back exactly) and id. */
export interface Cursor {
  readonly key: string;
  readonly id: string;
}

/** What a malformed cursor is told. */
export const CURSOR_MESSAGE = 'must be a cursor returned as `next` by a previous page';

/** The opaque text of a cursor: base64url of `[key, id]`. */
export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.key, cursor.id])).toString('base64url');
}

/** The cursor `text` encodes, or undefined when it is not one. */
function decodeCursor(text: string): Cursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [key, id] = value as unknown[];
    if (typeof key !== 'string' || typeof id !== 'string' || !/^[0-9a-f-]{1,36}$/i.test(id) || key.includes('\u0000')) return undefined;
    return { key, id };
  } catch {
    return undefined;
  }
}

/** An opaque keyset cursor, as a previous page returned it in `next`; parsed to its key and id. */
export const keysetCursor = z
  .string()
  .max(2048, CURSOR_MESSAGE)
  .regex(/^[A-Za-z0-9_-]+$/, CURSOR_MESSAGE)
  .transform((text, ctx) => {
    const cursor = decodeCursor(text);
    if (!cursor) {
      ctx.addIssue({ code: 'custom', message: CURSOR_MESSAGE });
      return z.NEVER;
    }
    return cursor;
  });
