import { sql, type SelectQueryBuilder } from 'kysely';
import { SchemaKitNotFoundError } from '../../errors.js';
import type { Database } from '../../schema/database.js';
import type { ContentPackage, UserInterest } from './tables.js';
import { CONTENT_PACKAGE_COLUMNS } from './content-package-repo.js';
import { USER_COLUMNS, type User } from '../core/index.js';
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

/** An interest with its user, as `listForPackage` returns it with `include: 'user'`. */
export interface UserInterestWithUser extends UserInterest {
  readonly user: User;
}

/** Options of the interest listings: a page, and `include: 'package'` to read each interest's
 * package in the same query. */
export interface InterestListOptions extends PageOptions {
  readonly include?: 'package';
}

/** An interest row with its package or user as JSON, before {@link withPackage} / {@link withUser}. */
type InterestJsonRow = UserInterest & { included: Record<string, unknown> };

/** JSON text as a Date, or null. */
const asDate = (value: unknown): Date | null => (value === null ? null : new Date(value as string));

/** The row with its package's times as Dates again (JSON carries them as text). */
function withPackage({ included, ...interest }: InterestJsonRow): UserInterestWithPackage {
  const row = included as unknown as ContentPackage;
  return { ...interest, package: { ...row, created_at: asDate(row.created_at)!, updated_at: asDate(row.updated_at)! } };
}

/** The row with its user's times as Dates again. */
function withUser({ included, ...interest }: InterestJsonRow): UserInterestWithUser {
  const row = included as unknown as User;
  return { ...interest, user: { ...row, created_at: asDate(row.created_at)!, updated_at: asDate(row.updated_at)!, last_login_at: asDate(row.last_login_at) } };
}

/** The interests of a listing: alone, with their package. */
interface InterestListings {
  readonly plain: KeysetListing<UserInterest>;
  readonly withPackage: KeysetListing<InterestJsonRow>;
}

/** `jsonb_build_object` of `columns` of the row `alias` of `table` found by `key`: one related row,
 * by its primary key, with no join (the listing's unqualified (created_at, id) order stays the
 * interest's). `bigint` columns are read as text, as node-postgres reads them. */
function relatedJson(ctx: RepoContext, table: string, alias: string, columns: readonly string[], key: string, bigints: readonly string[] = []) {
  return sql<Record<string, unknown>>`(select jsonb_build_object(${sql.join(
    columns.map((column) => sql`${sql.lit(column)}, ${bigints.includes(column) ? sql`${sql.ref(`${alias}.${column}`)}::text` : sql.ref(`${alias}.${column}`)}`),
  )}) from ${sql.id(ctx.schema, table)} as ${sql.id(alias)} where ${sql.ref(`${alias}.id`)} = ${sql.ref(`user_interests.${key}`)})`;
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
  /** The package's interests with their users (`listForPackage`'s `include: 'user'`). */
  readonly #followers: KeysetListing<InterestJsonRow>;

  /** Wraps the host's Kysely instance or transaction; `options.schema` defaults to `'schema_kit'`. */
  constructor(db: Executor, options?: RepoOptions) {
    this.#ctx = repoContext(db, options, this, 'user_interests');
    const order = { column: 'created_at', order: 'desc' } as const;
    const packageJson = relatedJson(this.#ctx, 'content_packages', 'p', CONTENT_PACKAGE_COLUMNS, 'package_id');
    const userJson = relatedJson(this.#ctx, 'users', 'u', USER_COLUMNS, 'user_id', ['telegram_id']);
    const plain = () => this.#ctx.db.selectFrom('user_interests').select(COLUMNS);
    const full = () => plain().select(packageJson.as('included'));
    const withUserRow = () => plain().select(userJson.as('included'));
    const forUser = <O extends UserInterest>(base: () => SelectQueryBuilder<Database, 'user_interests', O>) =>
      new KeysetListing<O>(this.#ctx, order, (value) => base().where('user_id', '=', value('user_id')));
    const forPackage = <O extends UserInterest>(base: () => SelectQueryBuilder<Database, 'user_interests', O>) =>
      new KeysetListing<O>(this.#ctx, order, (value, has) => {
        const query = base().where('package_id', '=', value('package_id'));
        return has('attended') ? query.where('is_attended', '=', value('attended')) : query;
      });
    this.#forUser = { plain: forUser(plain), withPackage: forUser(full) };
    this.#forPackage = { plain: forPackage(plain), withPackage: forPackage(full) };
    this.#followers = forPackage(withUserRow);
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
   * with `include: 'package'`, each with the package; with `include: 'user'`, each with its user
   * (the package's followers, resolved in the same query: no lookup per follower). */
  async listForPackage(
    packageId: string,
    options: PageOptions & { attended?: boolean; include: 'package' },
  ): Promise<Page<UserInterestWithPackage>>;
  async listForPackage(packageId: string, options: PageOptions & { attended?: boolean; include: 'user' }): Promise<Page<UserInterestWithUser>>;
  async listForPackage(packageId: string, options?: PageOptions & { attended?: boolean }): Promise<Page<UserInterest>>;
  async listForPackage(
    packageId: string,
    options: PageOptions & { attended?: boolean; include?: 'package' | 'user' } = {},
  ): Promise<Page<UserInterest> | Page<UserInterestWithPackage> | Page<UserInterestWithUser>> {
    const package_id = parseInput(interestKeySchema, packageId, 'packageId');
    const { after, limit, attended, include } = parseInput(packageInterestPageSchema, options, 'options');
    if (include !== 'user') return this.#page(this.#forPackage, { package_id, attended }, { after, limit }, include);
    const { items, next } = await this.#followers.page({ package_id, attended }, { after, limit });
    return { items: items.map(withUser), next };
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
