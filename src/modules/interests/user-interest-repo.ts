import { sql, type SelectQueryBuilder } from 'kysely';
import { SchemaKitNotFoundError } from '../../errors.js';
import type { Database } from '../../schema/database.js';
import type { ContentPackage, UserInterest } from './tables.js';
import { CONTENT_PACKAGE_COLUMNS } from './content-package-repo.js';
import { parseInput } from '../../validation/parse.js';
import { interestKeySchema, interestPageSchema, packageInterestPageSchema } from './validation.js';
import type { Page, PageOptions } from '../../repos/page.js';
import { KeysetListing } from '../../repos/keyset.js';
import type { Cursor } from '../../repos/cursor.js';
import { repoContext, type Executor, type RepoContext, type RepoOptions } from '../../repos/repo-context.js';
import { run } from '../../repos/run.js';
import { AGAIN, withRetries } from '../../repos/retry.js';

/** The outcome of {@link UserInterestRepo.add}: the interest, and whether this call created it. */
export interface AddInterestResult {
  readonly interest: UserInterest;
  readonly created: boolean;
}

const COLUMNS = ['id', 'user_id', 'package_id', 'is_attended', 'attended_at', 'created_at'] as const;

/** An interest with its content package, as the listings return it with `include: 'package'`. */
export interface UserInterestWithPackage extends UserInterest {
  readonly package: ContentPackage;
}

/** Options of the interest listings: a page, and `include: 'package'` to read each interest's
 * package in the same query. */
export interface InterestListOptions extends PageOptions {
  readonly include?: 'package';
}

/** An interest row with its package as JSON, before {@link withPackage}. */
type InterestPackageRow = UserInterest & { package: Record<string, unknown> };

/** The row with its package's times as Dates again (JSON carries them as text). */
function withPackage({ package: json, ...interest }: InterestPackageRow): UserInterestWithPackage {
  const row = json as unknown as ContentPackage & { created_at: string; updated_at: string };
  return { ...interest, package: { ...row, created_at: new Date(row.created_at), updated_at: new Date(row.updated_at) } };
}

/** The interest and its package, for each listing, with or without the package. */
interface InterestListings {
  readonly plain: KeysetListing<UserInterest>;
  readonly withPackage: KeysetListing<InterestPackageRow>;
}

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
  readonly #forUser: InterestListings;
  readonly #forPackage: InterestListings;

  /** Wraps the host's Kysely instance or transaction; `options.schema` defaults to `'schema_kit'`. */
  constructor(db: Executor, options?: RepoOptions) {
    this.#ctx = repoContext(db, options);
    const order = { column: 'created_at', order: 'desc' } as const;
    // the package as one JSON object from a subquery on its primary key: no join, so the listing's
    // unqualified (created_at, id) order stays the interest's
    const packageJson = sql<Record<string, unknown>>`(select jsonb_build_object(${sql.join(
      CONTENT_PACKAGE_COLUMNS.map((column) => sql`${sql.lit(column)}, ${sql.ref(`p.${column}`)}`),
    )}) from ${sql.id(this.#ctx.schema, 'content_packages')} as p where p.id = user_interests.package_id)`;
    const plain = () => this.#ctx.db.selectFrom('user_interests').select(COLUMNS);
    const full = () => plain().select(packageJson.as('package'));
    const forUser = <O extends UserInterest>(base: () => SelectQueryBuilder<Database, 'user_interests', O>) =>
      new KeysetListing<O>(this.#ctx, order, (value) => base().where('user_id', '=', value('user_id')));
    const forPackage = <O extends UserInterest>(base: () => SelectQueryBuilder<Database, 'user_interests', O>) =>
      new KeysetListing<O>(this.#ctx, order, (value, has) => {
        const query = base().where('package_id', '=', value('package_id'));
        return has('attended') ? query.where('is_attended', '=', value('attended')) : query;
      });
    this.#forUser = { plain: forUser(plain), withPackage: forUser(full) };
    this.#forPackage = { plain: forPackage(plain), withPackage: forPackage(full) };
  }

  /**
   * Records the user's interest in the package, idempotently and without a check-then-insert race
   * (INSERT ... ON CONFLICT DO NOTHING, then read the existing row).
   */
  async add(userId: string, packageId: string): Promise<AddInterestResult> {
    const user_id = parseInput(interestKeySchema, userId, 'userId');
    const package_id = parseInput(interestKeySchema, packageId, 'packageId');
    return withRetries('UserInterestRepo.add', async () => {
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
      return AGAIN; // the conflicting row was removed in between: insert again
    });
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

  /** One keyset page of the user's interests, newest first; with `include: 'package'`, each with
   * its package, read in the same query. */
  async listForUser(userId: string, options: InterestListOptions & { include: 'package' }): Promise<Page<UserInterestWithPackage>>;
  async listForUser(userId: string, options?: InterestListOptions): Promise<Page<UserInterest>>;
  async listForUser(userId: string, options: InterestListOptions = {}): Promise<Page<UserInterest> | Page<UserInterestWithPackage>> {
    const user_id = parseInput(interestKeySchema, userId, 'userId');
    const { after, limit, include } = parseInput(interestPageSchema, options, 'options');
    return this.#page(this.#forUser, { user_id }, { after, limit }, include);
  }

  /** One keyset page of the package's interests, newest first; `attended` filters attended or not;
   * with `include: 'package'`, each with the package. */
  async listForPackage(
    packageId: string,
    options: InterestListOptions & { attended?: boolean; include: 'package' },
  ): Promise<Page<UserInterestWithPackage>>;
  async listForPackage(packageId: string, options?: InterestListOptions & { attended?: boolean }): Promise<Page<UserInterest>>;
  async listForPackage(
    packageId: string,
    options: InterestListOptions & { attended?: boolean } = {},
  ): Promise<Page<UserInterest> | Page<UserInterestWithPackage>> {
    const package_id = parseInput(interestKeySchema, packageId, 'packageId');
    const { after, limit, attended, include } = parseInput(packageInterestPageSchema, options, 'options');
    return this.#page(this.#forPackage, { package_id, attended }, { after, limit }, include);
  }

  async #page(
    listings: InterestListings,
    values: Readonly<Record<string, unknown>>,
    page: { after?: Cursor | undefined; limit: number },
    include: 'package' | undefined,
  ): Promise<Page<UserInterest> | Page<UserInterestWithPackage>> {
    if (!include) return listings.plain.page(values, page);
    const { items, next } = await listings.withPackage.page(values, page);
    return { items: items.map(withPackage), next };
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
