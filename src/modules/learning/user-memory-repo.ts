import { sql } from 'kysely';
import type { UserMemory } from './tables.js';
import { uuid } from '../../validation/common.js';
import { memoryAppendSchema, memoryMergeSchema, type MemoryAppendInput, type MemoryMergeInput } from './validation.js';
import { parseInput } from '../../validation/parse.js';
import { repoContext, type Executor, type RepoContext, type RepoOptions } from '../../repos/repo-context.js';
import { run } from '../../repos/run.js';
import { AGAIN, withRetries } from '../../repos/retry.js';

const COLUMNS = [
  'id', 'user_id', 'learning_pace', 'preferred_difficulty', 'identified_strengths', 'identified_weaknesses', 'topic_mastery',
  'interest_areas', 'average_completion_time_seconds', 'average_hints_per_exercise', 'average_grade', 'total_exercises_attempted',
  'total_exercises_completed', 'total_exercises_skipped', 'career_goal_progress', 'common_questions', 'personalization_metadata',
  'last_analyzed_at', 'created_at', 'updated_at',
] as const;

type JsonColumn = keyof MemoryMergeInput | keyof MemoryAppendInput;

/**
 * What the tutor learned about each user, on `user_memory` (exactly one row per user). Its JSON
 * maps and lists change by atomic merges and appends (`column || $patch` in one statement), so
 * concurrent writers never lose each other's keys or items; the row is created on first write.
 *
 * ### Examples
 * ```ts
 * const memory = new UserMemoryRepo(db);
 * await memory.merge(userId, { topic_mastery: { recursion: 0.8 } });
 * await memory.append(userId, { common_questions: ['What is a closure?'] });
 * ```
 */
export class UserMemoryRepo {
  readonly #ctx: RepoContext;

  /** Wraps the host's Kysely instance or transaction; `options.schema` defaults to `'schema_kit'`. */
  constructor(db: Executor, options?: RepoOptions) {
    this.#ctx = repoContext(db, options, this, 'user_memory');
  }

  /** The user's memory, or undefined when none was written yet. */
  async get(userId: string): Promise<UserMemory | undefined> {
    const user_id = parseInput(uuid, userId, 'userId');
    return this.#find(user_id);
  }

  /** The user's memory, created empty on first call (INSERT ... ON CONFLICT DO NOTHING, then read). */
  async ensure(userId: string): Promise<UserMemory> {
    const user_id = parseInput(uuid, userId, 'userId');
    return withRetries('UserMemoryRepo.ensure', async () => {
      const inserted = await run(
        this.#ctx.db.insertInto('user_memory').values({ user_id }).onConflict((oc) => oc.column('user_id').doNothing()).returning(COLUMNS).executeTakeFirst(),
      );
      if (inserted) return inserted;
      const existing = await this.#find(user_id);
      if (existing) return existing;
      return AGAIN; // the row was deleted in between: insert again
    });
  }

  /**
   * Merges each given map into the stored one, key by key (shallow: a given key replaces the
   * stored value; `null` stores null), in one statement; returns the memory.
   */
  async merge(userId: string, patch: MemoryMergeInput): Promise<UserMemory> {
    const user_id = parseInput(uuid, userId, 'userId');
    return this.#concat(user_id, parseInput(memoryMergeSchema, patch, 'patch'));
  }

  /** Appends the given items to each given list, in one statement; returns the memory. */
  async append(userId: string, items: MemoryAppendInput): Promise<UserMemory> {
    const user_id = parseInput(uuid, userId, 'userId');
    return this.#concat(user_id, parseInput(memoryAppendSchema, items, 'items'));
  }

  /** `column = column || $value` for each given column (jsonb `||` merges objects and appends arrays),
   * inserting the row when it does not exist yet. */
  #concat(user_id: string, values: Partial<Record<JsonColumn, unknown>>): Promise<UserMemory> {
    const columns = (Object.keys(values) as JsonColumn[]).filter((c) => values[c] !== undefined);
    const json = Object.fromEntries(columns.map((c) => [c, JSON.stringify(values[c])]));
    const concat = Object.fromEntries(columns.map((c) => [c, sql`${sql.ref(`user_memory.${c}`)} || ${sql.ref(`excluded.${c}`)}`]));
    return run(
      this.#ctx.db
        .insertInto('user_memory')
        .values({ user_id, ...json })
        .onConflict((oc) => oc.column('user_id').doUpdateSet(concat))
        .returning(COLUMNS)
        .executeTakeFirstOrThrow(),
    );
  }

  #find(user_id: string): Promise<UserMemory | undefined> {
    return run(this.#ctx.db.selectFrom('user_memory').select(COLUMNS).where('user_id', '=', user_id).executeTakeFirst());
  }
}
