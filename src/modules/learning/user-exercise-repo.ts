import { sql, type Transaction, type UpdateObject } from 'kysely';
import type { Database } from '../../schema/database.js';
import type { UserExercise } from './tables.js';
import type { ExerciseStatus } from './values.js';
import { uuid } from '../../validation/common.js';
import { exerciseCompletionSchema, type ExerciseCompletionInput } from './validation.js';
import { parseInput } from '../../validation/parse.js';
import { inTransaction } from '../../repos/transaction.js';
import { repoContext, type Executor, type RepoContext, type RepoOptions } from '../../repos/repo-context.js';
import { run } from '../../repos/run.js';
import { saturatingAdd } from '../../repos/counters.js';

const COLUMNS = [
  'id', 'user_id', 'exercise_id', 'status', 'submitted_code', 'grade', 'feedback', 'hints_used', 'attempts',
  'time_spent_seconds', 'started_at', 'completed_at', 'created_at', 'updated_at',
] as const;

/** The columns a transition sets, as values or SQL over the row's current values (`ue`). */
type Transition = UpdateObject<Database & { ue: Database['user_exercises'] }, 'ue'>;

/** A completed exercise stays completed whatever comes after. */
const unlessCompleted = (status: ExerciseStatus) => sql<ExerciseStatus>`case when ue.status = 'completed' then ue.status else ${status} end`;

/**
 * A user's progress on exercises (`user_exercises`, one row per user and exercise), keeping the
 * counters of `user_memory` consistent with it in the same transaction:
 * `total_exercises_attempted` counts the exercises with `attempts > 0`,
 * `total_exercises_completed` and `total_exercises_skipped` those with that status (the
 * `average_*` columns are left to the host's analysis). A completed exercise stays completed;
 * `completed_at` keeps the first completion.
 *
 * ### Examples
 * ```ts
 * const progress = new UserExerciseRepo(db);
 * await progress.start(userId, exerciseId);       // in_progress, attempts + 1
 * await progress.useHint(userId, exerciseId);     // hints_used + 1
 * await progress.complete(userId, exerciseId, { grade: 9.5, submitted_code, time_spent_seconds: 300 });
 * ```
 */
export class UserExerciseRepo {
  readonly #ctx: RepoContext;

  /** Wraps the host's Kysely instance or transaction; `options.schema` defaults to `'schema_kit'`. */
  constructor(db: Executor, options?: RepoOptions) {
    this.#ctx = repoContext(db, options, this, 'user_exercises');
  }

  /** The user's progress on the exercise, or undefined when they never touched it. */
  async get(userId: string, exerciseId: string): Promise<UserExercise | undefined> {
    const [user_id, exercise_id] = this.#keys(userId, exerciseId);
    return run(
      this.#ctx.db.selectFrom('user_exercises').select(COLUMNS).where('user_id', '=', user_id).where('exercise_id', '=', exercise_id).executeTakeFirst(),
    );
  }

  /** Starts (or restarts) the exercise: `in_progress` unless completed, one more attempt, `started_at` kept from the first start. */
  async start(userId: string, exerciseId: string): Promise<UserExercise> {
    const keys = this.#keys(userId, exerciseId);
    return this.#transition(keys, {
      status: unlessCompleted('in_progress'),
      attempts: saturatingAdd(sql`ue.attempts`, 1),
      started_at: sql`coalesce(ue.started_at, now())`,
    });
  }

  /**
   * Completes the exercise with what was submitted (fields not given are kept); a completion
   * without a start counts as one attempt; `time_spent_seconds` is added to the total.
   */
  async complete(userId: string, exerciseId: string, completion: ExerciseCompletionInput = {}): Promise<UserExercise> {
    const keys = this.#keys(userId, exerciseId);
    const { time_spent_seconds, ...submission } = parseInput(exerciseCompletionSchema, completion, 'completion');
    return this.#transition(keys, {
      ...submission,
      status: 'completed',
      attempts: sql`greatest(ue.attempts, 1)`,
      started_at: sql`coalesce(ue.started_at, now())`,
      completed_at: sql`coalesce(ue.completed_at, now())`,
      time_spent_seconds: saturatingAdd(sql`ue.time_spent_seconds`, time_spent_seconds ?? 0),
    });
  }

  /** Skips the exercise (a completed one stays completed). */
  async skip(userId: string, exerciseId: string): Promise<UserExercise> {
    return this.#transition(this.#keys(userId, exerciseId), { status: unlessCompleted('skipped') });
  }

  /** Counts one more hint used, in one statement (the progress row is created if needed). */
  async useHint(userId: string, exerciseId: string): Promise<UserExercise> {
    const [user_id, exercise_id] = this.#keys(userId, exerciseId);
    return run(
      this.#ctx.db
        .insertInto('user_exercises')
        .values({ user_id, exercise_id, hints_used: 1 })
        .onConflict((oc) => oc.columns(['user_id', 'exercise_id']).doUpdateSet({ hints_used: saturatingAdd(sql.ref('user_exercises.hints_used'), 1) }))
        .returning(COLUMNS)
        .executeTakeFirstOrThrow(),
    );
  }

  #keys(userId: string, exerciseId: string): [string, string] {
    return [parseInput(uuid, userId, 'userId'), parseInput(uuid, exerciseId, 'exerciseId')];
  }

  /**
   * Applies `set` to the progress row (created first if missing) in one UPDATE that also returns
   * the row's previous status and attempts, read under its row lock; then moves the user's
   * memory counters by the difference, in the same transaction.
   */
  #transition([user_id, exercise_id]: [string, string], set: Transition): Promise<UserExercise> {
    return inTransaction(this.#ctx.db, async (trx) => {
      await trx.insertInto('user_exercises').values({ user_id, exercise_id }).onConflict((oc) => oc.columns(['user_id', 'exercise_id']).doNothing()).execute();
      const { previous_status, previous_attempts, ...row } = await trx
        .updateTable('user_exercises as ue')
        .from(
          trx
            .selectFrom('user_exercises')
            .select(['id', 'status', 'attempts'])
            .where('user_id', '=', user_id)
            .where('exercise_id', '=', exercise_id)
            .forUpdate()
            .as('old'),
        )
        .set(set)
        .whereRef('ue.id', '=', 'old.id')
        .returning([...COLUMNS.map((c) => `ue.${c}` as const), 'old.status as previous_status', 'old.attempts as previous_attempts'])
        .executeTakeFirstOrThrow();
      await this.#count(trx, user_id, {
        total_exercises_attempted: Number(row.attempts > 0) - Number(previous_attempts > 0),
        total_exercises_completed: Number(row.status === 'completed') - Number(previous_status === 'completed'),
        total_exercises_skipped: Number(row.status === 'skipped') - Number(previous_status === 'skipped'),
      });
      return row;
    });
  }

  /** Moves the user's memory counters by `deltas` (creating the memory when needed), never below 0. */
  async #count(trx: Transaction<Database>, user_id: string, deltas: Record<'total_exercises_attempted' | 'total_exercises_completed' | 'total_exercises_skipped', number>): Promise<void> {
    const changed = (Object.keys(deltas) as (keyof typeof deltas)[]).filter((c) => deltas[c] !== 0);
    if (changed.length === 0) return;
    await trx
      .insertInto('user_memory')
      .values({ user_id, ...Object.fromEntries(changed.map((c) => [c, Math.max(deltas[c], 0)])) })
      .onConflict((oc) =>
        oc.column('user_id').doUpdateSet(Object.fromEntries(changed.map((c) => [c, sql`greatest(${saturatingAdd(sql.ref(`user_memory.${c}`), deltas[c])}, 0)`]))),
      )
      .execute();
  }
}
