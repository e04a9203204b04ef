import type { JsonValue } from '../../schema/column-types.js';
import type { Exercise } from './tables.js';
import { uuid } from '../../validation/common.js';
import { newExerciseSchema, type NewExerciseInput } from './validation.js';
import { parseInput } from '../../validation/parse.js';
import { repoContext, type Executor, type RepoContext, type RepoOptions } from '../../repos/repo-context.js';
import { run } from '../../repos/run.js';
import { writtenInput } from '../../vocabulary/references.js';
import { learningModule } from './descriptor.js';

/** The input 'exercise' this repository writes, for the errors its vocabularies raise. */
const EXERCISE_INPUT = writtenInput('exercise', learningModule);

const COLUMNS = [
  'id', 'title', 'description', 'exercise_type', 'difficulty', 'programming_language', 'starter_code', 'solution',
  'test_cases', 'hints', 'is_active', 'created_at', 'updated_at',
] as const;

/**
 * Programming exercises on `exercises`; a user's progress on them is {@link UserExerciseRepo}'s.
 *
 * ### Examples
 * ```ts
 * const exercises = new ExerciseRepo(db);
 * const e = await exercises.create({ title: 'FizzBuzz', description: '...', exercise_type: 'algorithm', difficulty: 'easy', hints: ['Use %'] });
 * ```
 */
export class ExerciseRepo {
  readonly #ctx: RepoContext;

  /** Wraps the host's Kysely instance or transaction; `options.schema` defaults to `'schema_kit'`. */
  constructor(db: Executor, options?: RepoOptions) {
    this.#ctx = repoContext(db, options, this, 'exercises');
  }

  /** Creates an exercise; `test_cases` and `hints` are JSON arrays (default `[]`). */
  async create(exercise: NewExerciseInput): Promise<Exercise> {
    const row = parseInput(newExerciseSchema, exercise, 'exercise');
    return run(
      this.#ctx.db
        .insertInto('exercises')
        .values({
          ...row,
          test_cases: JSON.stringify(row.test_cases ?? []) as unknown as JsonValue,
          hints: JSON.stringify(row.hints ?? []) as unknown as JsonValue,
        })
        .returning(COLUMNS)
        .executeTakeFirstOrThrow(),
      EXERCISE_INPUT,
    );
  }

  /** The exercise with this id, or undefined. */
  async get(id: string): Promise<Exercise | undefined> {
    const exerciseId = parseInput(uuid, id, 'id');
    return run(this.#ctx.db.selectFrom('exercises').select(COLUMNS).where('id', '=', exerciseId).executeTakeFirst());
  }
}
