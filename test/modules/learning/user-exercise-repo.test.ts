import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { SchemaKitConflictError, SchemaKitValidationError } from '../../../src/index.js';
import { ExerciseRepo } from '../../../src/modules/learning/index.js';
import { UserExerciseRepo } from '../../../src/modules/learning/index.js';
import { UserMemoryRepo } from '../../../src/modules/learning/index.js';
import { createUser, useInstalledDatabase } from '../../helpers/installed.js';

describe('UserExerciseRepo', () => {
  const database = useInstalledDatabase(['learning']);
  const progress = () => new UserExerciseRepo(database().db);
  const newExercise = async (title = 'E') =>
    (await new ExerciseRepo(database().db).create({ title, description: 'd', exercise_type: 'practical', difficulty: 'medium' })).id;
  const counters = async (user: string) => {
    const m = await new UserMemoryRepo(database().db).get(user);
    return m && [m.total_exercises_attempted, m.total_exercises_completed, m.total_exercises_skipped];
  };
  /** The counters as derived from user_exercises: what user_memory must always agree with. */
  const derived = async (user: string) => {
    const { rows } = await sql<{ a: number; c: number; s: number }>`
      select count(*) filter (where attempts > 0)::int as a, count(*) filter (where status = 'completed')::int as c,
             count(*) filter (where status = 'skipped')::int as s
      from schema_kit.user_exercises where user_id = ${user}`.execute(database().db);
    return [rows[0]!.a, rows[0]!.c, rows[0]!.s];
  };
  const rowCount = async () => (await sql<{ n: number }>`select (select count(*) from schema_kit.user_exercises) + (select count(*) from schema_kit.user_memory) as n`.execute(database().db)).rows[0]!.n;

  it('starts, hints and completes, keeping the row and the memory counters consistent', async () => {
    const [user, exercise] = [await createUser(database()), await newExercise()];
    expect(await progress().get(user, exercise)).toBeUndefined();
    const started = await progress().start(user, exercise);
    expect(started).toMatchObject({ status: 'in_progress', attempts: 1, hints_used: 0, completed_at: null });
    expect(started.started_at).toBeInstanceOf(Date);
    expect(await counters(user)).toEqual([1, 0, 0]);
    expect((await progress().useHint(user, exercise)).hints_used).toBe(1);
    expect((await progress().useHint(user, exercise)).hints_used).toBe(2);
    const restarted = await progress().start(user, exercise);
    expect(restarted).toMatchObject({ attempts: 2, started_at: started.started_at });
    const done = await progress().complete(user, exercise, { grade: 9.5, submitted_code: 'print(1)', feedback: 'good', time_spent_seconds: 120 });
    expect(done).toMatchObject({ status: 'completed', attempts: 2, hints_used: 2, grade: 9.5, submitted_code: 'print(1)', feedback: 'good', time_spent_seconds: 120 });
    expect(done.completed_at).toBeInstanceOf(Date);
    expect(await counters(user)).toEqual([1, 1, 0]);
    // a resubmission keeps the first completion time and adds the time spent; nothing counts twice
    const again = await progress().complete(user, exercise, { grade: 10, time_spent_seconds: 30 });
    expect(again).toMatchObject({ grade: 10, submitted_code: 'print(1)', time_spent_seconds: 150, completed_at: done.completed_at });
    expect((await progress().skip(user, exercise)).status).toBe('completed');
    expect((await progress().start(user, exercise)).status).toBe('completed');
    expect(await counters(user)).toEqual([1, 1, 0]);
    expect(await derived(user)).toEqual(await counters(user));
  });

  it('counts skips, and a completion after a skip moves the exercise between counters', async () => {
    const user = await createUser(database());
    const [a, b, c] = [await newExercise('a'), await newExercise('b'), await newExercise('c')];
    await progress().skip(user, a);
    expect(await counters(user)).toEqual([0, 0, 1]);
    await progress().start(user, b);
    await progress().skip(user, b);
    expect(await counters(user)).toEqual([1, 0, 2]);
    expect(await progress().complete(user, a)).toMatchObject({ status: 'completed', attempts: 1 });
    await progress().complete(user, c);
    expect(await counters(user)).toEqual([3, 2, 1]);
    expect(await derived(user)).toEqual(await counters(user));
  });

  it('keeps the counters exact under concurrent progress on many exercises', async () => {
    const user = await createUser(database());
    const exercises = await Promise.all(Array.from({ length: 8 }, (_, i) => newExercise(`race${i}`)));
    const calls = exercises.flatMap((e, i) => [
      () => progress().start(user, e),
      () => (i % 3 === 0 ? progress().skip(user, e) : progress().complete(user, e, { time_spent_seconds: 10 })),
      () => progress().start(user, e),
      () => progress().useHint(user, e),
    ]);
    await Promise.all(calls.map((call) => call()));
    expect(await derived(user)).toEqual(await counters(user));
  });

  it('rolls back the progress row when the memory cannot be written, inside a host transaction', async () => {
    const [user, exercise] = [await createUser(database()), await newExercise()];
    await database().db.transaction().execute(async (trx) => {
      await new UserExerciseRepo(trx).start(user, exercise);
      await expect(new UserExerciseRepo(trx).start(user, '00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(SchemaKitConflictError);
      // the failed call undid only its own work: the host's transaction goes on
      expect((await new UserExerciseRepo(trx).get(user, exercise))!.attempts).toBe(1);
    });
    expect(await counters(user)).toEqual([1, 0, 0]);
  });

  it('refuses bad input with a typed error naming the field, writing nothing', async () => {
    const [user, exercise] = [await createUser(database()), await newExercise()];
    const before = await rowCount();
    const cases: [() => Promise<unknown>, string][] = [
      [() => progress().start('u', exercise), 'userId'],
      [() => progress().skip(user, 'e'), 'exerciseId'],
      [() => progress().complete(user, exercise, { grade: -1 }), 'completion.grade'],
      [() => progress().complete(user, exercise, { time_spent_seconds: 1.5 }), 'completion.time_spent_seconds'],
      [() => progress().complete(user, exercise, { submitted_code: 'x\u0000' }), 'completion.submitted_code'],
      [() => progress().complete(user, exercise, { status: 'completed' } as never), 'completion.status'],
      [() => progress().useHint(user, ''), 'exerciseId'],
    ];
    for (const [call, field] of cases) {
      const error = await call().catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(SchemaKitValidationError);
      expect((error as SchemaKitValidationError).field, field).toBe(field);
    }
    expect(await rowCount()).toBe(before);
  });
});
