import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { SchemaKitConflictError, SchemaKitValidationError } from '../../../src/index.js';
import { UserMemoryRepo } from '../../../src/modules/learning/index.js';
import { createUser, useInstalledDatabase } from '../../helpers/installed.js';

describe('UserMemoryRepo', () => {
  const database = useInstalledDatabase(['learning']);
  const memory = () => new UserMemoryRepo(database().db);
  const count = async () => (await sql<{ n: number }>`select count(*)::int as n from schema_kit.user_memory`.execute(database().db)).rows[0]!.n;

  it('ensures exactly one memory per user, even under concurrent calls', async () => {
    const user = await createUser(database());
    expect(await memory().get(user)).toBeUndefined();
    const results = await Promise.all(Array.from({ length: 10 }, () => memory().ensure(user)));
    expect(new Set(results.map((m) => m.id)).size).toBe(1);
    expect(results[0]).toMatchObject({ user_id: user, topic_mastery: {}, common_questions: [], total_exercises_completed: 0 });
    expect((await memory().get(user))!.id).toBe(results[0]!.id);
  });

  it('merges maps key by key and appends to lists, creating the memory on first write', async () => {
    const user = await createUser(database());
    const first = await memory().merge(user, { topic_mastery: { recursion: 0.5, loops: 0.9 } });
    expect(first.topic_mastery).toEqual({ recursion: 0.5, loops: 0.9 });
    const second = await memory().merge(user, { topic_mastery: { recursion: 0.8 }, interest_areas: { games: 1 } });
    expect(second).toMatchObject({ id: first.id, topic_mastery: { recursion: 0.8, loops: 0.9 }, interest_areas: { games: 1 } });
    await memory().append(user, { common_questions: ['What is a closure?'], identified_strengths: ['patience'] });
    const appended = await memory().append(user, { common_questions: ['Why recursion?', { q: 'nested' }] });
    expect(appended.common_questions).toEqual(['What is a closure?', 'Why recursion?', { q: 'nested' }]);
    expect(appended.identified_strengths).toEqual(['patience']);
    expect(appended.topic_mastery).toEqual({ recursion: 0.8, loops: 0.9 });
  });

  it('loses no key and no item under 20 concurrent merges and appends', async () => {
    const user = await createUser(database());
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? memory().merge(user, { topic_mastery: { [`t${i}`]: i } }) : memory().append(user, { common_questions: [`q${i}`] }))));
    const stored = (await memory().get(user))!;
    expect(Object.keys(stored.topic_mastery as object).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `t${2 * i + 1}`).sort());
    expect((stored.common_questions as string[]).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `q${2 * i}`).sort());
  });

  it('refuses an unknown user with a conflict naming the foreign key', async () => {
    const error = await memory().merge('00000000-0000-4000-8000-000000000000', { topic_mastery: { a: 1 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaKitConflictError);
    expect((error as SchemaKitConflictError).constraint).toBe('user_memory_user_id_fkey');
  });

  it('refuses bad input with a typed error naming the field, writing nothing', async () => {
    const user = await createUser(database());
    const before = await count();
    const cases: [() => Promise<unknown>, string][] = [
      [() => memory().merge(user, {}), 'patch'],
      [() => memory().merge(user, { topic_mastery: [1] as never }), 'patch.topic_mastery'],
      [() => memory().merge(user, { topic_mastery: { x: NaN } }), 'patch.topic_mastery.x'],
      [() => memory().merge(user, { skills: {} } as never), 'patch.skills'],
      [() => memory().append(user, { common_questions: 'one' as never }), 'items.common_questions'],
      [() => memory().append(user, { identified_strengths: ['a\u0000'] }), 'items.identified_strengths.0'],
      [() => memory().append(user, {}), 'items'],
      [() => memory().ensure('me'), 'userId'],
      [() => memory().get(''), 'userId'],
    ];
    for (const [call, field] of cases) {
      const error = await call().catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(SchemaKitValidationError);
      expect((error as SchemaKitValidationError).field, field).toBe(field);
    }
    expect(await count()).toBe(before);
  });
});
