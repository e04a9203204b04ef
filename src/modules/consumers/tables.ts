/** Tables of the `consumers` module: `consumer_checkpoints`. */
import type { Selectable } from 'kysely';
import type { Generated, Int8, Timestamp } from '../../schema/column-types.js';
import type { ConsumerMode } from './values.js';

/** `consumer_checkpoints`: one row per durable feed consumer ({@link FeedConsumer}). */
export interface ConsumerCheckpointsTable {
  /** The consumer's name: 1 to 128 characters. */
  name: string;
  /** The `tx_id` of the last event handled (`xid8`, as text); `'0'` before the first. */
  position_tx: Generated<string>;
  /** The `id` of the last event handled (`bigint`, as text); `'0'` before the first. */
  position_id: Generated<Int8>;
  /** Failed attempts at the event the consumer stands at; 0 after a committed batch. */
  attempts: Generated<number>;
  /** The last failure's message (at most 2,000 characters), cleared by a committed batch. */
  last_error: string | null;
  /** How the active runner wakes up: `'listen'` (LISTEN/NOTIFY) or `'poll'`. */
  mode: Generated<ConsumerMode>;
  /** The active runner's id while it holds the lease. */
  owner: string | null;
  /** When the active runner's lease ends unless renewed. */
  lease_until: Timestamp | null;
  /** When the active runner last renewed its lease. */
  heartbeat_at: Timestamp | null;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
}

/** A row of `consumer_checkpoints`. */
export type ConsumerCheckpoint = Selectable<ConsumerCheckpointsTable>;
