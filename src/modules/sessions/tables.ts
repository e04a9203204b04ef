/** Tables of the `sessions` module: `sessions`. */
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Generated, Json, Timestamp } from '../../schema/column-types.js';

/** `sessions`: a bot's session values by key, each with an optional expiry. */
export interface SessionsTable {
  /** 1 to 512 characters: the framework's session key, with the host's prefix. */
  key: string;
  /** The session's JSON value. */
  value: Json;
  /** When the session expires (read as absent from then on, deleted by pruning); null: never. */
  expires_at: Timestamp | null;
  updated_at: Generated<Timestamp>;
}

/** A row of `sessions`. */
export type Session = Selectable<SessionsTable>;
/** A new row for `sessions`. */
export type NewSession = Insertable<SessionsTable>;
/** A change to a row of `sessions`. */
export type SessionUpdate = Updateable<SessionsTable>;
