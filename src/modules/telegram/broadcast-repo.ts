import { sql, type UpdateObject } from 'kysely';
import { SchemaKitConflictError, SchemaKitNotFoundError } from '../../errors.js';
import type { Database } from '../../schema/database.js';
import type { Broadcast } from './tables.js';
import type { BroadcastStatus } from './values.js';
import { uuid, validDate } from '../../validation/common.js';
import { parseInput } from '../../validation/parse.js';
import { claimLimitSchema, deliveryCountsSchema, failedDeliverySchema, newBroadcastSchema, type NewBroadcastInput } from './validation.js';
import { repoContext, run, type Executor, type RepoContext, type RepoOptions } from '../../repos/repo-context.js';

/** How many messages a send reached and how many failed. */
export interface DeliveryCounts {
  readonly recipients_count: number;
  readonly failed_count: number;
}

const COLUMNS = [
  'id', 'title', 'message_text', 'message_type', 'target_audience', 'status', 'scheduled_at', 'sent_at', 'recipients_count',
  'failed_count', 'created_by_id', 'created_at', 'updated_at',
] as const;

/**
 * Message campaigns on `broadcasts`: drafted, scheduled, claimed by a sender (`sending`), then
 * `sent` or `failed`. Several sender processes can poll {@link BroadcastRepo.claimDue} at once:
 * each due broadcast goes to exactly one of them.
 *
 * ### Examples
 * ```ts
 * const broadcasts = new BroadcastRepo(db);
 * await broadcasts.create({ title: 'Weekly', message_text: 'Hi!', scheduled_at: nextMonday });
 * for (const b of await broadcasts.claimDue(10)) {
 *   const counts = await send(b);
 *   await broadcasts.markSent(b.id, counts);
 * }
 * ```
 */
export class BroadcastRepo {
  readonly #ctx: RepoContext;

  /** Wraps the host's Kysely instance or transaction; `options.schema` defaults to `'schema_kit'`. */
  constructor(db: Executor, options?: RepoOptions) {
    this.#ctx = repoContext(db, options);
  }

  /** Creates a broadcast: a draft, or scheduled when `scheduled_at` is given. */
  async create(broadcast: NewBroadcastInput): Promise<Broadcast> {
    const row = parseInput(newBroadcastSchema, broadcast, 'broadcast');
    return run(
      this.#ctx.db
        .insertInto('broadcasts')
        .values({ ...row, status: row.scheduled_at ? 'scheduled' : 'draft' })
        .returning(COLUMNS)
        .executeTakeFirstOrThrow(),
      'broadcast',
    );
  }

  /** The broadcast with this id, or undefined. */
  async get(id: string): Promise<Broadcast | undefined> {
    const broadcastId = parseInput(uuid, id, 'id');
    return run(this.#ctx.db.selectFrom('broadcasts').select(COLUMNS).where('id', '=', broadcastId).executeTakeFirst());
  }

  /** Schedules (or reschedules) a draft, scheduled or failed broadcast for `at`; throws
   * `SchemaKitConflictError` once it is being sent or was sent. */
  async schedule(id: string, at: Date): Promise<Broadcast> {
    const broadcastId = parseInput(uuid, id, 'id');
    const when = parseInput(validDate, at, 'at');
    return this.#move(broadcastId, ['draft', 'scheduled', 'failed'], { status: 'scheduled', scheduled_at: when });
  }

  /**
   * Claims up to `limit` due broadcasts (scheduled, `scheduled_at <= now()`, earliest first) for
   * this sender in one statement, moving them to `sending`. Rows locked by a concurrent claim
   * are skipped (FOR UPDATE SKIP LOCKED), so concurrent senders never get the same broadcast.
   */
  async claimDue(limit: number): Promise<Broadcast[]> {
    const n = parseInput(claimLimitSchema, limit, 'limit');
    const claimed = await run(
      this.#ctx.db
        .updateTable('broadcasts')
        .set({ status: 'sending' })
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('broadcasts')
            .select('id')
            // a literal, so the planner matches the partial index broadcasts_scheduled_at_idx
            .where('status', '=', sql.lit('scheduled'))
            .where('scheduled_at', '<=', sql<Date>`now()`)
            .orderBy('scheduled_at')
            .limit(n)
            .forUpdate()
            .skipLocked(),
        )
        .returning(COLUMNS)
        .execute(),
    );
    return claimed.sort((a, b) => a.scheduled_at!.getTime() - b.scheduled_at!.getTime());
  }

  /**
   * Moves broadcasts stuck in `sending` since before `olderThan` (by `updated_at`, stamped by the
   * claim) back to `scheduled`, in one statement, so {@link BroadcastRepo.claimDue} hands them
   * out again; returns them. For senders that crashed after claiming. A sender that is merely
   * slow cannot be told apart: its broadcast may then be sent twice, so pick `olderThan` well
   * beyond the longest send (e.g. an hour ago), allowing for skew: `updated_at` is the database's clock.
   */
  async requeueStale(olderThan: Date): Promise<Broadcast[]> {
    const before = parseInput(validDate, olderThan, 'olderThan');
    const requeued = await run(
      this.#ctx.db
        .updateTable('broadcasts')
        // a claimed broadcast has its scheduled_at; the coalesce keeps broadcasts_scheduled_at_check
        // for a row set to 'sending' outside this repository
        .set({ status: 'scheduled', scheduled_at: sql<Date>`coalesce(scheduled_at, now())` })
        // a literal, so the planner matches the partial index broadcasts_sending_updated_at_idx
        .where('status', '=', sql.lit('sending'))
        .where('updated_at', '<', before)
        .returning(COLUMNS)
        .execute(),
    );
    return requeued.sort((a, b) => a.scheduled_at!.getTime() - b.scheduled_at!.getTime());
  }

  /** Records a claimed broadcast as sent, with its delivery counts. */
  async markSent(id: string, counts: DeliveryCounts): Promise<Broadcast> {
    const broadcastId = parseInput(uuid, id, 'id');
    const delivery = parseInput(deliveryCountsSchema, counts, 'counts');
    return this.#move(broadcastId, ['sending'], { ...delivery, status: 'sent', sent_at: sql<Date>`now()` });
  }

  /** Records a claimed broadcast as failed, with its delivery counts when known; it can be
   * scheduled again. */
  async markFailed(id: string, counts: Partial<DeliveryCounts> = {}): Promise<Broadcast> {
    const broadcastId = parseInput(uuid, id, 'id');
    const delivery = parseInput(failedDeliverySchema, counts, 'counts');
    return this.#move(broadcastId, ['sending'], { ...delivery, status: 'failed' });
  }

  /** Applies `set` to the broadcast if its status is one of `from`, in one statement; otherwise
   * says why not (no such broadcast, or its status). */
  async #move(
    id: string,
    from: BroadcastStatus[],
    set: UpdateObject<Database, 'broadcasts'> & { status: BroadcastStatus },
  ): Promise<Broadcast> {
    const row = await run(
      this.#ctx.db.updateTable('broadcasts').set(set).where('id', '=', id).where('status', 'in', from).returning(COLUMNS).executeTakeFirst(),
    );
    if (row) return row;
    const current = await run(this.#ctx.db.selectFrom('broadcasts').select('status').where('id', '=', id).executeTakeFirst());
    if (!current) throw new SchemaKitNotFoundError('broadcasts', `No broadcast ${id}.`);
    throw new SchemaKitConflictError(`Broadcast ${id} is ${current.status}: it must be ${from.join(' or ')} to become ${set.status}.`, undefined, undefined);
  }
}
