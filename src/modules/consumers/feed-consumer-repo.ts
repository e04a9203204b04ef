import { repoContext, type Executor, type RepoContext, type RepoOptions } from '../../repos/repo-context.js';
import { runPrepared, type PreparedSql } from '../../repos/prepared.js';
import { parseInput } from '../../validation/parse.js';
import { statusSql, type StatusRow } from './status-sql.js';
import { consumerNameSchema } from './validation.js';
import type { ConsumerMode } from './values.js';

/** Where a feed consumer stands: one entry of {@link FeedConsumerRepo.status}. */
export interface ConsumerStatus {
  /** The consumer's name. */
  readonly name: string;
  /** The position of the last event it handled (`'0:0'`: none yet). */
  readonly position: string;
  /** Events in the feed after its position (filtered-out ones included). */
  readonly eventsBehind: number;
  /** Age of the oldest event after its position, in seconds; 0 when caught up. */
  readonly secondsBehind: number;
  /** How its active runner wakes up (the last runner's, when none is active). */
  readonly mode: ConsumerMode;
  /** The last failure at its current event, if any. */
  readonly lastError: string | null;
  /** Failed attempts at its current event. */
  readonly attempts: number;
  /** Whether a runner holds its lease now. */
  readonly active: boolean;
  /** When its runner last renewed the lease. */
  readonly heartbeatAt: Date | null;
}

/**
 * Reads the checkpoints of the durable feed consumers ({@link FeedConsumer}): where each stands,
 * how far behind the end of the feed, how it wakes up, its last error, and whether a runner is
 * active. The CLI's `schema-kit consumers` prints it.
 *
 * ### Examples
 * ```ts
 * for (const c of await new FeedConsumerRepo(db).status()) console.log(c.name, c.eventsBehind, c.active);
 * ```
 */
export class FeedConsumerRepo {
  readonly #ctx: RepoContext;
  readonly #all: PreparedSql;
  readonly #one: PreparedSql;

  /** Wraps the host's Kysely instance or transaction; `options.schema` defaults to `'schema_kit'`. */
  constructor(db: Executor, options?: RepoOptions) {
    this.#ctx = repoContext(db, options);
    this.#all = statusSql(this.#ctx, false);
    this.#one = statusSql(this.#ctx, true);
  }

  /** Every consumer's status, by name; with `name`, that consumer's only (an empty list if it never ran). */
  async status(name?: string): Promise<ConsumerStatus[]> {
    const rows =
      name === undefined
        ? await runPrepared<StatusRow>(this.#ctx, this.#all, [])
        : await runPrepared<StatusRow>(this.#ctx, this.#one, [parseInput(consumerNameSchema, name, 'name')]);
    return rows.map(toStatus);
  }
}

function toStatus(row: StatusRow): ConsumerStatus {
  return {
    name: row.name,
    position: row.position,
    eventsBehind: Number(row.events_behind),
    secondsBehind: Number(row.seconds_behind),
    mode: row.mode,
    lastError: row.last_error,
    attempts: Number(row.attempts),
    active: row.active,
    heartbeatAt: row.heartbeat_at,
  };
}
