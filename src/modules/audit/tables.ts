/** Tables of the `audit` module: `event_log`. */
import type { Insertable, Selectable } from 'kysely';
import type { Generated, GeneratedAlways, Int8, Json, Timestamp } from '../../schema/column-types.js';

/** `event_log`: the audit trail, append-only (the database rejects UPDATE, DELETE and TRUNCATE). */
export interface EventLogTable {
  id: GeneratedAlways<Int8>;
  /**
   * The acting user as text (a `users.id`, or any actor such as `'tg:42'`); null for system
   * events. Text, not uuid: join it to `users.id` cast to text, `eb(eb.cast('u.id', 'text'), '=',
   * eb.ref('e.user_id'))` (docs/schema.md, "Joining the logs to users"); `u.id = e.user_id` fails
   * in PostgreSQL (uuid = text).
   */
  user_id: string | null;
  action: string;
  entity_type: string;
  /** Text, so uuid and integer entity ids both fit. */
  entity_id: string;
  /** When the event happened; defaults to now(). */
  timestamp: Generated<Timestamp>;
  /** A JSON object; defaults to `{}`. */
  details: Generated<Json>;
  /** When the row was written. */
  created_at: Generated<Timestamp>;
  /** The writing transaction (`xid8`, read as a string); leave it to its default. */
  tx_id: Generated<string>;
}

/** `event_log_personal_fields`: the JSON fields of event details that carry personal data, per action (`'*'`: all). */
export interface EventLogPersonalFieldsTable {
  action: string;
  /** The path in `details`, e.g. `['customer', 'email']`. */
  path: string[];
}

/** A row of `event_log`. */
export type EventLogEntry = Selectable<EventLogTable>;
/** A new row for `event_log` (rows are never updated). */
export type NewEventLogEntry = Insertable<EventLogTable>;
