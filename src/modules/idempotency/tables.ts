/** Tables of the `idempotency` module: `processed_messages`. */
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Generated, Json, Timestamp } from '../../schema/column-types.js';

/** `processed_messages`: the messages a consumer has handled, keyed by (consumer, message_id). */
export interface ProcessedMessagesTable {
  /** 1 to 128 characters; defaults to `'default'`. */
  consumer: Generated<string>;
  /** 1 to 512 characters. */
  message_id: string;
  processed_at: Generated<Timestamp>;
  /** The handler's kept result, if any. */
  result: Json | null;
}

/** A row of `processed_messages`. */
export type ProcessedMessage = Selectable<ProcessedMessagesTable>;
/** A new row for `processed_messages`. */
export type NewProcessedMessage = Insertable<ProcessedMessagesTable>;
/** A change to a row of `processed_messages`. */
export type ProcessedMessageUpdate = Updateable<ProcessedMessagesTable>;
