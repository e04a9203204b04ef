import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { SchemaKitConflictError, SchemaKitNotFoundError, SchemaKitValidationError } from '../../../src/index.js';
import { AchievementRepo } from '../../../src/modules/achievements/index.js';
import { UserAchievementRepo } from '../../../src/modules/achievements/index.js';
import { createUser, useInstalledDatabase } from '../../helpers/installed.js';
import { nextClockTick } from '../../helpers/target.js';

describe('UserAchievementRepo', () => {
  const database = useInstalledDatabase(['achievements']);
  const badges = () => new UserAchievementRepo(database().db);
  const define = async (slug: string, fields: { requirement_value?: number | null; is_repeatable?: boolean } = {}) =>
    (await new AchievementRepo(database().db).define({ slug, name: slug, title: slug, category: 'exercise', ...fields })).achievement;
  const count = async () => (await sql<{ n: number }>`select count(*)::int as n from schema_kit.user_achievements`.execute(database().db)).rows[0]!.n;

  it('progresses toward the requirement and earns once, by slug or by id', async () => {
    const user = await createUser(database());
    const achievement = await define('three-in-a-row', { requirement_value: 3 });
    const first = await badges().progress(user, 'three-in-a-row');
    expect(first.justEarned).toBe(false);
    expect(first.userAchievement).toMatchObject({ user_id: user, achievement_id: achievement.id, progress_current: 1, progress_target: 3, earned: false, earned_at: null, times_earned: 0 });
    const earned = await badges().progress(user, achievement.id, 2);
    expect(earned.justEarned).toBe(true);
    expect(earned.userAchievement).toMatchObject({ progress_current: 3, earned: true, times_earned: 1 });
    expect(earned.userAchievement.earned_at).toBeInstanceOf(Date);
    const later = await badges().progress(user, 'three-in-a-row', 5);
    expect(later.justEarned).toBe(false);
    expect(later.userAchievement).toMatchObject({ progress_current: 8, earned: true, times_earned: 1, earned_at: earned.userAchievement.earned_at });
  });

  it('earns at once when the first progress reaches the target; no requirement means a target of 1', async () => {
    const user = await createUser(database());
    await define('one-shot', { requirement_value: null });
    expect(await badges().progress(user, 'one-shot')).toMatchObject({ justEarned: true, userAchievement: { progress_target: 1, times_earned: 1 } });
    await define('big-jump', { requirement_value: 10 });
    expect(await badges().progress(user, 'big-jump', 25)).toMatchObject({ justEarned: true, userAchievement: { progress_current: 25, times_earned: 1 } });
  });

  it('earns a non-repeatable achievement exactly once under 20 concurrent progress calls', async () => {
    const user = await createUser(database());
    await define('crowd', { requirement_value: 5 });
    const results = await Promise.all(Array.from({ length: 20 }, () => badges().progress(user, 'crowd')));
    expect(results.filter((r) => r.justEarned)).toHaveLength(1);
    const [row] = (await badges().listForUser(user)).items;
    expect(row).toMatchObject({ progress_current: 20, earned: true, times_earned: 1 });
    expect(await count()).toBeGreaterThan(0);
  });

  it('earns a repeatable achievement each time the target is reached, carrying the remainder, also concurrently', async () => {
    const user = await createUser(database());
    await define('every-five', { requirement_value: 5, is_repeatable: true });
    const results = await Promise.all(Array.from({ length: 20 }, () => badges().progress(user, 'every-five')));
    expect(results.filter((r) => r.justEarned)).toHaveLength(4);
    const after = await badges().progress(user, 'every-five', 7);
    expect(after).toMatchObject({ justEarned: true, userAchievement: { progress_current: 2, times_earned: 5, earned: true } });
    expect(await badges().progress(user, 'every-five', 2)).toMatchObject({ justEarned: false, userAchievement: { progress_current: 4, times_earned: 5 } });
  });

  it('lists the user achievements, newest first, optionally earned or not', async () => {
    const user = await createUser(database());
    for (const slug of ['l-a', 'l-b', 'l-c']) await define(slug, { requirement_value: 2 });
    await badges().progress(user, 'l-a', 2);
    await nextClockTick();
    await badges().progress(user, 'l-b');
    await nextClockTick();
    await badges().progress(user, 'l-c', 2);
    const page = await badges().listForUser(user, { limit: 2 });
    const rest = await badges().listForUser(user, { limit: 2, after: page.next! });
    expect([...page.items, ...rest.items].map((r) => r.progress_current)).toEqual([2, 1, 2]);
    expect((await badges().listForUser(user, { earned: true })).items).toHaveLength(2);
    expect((await badges().listForUser(user, { earned: false })).items).toHaveLength(1);
  });

  it('refuses unknown achievements and users', async () => {
    const user = await createUser(database());
    await expect(badges().progress(user, 'no-such-badge')).rejects.toBeInstanceOf(SchemaKitNotFoundError);
    await expect(badges().progress(user, '00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(SchemaKitNotFoundError);
    await define('exists');
    const error = await badges().progress('00000000-0000-4000-8000-000000000000', 'exists').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaKitConflictError);
    expect((error as SchemaKitConflictError).constraint).toBe('user_achievements_user_id_fkey');
  });

  it('refuses bad input with a typed error naming the field, writing nothing', async () => {
    const user = await createUser(database());
    await define('valid-one');
    const before = await count();
    const cases: [() => Promise<unknown>, string][] = [
      [() => badges().progress('me', 'valid-one'), 'userId'],
      [() => badges().progress(user, 'Valid One'), 'achievement'],
      [() => badges().progress(user, 'valid-one', 0), 'increment'],
      [() => badges().progress(user, 'valid-one', -3), 'increment'],
      [() => badges().progress(user, 'valid-one', 1.5), 'increment'],
      [() => badges().progress(user, 'valid-one', 10_000_000), 'increment'],
      [() => badges().listForUser(user, { earned: 'yes' as never }), 'options.earned'],
    ];
    for (const [call, field] of cases) {
      const error = await call().catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(SchemaKitValidationError);
      expect((error as SchemaKitValidationError).field, field).toBe(field);
    }
    expect(await count()).toBe(before);
  });

  it('a slug shaped like a uuid: refused by define, and one stored before still progresses (issue 14, item 5)', async () => {
    const user = await createUser(database());
    const slug = '123e4567-e89b-12d3-a456-426614174000';
    const error = await new AchievementRepo(database().db).define({ slug, name: 'uuid-like', title: 't', category: 'exercise' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaKitValidationError);
    expect((error as SchemaKitValidationError).field).toBe('definition.slug');
    // a row defined by an earlier release (or by the host's own SQL) is still found by its slug
    await database().owner.db.withSchema('schema_kit').insertInto('achievements').values({ slug, name: 'legacy uuid-like', title: 't', category: 'exercise' }).execute();
    const { userAchievement, justEarned } = await badges().progress(user, slug);
    expect(justEarned).toBe(true);
    expect(userAchievement.achievement_id).toBe((await new AchievementRepo(database().db).findBySlug(slug))!.id);
  });
});

