import { sql } from 'kysely';
import type { JsonValue } from '../../schema/column-types.js';
import type { InterfaceEvolution } from './tables.js';
import { uuid } from '../../validation/common.js';
import { insightsPageSchema, interfaceChangesSchema } from './validation.js';
import { parseInput } from '../../validation/parse.js';
import { KeysetListing } from '../../repos/keyset.js';
import type { Page, PageOptions } from '../../repos/page.js';
import { inTransaction } from '../../repos/transaction.js';
import { repoContext, type Executor, type RepoContext, type RepoOptions } from '../../repos/repo-context.js';
import { run } from '../../repos/run.js';
import { AGAIN, withRetries } from '../../repos/retry.js';

/** The first key of the advisory lock record() takes per user ('skev'); the second is the user id's hash. */
const EVOLUTION_LOCK = 0x736b6576;

const COLUMNS = ['id', 'user_id', 'version', 'changes', 'created_at'] as const;

/**
 * The versioned changes to each user's interface (`interface_evolution_log`): every record gets
 * the user's next version (1, 2, 3, ...), distinct and increasing even under concurrent records.
 *
 * ### Examples
 * ```ts
 * const evolution = new InterfaceEvolutionRepo(db);
 * const v = await evolution.record(userId, { theme: 'dark', hints: 'fewer' });  // v.version: 1, 2, ...
 * const current = await evolution.latest(userId);
 * ```
 */
export class InterfaceEvolutionRepo {
  readonly #ctx: RepoContext;
  readonly #history: KeysetListing<InterfaceEvolution>;

  /** Wraps the host's Kysely instance or transaction; `options.schema` defaults to `'schema_kit'`. */
  constructor(db: Executor, options?: RepoOptions) {
    this.#ctx = repoContext(db, options, this, 'interface_evolution_log');
    // versions are unique per user: the version is the whole key
    this.#history = new KeysetListing(this.#ctx, { column: 'version', order: 'desc', unique: true }, (value) =>
      this.#ctx.db.selectFrom('interface_evolution_log').select(COLUMNS).where('user_id', '=', value('user_id')),
    );
  }

  /**
   * Records `changes` (any JSON) as the user's next version: INSERT ... SELECT max(version) + 1
   * ... ON CONFLICT DO NOTHING in a transaction (a savepoint inside the host's) that first takes a
   * transaction advisory lock on the user, so concurrent records of one user take their turns
   * instead of racing for a version (inside your transaction, the lock is held until it ends). A
   * record that still finds its version taken (a REPEATABLE READ host transaction cannot see the
   * newer one) tries again under the bounded retry policy, then fails with `contention`.
   */
  async record(userId: string, changes: unknown): Promise<InterfaceEvolution> {
    const user_id = parseInput(uuid, userId, 'userId');
    const json = JSON.stringify(parseInput(interfaceChangesSchema, changes, 'changes')) as unknown as JsonValue;
    return inTransaction(this.#ctx.db, (trx) =>
      withRetries('InterfaceEvolutionRepo.record', async () => {
        // one record per user at a time: the next version is read after the previous committed
        await sql`select pg_advisory_xact_lock(${EVOLUTION_LOCK}, hashtext(${user_id}))`.execute(trx);
        const row = await run(
        trx
          .insertInto('interface_evolution_log')
          .columns(['user_id', 'version', 'changes'])
          .expression((eb) =>
            eb
              .selectFrom('interface_evolution_log')
              .select([
                sql<string>`${user_id}::uuid`.as('user_id'),
                sql<number>`coalesce(max(version), 0) + 1`.as('version'),
                sql<JsonValue>`${json}::jsonb`.as('changes'),
              ])
              .where('user_id', '=', user_id),
          )
          .onConflict((oc) => oc.columns(['user_id', 'version']).doNothing())
          .returning(COLUMNS)
          .executeTakeFirst(),
      );
        return row ?? AGAIN; // a concurrent record took the version: take the next
      }),
    );
  }

  /** The user's latest version, or undefined when none was recorded. */
  async latest(userId: string): Promise<InterfaceEvolution | undefined> {
    const user_id = parseInput(uuid, userId, 'userId');
    return run(
      this.#ctx.db.selectFrom('interface_evolution_log').select(COLUMNS).where('user_id', '=', user_id).orderBy('version', 'desc').limit(1).executeTakeFirst(),
    );
  }

  /** One keyset page of the user's versions, newest first. */
  async history(userId: string, options: PageOptions = {}): Promise<Page<InterfaceEvolution>> {
    const user_id = parseInput(uuid, userId, 'userId');
    const page = parseInput(insightsPageSchema, options, 'options');
    return this.#history.page({ user_id }, page);
  }
}
