/** The names prepared statements run under: derived from the text, renewed when the server no longer accepts one. */
import { sqlStateOf } from '../database-errors.js';
import { SchemaKitDatabaseError } from '../errors.js';

/** A statement name derived from its text (cyrb53): pg refuses one name for two texts. */
export function statementName(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `schema_kit_${(4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36)}`;
}

/** The current name of a statement text, shared by every PreparedSql of that text in the process. */
export interface StatementName {
  name: string;
  generation: number;
}

/** The current name of each statement text. */
export const names = new Map<string, StatementName>();

/** SQLSTATEs after which a named statement is prepared again: its plan went stale, or it is gone. */
export function isStaleStatement(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '0A000' || code === '26000';
}

/** Renames a stale statement (once per stale name, however many calls saw it fail). */
export function renew(entry: StatementName, base: string, staleName: string): void {
  if (entry.name !== staleName) return;
  entry.generation += 1;
  entry.name = `${base}_${entry.generation}`;
}

/** The error of a statement gone stale inside a transaction, which PostgreSQL aborted. */
export function staleInTransaction(error: unknown): SchemaKitDatabaseError {
  return new SchemaKitDatabaseError(
    'transaction_aborted',
    'A prepared statement of schema-kit no longer matched the table (a returned column changed type, or the statement was deallocated): ' +
      'the statement failed and PostgreSQL aborted the transaction; it was rolled back. Retry the transaction: it prepares the statement afresh.',
    sqlStateOf(error),
    error,
  );
}

