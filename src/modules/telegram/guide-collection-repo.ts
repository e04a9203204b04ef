import { sql } from 'kysely';
import { SchemaKitNotFoundError } from '../../errors.js';
import type { UserGuideCollection } from './tables.js';
import { uuid } from '../../validation/common.js';
import { parseInput } from '../../validation/parse.js';
import { telegramPageSchema } from './validation.js';
import { KeysetListing } from '../../repos/keyset.js';
import type { Page, PageOptions } from '../../repos/page.js';
import { repoContext, type Executor, type RepoContext, type RepoOptions } from '../../repos/repo-context.js';
import { run } from '../../repos/run.js';
import { AGAIN, withRetries } from '../../repos/retry.js';
import { saturatingAdd } from '../../repos/counters.js';

/** The outcome of {@link GuideCollectionRepo.save}: the saved guide, and whether this call saved it. */
export interface SaveGuideResult {
  readonly entry: UserGuideCollection;
  readonly created: boolean;
}

const COLUMNS = ['id', 'user_id', 'guide_id', 'is_read', 'times_viewed', 'last_viewed_at', 'saved_at', 'created_at'] as const;

/**
 * The guides each user saved (`user_guide_collections`, unique per user and guide), with their
 * views counted atomically.
 *
 * ### Examples
 * ```ts
 * const saved = new GuideCollectionRepo(db);
 * await saved.save(userId, guideId);           // idempotent
 * await saved.markViewed(userId, guideId);     // times_viewed + 1, last_viewed_at, is_read
 * ```
 */
export class GuideCollectionRepo {
  readonly #ctx: RepoContext;
  readonly #forUser: KeysetListing<UserGuideCollection>;

  /** Wraps the host's Kysely instance or transaction; `options.schema` defaults to `'schema_kit'`. */
  constructor(db: Executor, options?: RepoOptions) {
    this.#ctx = repoContext(db, options, this, 'user_guide_collections');
    this.#forUser = new KeysetListing(this.#ctx, { column: 'saved_at', order: 'desc' }, (value) =>
      this.#ctx.db.selectFrom('user_guide_collections').select(COLUMNS).where('user_id', '=', value('user_id')),
    );
  }

  /** Saves the guide for the user, idempotently and without a check-then-insert race
   * (INSERT ... ON CONFLICT DO NOTHING, then read the existing row). */
  async save(userId: string, guideId: string): Promise<SaveGuideResult> {
    const [user_id, guide_id] = this.#keys(userId, guideId);
    return withRetries('GuideCollectionRepo.save', async () => {
      const inserted = await run(
        this.#ctx.db
          .insertInto('user_guide_collections')
          .values({ user_id, guide_id })
          .onConflict((oc) => oc.columns(['user_id', 'guide_id']).doNothing())
          .returning(COLUMNS)
          .executeTakeFirst(),
      );
      if (inserted) return { entry: inserted, created: true };
      const existing = await run(
        this.#ctx.db.selectFrom('user_guide_collections').select(COLUMNS).where('user_id', '=', user_id).where('guide_id', '=', guide_id).executeTakeFirst(),
      );
      if (existing) return { entry: existing, created: false };
      return AGAIN; // the saved guide was removed in between: save again
    });
  }

  /** Counts one view of a saved guide in one statement (`times_viewed + 1`, `last_viewed_at`,
   * `is_read`); throws {@link SchemaKitNotFoundError} when the user has not saved it. */
  async markViewed(userId: string, guideId: string): Promise<UserGuideCollection> {
    const [user_id, guide_id] = this.#keys(userId, guideId);
    const row = await run(
      this.#ctx.db
        .updateTable('user_guide_collections')
        .set({ times_viewed: saturatingAdd(sql.ref('times_viewed'), 1), last_viewed_at: sql<Date>`now()`, is_read: true })
        .where('user_id', '=', user_id)
        .where('guide_id', '=', guide_id)
        .returning(COLUMNS)
        .executeTakeFirst(),
    );
    if (!row) throw new SchemaKitNotFoundError('user_guide_collections', `User ${user_id} has not saved guide ${guide_id}.`);
    return row;
  }

  /** Removes the guide from the user's collection; true when it was there. */
  async remove(userId: string, guideId: string): Promise<boolean> {
    const [user_id, guide_id] = this.#keys(userId, guideId);
    const result = await run(
      this.#ctx.db.deleteFrom('user_guide_collections').where('user_id', '=', user_id).where('guide_id', '=', guide_id).executeTakeFirst(),
    );
    return result.numDeletedRows > 0n;
  }

  /** One keyset page of the user's saved guides, most recently saved first. */
  async listForUser(userId: string, options: PageOptions = {}): Promise<Page<UserGuideCollection>> {
    const user_id = parseInput(uuid, userId, 'userId');
    const page = parseInput(telegramPageSchema, options, 'options');
    return this.#forUser.page({ user_id }, page);
  }

  #keys(userId: string, guideId: string): [string, string] {
    return [parseInput(uuid, userId, 'userId'), parseInput(uuid, guideId, 'guideId')];
  }
}
