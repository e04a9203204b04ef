import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { SchemaKitValidationError } from '../../../src/index.js';
import { ExerciseRepo } from '../../../src/modules/learning/index.js';
import { useInstalledDatabase } from '../../helpers/installed.js';

describe('ExerciseRepo', () => {
  const database = useInstalledDatabase(['learning']);
  const exercises = () => new ExerciseRepo(database().db);
  const count = async () => (await sql<{ n: number }>`select count(*)::int as n from schema_kit.exercises`.execute(database().db)).rows[0]!.n;
  const ok = { title: 'FizzBuzz', description: 'Print 1..100', exercise_type: 'algorithm', difficulty: 'easy' } as const;

  it('creates an exercise with JSON test cases and hints, and gets it', async () => {
    const exercise = await exercises().create({ ...ok, programming_language: 'python', test_cases: [{ in: 3, out: 'Fizz' }], hints: ['Use %'] });
    expect(exercise).toMatchObject({ ...ok, programming_language: 'python', test_cases: [{ in: 3, out: 'Fizz' }], hints: ['Use %'], is_active: true, solution: null });
    expect(await exercises().get(exercise.id)).toEqual(exercise);
    expect((await exercises().create(ok))).toMatchObject({ test_cases: [], hints: [] });
    expect(await exercises().get('00000000-0000-4000-8000-000000000000')).toBeUndefined();
  });

  it('refuses bad input with a typed error naming the field, writing nothing', async () => {
    const before = await count();
    const cases: [() => Promise<unknown>, string][] = [
      [() => exercises().create({ ...ok, title: '' }), 'exercise.title'],
      [() => exercises().create({ ...ok, exercise_type: 'quiz' as never }), 'exercise.exercise_type'],
      [() => exercises().create({ ...ok, difficulty: 'extreme' as never }), 'exercise.difficulty'],
      [() => exercises().create({ ...ok, hints: { first: 'x' } as never }), 'exercise.hints'],
      [() => exercises().create({ ...ok, test_cases: [{ n: Infinity }] }), 'exercise.test_cases.0.n'],
      [() => exercises().create({ ...ok, description: undefined as never }), 'exercise.description'],
      [() => exercises().get('fizzbuzz'), 'id'],
    ];
    for (const [call, field] of cases) {
      const error = await call().catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(SchemaKitValidationError);
      expect((error as SchemaKitValidationError).field, field).toBe(field);
    }
    expect(await count()).toBe(before);
  });
});
