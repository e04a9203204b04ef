import { sql } from 'kysely';
import { SchemaKitNotFoundError } from '../../errors.js';
import type { UserInterest } from './tables.js';
import { parseInput } from '../../validation/parse.js';
import { interestKeySchema, interestPageSchema, packageInterestPageSchema } from './validation.js';
import type { Page, PageOptions } from '../../repos/page.js';
import { KeysetListing } from '../../repos/keyset.js';
import { repoContext, run, type Executor, type RepoContext, type RepoOptions } from '../../repos/repo-context.js';

/** The outcome of {@link UserInterestRepo.add}: the interest, and whether this call created it. */
export interface AddInterestResult {
  readonly interest: UserInterest;
  readonly created: boolean;
}

const COLUMNS = ['id', 'user_id', 'package_id', 'is_attended', 'attended_at', 'created_at'] as const;

/**
 * Users' interests in content packages (`user_interests`, unique per user and package).
 *
 * ### Examples
 * ```ts
 * const interests = new UserInterestRepo(db);
 * const { created } = await interests.add(userId, packageId);
 * const notYet = await interests.listForPackage(packageId, { attended: false });
 * ```
 */
export class UserInterestRepo {
  readonly #ctx: RepoContext;
  readonly #forUser: KeysetListing<UserInterest>;
  readonly #forPackage: KeysetListing<UserInterest>;

  /** Wraps the host's Kysely instance or transaction; `options.schema` defaults to `'schema_kit'`. */
  constructor(db: Executor, options?: RepoOptions) {
    this.#ctx = repoContext(db, options);
    const order = { column: 'created_at', order: 'desc' } as const;
    const interests = () => this.#ctx.db.selectFrom('user_interests').select(COLUMNS);
    this.#forUser = new KeysetListing(this.#ctx, order, (value) => interests().where('user_id', '=', value('user_id')));
    this.#forPackage = new KeysetListing(this.#ctx, order, (value, has) => {
      const query = interests().where('package_id', '=', value('package_id'));
      return has('attended') ? query.where('is_attended', '=', value('attended')) : query;
    });
  }

  /**
   * Records the user's interest in the package, idempotently and without a check-then-insert race
   * (INSERT ... ON CONFLICT DO NOTHING, then read the existing row).
   */
  async add(userId: string, packageId: string): Promise<AddInterestResult> {
    const user_id = parseInput(interestKeySchema, userId, 'userId');
    const package_id = parseInput(interestKeySchema, packageId, 'packageId');
    for (;;) {
      const inserted = await run(
        this.#ctx.db
          .insertInto('user_interests')
          .values({ user_id, package_id })
          .onConflict((oc) => oc.columns(['user_id', 'package_id']).doNothing())
          .returning(COLUMNS)
          .executeTakeFirst(),
      );
      if (inserted) return { interest: inserted, created: true };
      const existing = await this.#find(user_id, package_id);
      if (existing) return { interest: existing, created: false };
      // the conflicting row was removed in between: insert again
    }
  }

  /** Marks the interest attended (or not, with `attended: false`) and returns it. Throws
   * {@link SchemaKitNotFoundError} when the user has no interest in the package. */
  async markAttended(userId: string, packageId: string, attended = true): Promise<UserInterest> {
    const user_id = parseInput(interestKeySchema, userId, 'userId');
    const package_id = parseInput(interestKeySchema, packageId, 'packageId');
    const row = await run(
      this.#ctx.db
        .updateTable('user_interests')
        .set({
          is_attended: attended,
          // keep the first attendance time when marked twice
          attended_at: attended ? sql`coalesce(attended_at, now())` : null,
        })
        .where('user_id', '=', user_id)
        .where('package_id', '=', package_id)
        .returning(COLUMNS)
        .executeTakeFirst(),
    );
    if (!row) throw new SchemaKitNotFoundError('user_interests', `User ${user_id} has no interest in package ${package_id}.`);
    return row;
  }

  /** Removes the interest; true when there was one. */
  async remove(userId: string, packageId: string): Promise<boolean> {
    const user_id = parseInput(interestKeySchema, userId, 'userId');
    const package_id = parseInput(interestKeySchema, packageId, 'packageId');
    const result = await run(
      this.#ctx.db.deleteFrom('user_interests').where('user_id', '=', user_id).where('package_id', '=', package_id).executeTakeFirst(),
    );
    return result.numDeletedRows > 0n;
  }

  /** One keyset page of the user's interests, newest first. */
  async listForUser(userId: string, options: PageOptions = {}): Promise<Page<UserInterest>> {
    const user_id = parseInput(interestKeySchema, userId, 'userId');
    const { after, limit } = parseInput(interestPageSchema, options, 'options');
    return this.#forUser.page({ user_id }, { after, limit });
  }

  /** One keyset page of the package's interests, newest first; `attended` filters attended or not. */
  async listForPackage(packageId: string, options: PageOptions & { attended?: boolean } = {}): Promise<Page<UserInterest>> {
    const package_id = parseInput(interestKeySchema, packageId, 'packageId');
    const { after, limit, attended } = parseInput(packageInterestPageSchema, options, 'options');
    return this.#forPackage.page({ package_id, attended }, { after, limit });
  }

  #find(user_id: string, package_id: string): Promise<UserInterest | undefined> {
    return run(
      this.#ctx.db
        .selectFrom('user_interests')
        .select(COLUMNS)
        .where('user_id', '=', user_id)
        .where('package_id', '=', package_id)
        .executeTakeFirst(),
    );
  }

}
