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
import { qualifiedTable, repoContext, type Executor, type RepoContext, type RepoOptions, type ScopedExecutor } from '../../repos/repo-context.js';
import { inTransaction } from '../../repos/transaction.js';
import { run } from '../../repos/run.js';
import { runPrepared } from '../../repos/prepared.js';
import { writtenInput } from '../../vocabulary/references.js';
import { telegramModule } from './descriptor.js';

/** The input 'broadcast' this repository writes, for the errors its vocabularies raise. */
const BROADCAST_INPUT = writtenInput('broadcast', telegramModule);

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
  'id', 'title', 'message_text', 'message_type', 'target_audience', 'audience_kind', 'audience_package_id', 'audience_category',
  'status', 'scheduled_at', 'sent_at', 'recipients_count', 'failed_count', 'created_by_id', 'created_at', 'updated_at',
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
  readonly #recipientStatements = new Map<string, PreparedSql>();
  /** Whether the interests module's tables are installed (read once): the package and category audiences read them. */
  #interests: Promise<boolean> | undefined;

  /** Wraps the host's Kysely instance or transaction; `options.schema` defaults to `'schema_kit'`. */
  constructor(db: Executor, options?: RepoOptions) {
    this.#ctx = repoContext(db, options, this, 'broadcasts');
  }

  /**
   * Creates a broadcast: a draft, or scheduled when `scheduled_at` is given. Its audience is a role
   * (`target_audience`, default `'all'`) or any kind given as `audience`: `{ kind: 'package',
   * package_id }` (the package's followers), `{ kind: 'category', category }` (users interested in
   * a package of the category), `{ kind: 'users', user_ids }` (an explicit list, stored with the
   * broadcast in one transaction; an unknown user is a `SchemaKitConflictError`).
   */
  async create(broadcast: NewBroadcastInput): Promise<Broadcast> {
    const { audience, ...row } = parseInput(newBroadcastSchema, broadcast, 'broadcast');
    const values = {
      ...row,
      status: row.scheduled_at ? ('scheduled' as const) : ('draft' as const),
      ...(audience ? { audience_kind: audience.kind } : {}),
      ...(audience?.kind === 'role' ? { target_audience: audience.role } : {}),
      ...(audience?.kind === 'package' ? { audience_package_id: audience.package_id } : {}),
      ...(audience?.kind === 'category' ? { audience_category: audience.category } : {}),
    };
    const insert = (db: ScopedExecutor) => db.insertInto('broadcasts').values(values).returning(COLUMNS).executeTakeFirstOrThrow();
    if (audience?.kind !== 'users') return run(insert(this.#ctx.db), BROADCAST_INPUT);
    return inTransaction(
      this.#ctx.db,
      async (trx) => {
        const created = await insert(trx);
        const ids = [...new Set(audience.user_ids)];
        await trx.insertInto('broadcast_audience_users').values(ids.map((user_id) => ({ broadcast_id: created.id, user_id }))).execute();
        return created;
      },
      BROADCAST_INPUT,
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
   * One page of the broadcast's recipients, in id order: the active users with a `telegram_id` in
   * its audience: whose role is its `target_audience` (every such user for `'all'`), who follow its
   * package, who are interested in a package of its category, or on its list. One statement, a
   * branch per kind of audience, each read in user id order through an index
   * (`users_broadcast_role_id_idx` / `users_broadcast_all_id_idx`, `user_interests_package_id_user_id_idx`,
   * `broadcast_audience_users_pkey`). Without the interests module, a package or category audience
   * has no recipients. Throws {@link SchemaKitNotFoundError} for an unknown broadcast.
   */
  async recipients(id: string, options: PageOptions = {}): Promise<Page<BroadcastRecipient>> {
    const broadcastId = parseInput(uuid, id, 'id');
    const { after, limit } = parseInput(telegramPageSchema, options, 'options');
    this.#interests ??= run(sql<{ found: boolean }>`select to_regclass(${qualifiedTable(this.#ctx, 'user_interests')}) is not null as found`.execute(this.#ctx.plain))
      .then((r) => r.rows[0]?.found === true)
      .catch((error: unknown) => {
        this.#interests = undefined; // ask again on the next call
        throw error;
      });
    const interests = await this.#interests;
    const rows = await runPrepared<{ broadcast: string } & { [K in keyof BroadcastRecipient]: BroadcastRecipient[K] | null }>(
      this.#ctx,
      this.#recipientsSql(after !== undefined, interests),
      after === undefined ? [broadcastId, limit + 1] : [broadcastId, limit + 1, after.id],
    );
    if (rows.length === 0) throw new SchemaKitNotFoundError('broadcasts', `No broadcast ${broadcastId}.`);
    const recipients = rows.filter((r): r is { broadcast: string } & BroadcastRecipient => r.id !== null).map(({ broadcast: _, ...r }) => r);
    return toPage(recipients, limit, (r) => encodeCursor({ key: r.id, id: r.id })); // ordered by id alone
  }

  /** The recipients statement, with or without a cursor ($3), with or without the interests
   * module's audiences: one branch per kind of audience, each gated on the broadcast's, so each
   * reads its own index in user id order. */
  #recipientsSql(withCursor: boolean, interests: boolean): PreparedSql {
    const key = `${withCursor}:${interests}`;
    const cached = this.#recipientStatements.get(key);
    if (cached) return cached;
    const table = (name: string) => qualifiedTable(this.#ctx, name);
    /** A branch: the reachable users of `from` (which joins `u`) that `where` keeps, `key` their id as the index orders it. */
    const branch = (from: string, where: string, key = 'u.id') => `(select ${RECIPIENT_COLUMNS} from ${from}
        where ${where} and u.is_active and u.telegram_id is not null${withCursor ? ` and ${key} > $3` : ''}
        order by ${key} limit $2)`;
    const users = `${table('users')} u`;
    const branches = [
      branch(users, `b.audience_kind = 'role' and b.target_audience = 'all'`),
      branch(users, `b.audience_kind = 'role' and b.target_audience <> 'all' and u.role = b.target_audience`),
      branch(`${table('broadcast_audience_users')} a join ${users} on u.id = a.user_id`, `b.audience_kind = 'users' and a.broadcast_id = b.id`, 'a.user_id'),
      ...(interests
        ? [
            branch(`${table('user_interests')} i join ${users} on u.id = i.user_id`, `b.audience_kind = 'package' and i.package_id = b.audience_package_id`, 'i.user_id'),
            branch(users, `b.audience_kind = 'category' and exists (select from ${table('user_interests')} i
              join ${table('content_packages')} p on p.id = i.package_id where i.user_id = u.id and p.category = b.audience_category)`),
          ]
        : []),
    ];
    const text = `select b.id as broadcast, r.* from ${table('broadcasts')} b
      left join lateral (
        ${branches.join('\n        union all\n        ')}
      ) r on true
      where b.id = $1
      order by r.id`;
    const statement = new PreparedSql(text);
    this.#recipientStatements.set(key, statement);
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
