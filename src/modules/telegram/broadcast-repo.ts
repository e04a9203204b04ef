import { sql, type UpdateObject } from 'kysely';
import { SchemaKitConflictError, SchemaKitNotFoundError } from '../../errors.js';
import type { Database } from '../../schema/database.js';
import type { Broadcast } from './tables.js';
import type { BroadcastStatus } from './values.js';
import { uuid, validDate } from '../../validation/common.js';
import { parseInput } from '../../validation/parse.js';
import { claimLimitSchema, deliveryCountsSchema, failedDeliverySchema, newBroadcastSchema, telegramPageSchema, type NewBroadcastInput } from './validation.js';
import type { User } from '../core/index.js';
import { toPage, type Page, type PageOptions } from '../../repos/page.js';
import { encodeCursor } from '../../repos/cursor.js';
import { PreparedSql } from '../../repos/prepared.js';
import { qualifiedTable, repoContext, run, runPrepared, type Executor, type RepoContext, type RepoOptions } from '../../repos/repo-context.js';

/** A user a broadcast goes to: what a sender needs to address and greet them. `telegram_id` is
 * always set (only users with one are recipients). */
export type BroadcastRecipient = Pick<User, 'id' | 'telegram_username' | 'telegram_first_name' | 'telegram_last_name' | 'language_code' | 'role' | 'preferences'> & {
  readonly telegram_id: string;
};

const RECIPIENT_COLUMNS = 'u.id, u.telegram_id, u.telegram_username, u.telegram_first_name, u.telegram_last_name, u.language_code, u.role, u.preferences';

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
  readonly #recipientStatements = new Map<boolean, PreparedSql>();

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
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('broadcasts')
            .select('id')
            // a literal, so the planner matches the partial index broadcasts_sending_updated_at_idx
            .where('status', '=', sql.lit('sending'))
            .where('updated_at', '<', before)
            // concurrent requeues (and a sender marking one sent) skip each other's rows
            // instead of locking them in different orders
            .forUpdate()
            .skipLocked(),
        )
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

  /**
   * One page of the broadcast's recipients, in id order: the active users with a `telegram_id`
   * whose role is the broadcast's `target_audience` (every such user for `'all'`). One statement,
   * served by the partial indexes `users_broadcast_role_id_idx` / `users_broadcast_all_id_idx`.
   * Throws {@link SchemaKitNotFoundError} for an unknown broadcast.
   */
  async recipients(id: string, options: PageOptions = {}): Promise<Page<BroadcastRecipient>> {
    const broadcastId = parseInput(uuid, id, 'id');
    const { after, limit } = parseInput(telegramPageSchema, options, 'options');
    const rows = await runPrepared<{ broadcast: string } & { [K in keyof BroadcastRecipient]: BroadcastRecipient[K] | null }>(
      this.#ctx,
      this.#recipientsSql(after !== undefined),
      after === undefined ? [broadcastId, limit + 1] : [broadcastId, limit + 1, after.id],
    );
    if (rows.length === 0) throw new SchemaKitNotFoundError('broadcasts', `No broadcast ${broadcastId}.`);
    const recipients = rows.filter((r): r is { broadcast: string } & BroadcastRecipient => r.id !== null).map(({ broadcast: _, ...r }) => r);
    return toPage(recipients, limit, (r) => encodeCursor({ key: r.id, id: r.id })); // ordered by id alone
  }

  /** The recipients statement, with or without a cursor ($3): one branch per kind of audience,
   * each gated on the broadcast's audience, so each uses its own partial index. */
  #recipientsSql(withCursor: boolean): PreparedSql {
    const cached = this.#recipientStatements.get(withCursor);
    if (cached) return cached;
    const users = qualifiedTable(this.#ctx, 'users');
    const branch = (audience: string) => `(select ${RECIPIENT_COLUMNS} from ${users} u
        where ${audience} and u.is_active and u.telegram_id is not null${withCursor ? ' and u.id > $3' : ''}
        order by u.id limit $2)`;
    const text = `select b.id as broadcast, r.* from ${qualifiedTable(this.#ctx, 'broadcasts')} b
      left join lateral (
        ${branch(`b.target_audience = 'all'`)}
        union all
        ${branch(`b.target_audience <> 'all' and u.role = b.target_audience`)}
      ) r on true
      where b.id = $1
      order by r.id`;
    const statement = new PreparedSql(text);
    this.#recipientStatements.set(withCursor, statement);
    return statement;
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
