import type { Kysely } from 'kysely';
import type { Database } from '../schema/database.js';

/** An opened test database, before its seeds are read. */
export interface Opened {
  readonly db: Kysely<Database>;
  readonly url: string | undefined;
  close(): Promise<void>;
}
