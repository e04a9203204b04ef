import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Database } from '../../schema/database.js';
import { SchemaKitNotFoundError } from '../../errors.js';
import type { UserAchievement } from './tables.js';
import { achievementKeySchema, progressIncrementSchema, userAchievementPageSchema } from './validation.js';
import { uuid } from '../../validation/common.js';
import { parseInput } from '../../validation/parse.js';
import { KeysetListing } from '../../repos/keyset.js';
import type { Page, PageOptions } from '../../repos/page.js';
import { repoContext, type Executor, type RepoContext, type RepoOptions } from '../../repos/repo-context.js';
import { run } from '../../repos/run.js';
import { AGAIN, withRetries } from '../../repos/retry.js';
import { saturatingAdd } from '../../repos/counters.js';
import { MAX_INT4 } from '../../validation/numbers.js';

/** The outcome of {@link UserAchievementRepo.progress}. */
export interface AchievementProgress {
  /** The user's progress row after the call. */
  readonly userAchievement: UserAchievement;
  /** True when this call earned the achievement (for a repeatable one: earned it once more). */
  readonly justEarned: boolean;
}

const COLUMNS = [
  'id', 'user_id', 'achievement_id', 'progress_current', 'progress_target', 'earned', 'earned_at', 'notified_at',
  'times_earned', 'created_at', 'updated_at',
] as const;

/** The progress target of an achievement `a`: its requirement, at least 1. */
const TARGET = sql<number>`greatest(coalesce(a.requirement_value, 1), 1)`;

/**
 * The next state of a progress row after adding `increment`, as SQL over its current values: a
 * non-repeatable achievement is earned once, when progress first reaches the target; a repeatable
 * one is earned again each time, its progress carrying the remainder.
 */
function advance(
  current: { progress: Expression<number>; earned: Expression<boolean>; earnedAt: Expression<Date | null>; times: Expression<number> },
  achievement: { repeatable: Expression<boolean>; target: Expression<number> },
  increment: number,
) {
  const { repeatable, target } = achievement;
  // in bigint: the counters saturate at the integer maximum instead of overflowing
  const progress = sql<number>`(${current.progress}::bigint + ${increment}::bigint)`;
  const reached = sql<SqlBool>`${progress} >= ${target}`;
  return {
    progress_current: sql<number>`least(case when ${repeatable} then ${progress} % ${target} else ${progress} end, ${sql.lit(MAX_INT4)})::integer`,
    times_earned: saturatingAdd(current.times, sql<number>`case when ${repeatable} then ${progress} / ${target} when not ${current.earned} and ${reached} then 1 else 0 end`),
    earned: sql<boolean>`${current.earned} or ${reached}`,
    earned_at: sql<Date | null>`case when ${current.earned} then ${current.earnedAt} when ${reached} then now() end`,
  };
}

/**
 * Users' progress on achievements (`user_achievements`, one row per user and achievement).
 * `progress` adds to it atomically and reports whether the call earned the achievement: under
 * any concurrency a non-repeatable achievement is earned exactly once.
 *
 * ### Examples
 * ```ts
 * const badges = new UserAchievementRepo(db);
 * const { justEarned, userAchievement } = await badges.progress(userId, 'ten-exercises');
 * if (justEarned) await notify(userId, userAchievement);
 * ```
 */
export class UserAchievementRepo {
  readonly #ctx: RepoContext;
  readonly #forUser: KeysetListing<UserAchievement>;

  /** Wraps the host's Kysely instance or transaction; `options.schema` defaults to `'schema_kit'`. */
  constructor(db: Executor, options?: RepoOptions) {
    this.#ctx = repoContext(db, options, this, 'user_achievements');
    this.#forUser = new KeysetListing(this.#ctx, { column: 'created_at', order: 'desc' }, (value, has) => {
      const query = this.#ctx.db.selectFrom('user_achievements').select(COLUMNS).where('user_id', '=', value('user_id'));
      return has('earned') ? query.where('earned', '=', value('earned')) : query;
    });
  }

  /**
   * Adds `increment` (default 1) to the user's progress on the achievement (named by id or slug)
   * toward its `requirement_value` (at least 1). One UPDATE whose row lock is taken in its own
   * subquery, so the state it reports as previous is the one it replaced; on first progress an
   * INSERT ... ON CONFLICT DO NOTHING (a concurrent first insert sends the call back to the
   * UPDATE). Throws {@link SchemaKitNotFoundError} for an unknown achievement. Progress keeps
   * counting after a non-repeatable achievement is earned; it and `times_earned` hold at the
   * integer maximum (2,147,483,647) rather than overflow.
   */
  async progress(userId: string, achievement: string, increment = 1): Promise<AchievementProgress> {
    const user_id = parseInput(uuid, userId, 'userId');
    const key = parseInput(achievementKeySchema, achievement, 'achievement');
    const inc = parseInput(progressIncrementSchema, increment, 'increment');
    const named = namedBy(key);
    return withRetries('UserAchievementRepo.progress', async () => {
      const updated = await this.#advanceExisting(user_id, named, inc);
      if (updated) return updated;
      const inserted = await this.#insertFirst(user_id, named, inc);
      if (inserted) return inserted;
      const known = await run(this.#ctx.db.selectFrom('achievements as a').select('a.id').where(named).executeTakeFirst());
      if (!known) throw new SchemaKitNotFoundError('achievements', `No achievement ${key}.`);
      return AGAIN; // a concurrent call inserted the row first: update it
    });
  }

  /** One keyset page of the user's achievements, newest first; `earned` keeps earned (true) or unearned (false) ones. */
  async listForUser(userId: string, options: PageOptions & { earned?: boolean } = {}): Promise<Page<UserAchievement>> {
    const user_id = parseInput(uuid, userId, 'userId');
    const { earned, ...page } = parseInput(userAchievementPageSchema, options, 'options');
    return this.#forUser.page({ user_id, earned }, page);
  }

  async #advanceExisting(user_id: string, named: KeyMatch, inc: number): Promise<AchievementProgress | undefined> {
    const db = this.#ctx.db;
    const row = await run(
      db
        .updateTable('user_achievements as ua')
        .from(
          db
            .selectFrom('user_achievements as u')
            .innerJoin('achievements as a', 'a.id', 'u.achievement_id')
            .select(['u.id', 'u.times_earned', 'a.is_repeatable', TARGET.as('target')])
            .where('u.user_id', '=', user_id)
            .where(named)
            .modifyEnd(sql`for update of u`) // the progress row only: other users' calls never wait on the achievement
            .as('old'),
        )
        .set((eb) => ({
          ...advance(
            { progress: eb.ref('ua.progress_current'), earned: eb.ref('ua.earned'), earnedAt: eb.ref('ua.earned_at'), times: eb.ref('ua.times_earned') },
            { repeatable: eb.ref('old.is_repeatable'), target: eb.ref('old.target') },
            inc,
          ),
          progress_target: eb.ref('old.target'),
        }))
        .whereRef('ua.id', '=', 'old.id')
        .returning([...COLUMNS.map((c) => `ua.${c}` as const), sql<boolean>`ua.times_earned > old.times_earned`.as('just_earned')])
        .executeTakeFirst(),
    );
    return row && split(row);
  }

  async #insertFirst(user_id: string, named: KeyMatch, inc: number): Promise<AchievementProgress | undefined> {
    const db = this.#ctx.db;
    const next = advance({ progress: sql`0`, earned: sql`false`, earnedAt: sql`null::timestamptz`, times: sql`0` }, { repeatable: sql`a.is_repeatable`, target: TARGET }, inc);
    const row = await run(
      db
        .insertInto('user_achievements')
        .columns(['user_id', 'achievement_id', 'progress_target', 'progress_current', 'times_earned', 'earned', 'earned_at'])
        .expression(
          db
            .selectFrom('achievements as a')
            .select([
              sql<string>`${user_id}::uuid`.as('user_id'),
              'a.id',
              TARGET.as('progress_target'),
              next.progress_current.as('progress_current'),
              next.times_earned.as('times_earned'),
              next.earned.as('earned'),
              next.earned_at.as('earned_at'),
            ])
            .where(named),
        )
        .onConflict((oc) => oc.columns(['user_id', 'achievement_id']).doNothing())
        .returning([...COLUMNS, sql<boolean>`times_earned > 0`.as('just_earned')])
        .executeTakeFirst(),
    );
    return row && split(row);
  }
}

/** A condition on `achievements as a` matching the achievement a key names. */
type KeyMatch = (eb: ExpressionBuilder<Database & { a: Database['achievements'] }, 'a'>) => Expression<SqlBool>;

/**
 * Matches the achievement `key` names: a slug by slug; a uuid by id, or by slug for a slug shaped
 * like a uuid stored before such slugs were refused.
 */
function namedBy(key: string): KeyMatch {
  if (!uuid.safeParse(key).success) return (eb) => eb('a.slug', '=', key);
  return (eb) => eb.or([eb('a.id', '=', key), eb('a.slug', '=', key)]);
}

function split({ just_earned, ...userAchievement }: UserAchievement & { just_earned: boolean }): AchievementProgress {
  return { userAchievement, justEarned: just_earned };
}
