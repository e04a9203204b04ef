import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { SchemaKitConflictError, SchemaKitValidationError } from '../../../src/index.js';
import { AchievementRepo } from '../../../src/modules/achievements/index.js';
import { useInstalledDatabase } from '../../helpers/installed.js';

describe('AchievementRepo', () => {
  const database = useInstalledDatabase(['achievements']);
  const achievements = () => new AchievementRepo(database().db);
  const count = async () => (await sql<{ n: number }>`select count(*)::int as n from schema_kit.achievements`.execute(database().db)).rows[0]!.n;
  const base = { slug: 'first-step', name: 'First step', title: 'Off you go', category: 'exercise' } as const;

  it('defines by slug: creates, then redefines exactly (left-out fields back to their defaults)', async () => {
    const first = await achievements().define({ ...base, requirement_value: 1, points: 10, is_hidden: true });
    expect(first.created).toBe(true);
    expect(first.achievement).toMatchObject({ ...base, requirement_value: 1, points: 10, is_hidden: true, is_repeatable: false, is_active: true });
    const again = await achievements().define({ ...base, title: 'Well begun', requirement_value: 3 });
    expect(again.created).toBe(false);
    expect(again.achievement).toMatchObject({ id: first.achievement.id, title: 'Well begun', requirement_value: 3, points: 0, is_hidden: false });
    expect(await achievements().findBySlug('first-step')).toEqual(again.achievement);
    expect(await achievements().get(first.achievement.id)).toEqual(again.achievement);
    expect(await achievements().findBySlug('nope')).toBeUndefined();
  });

  it('defines concurrently without duplicates', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => achievements().define({ ...base, slug: 'raced', name: 'Raced', points: i })));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.achievement.id)).size).toBe(1);
  });

  it('refuses a name taken by another slug with a conflict naming the key', async () => {
    await achievements().define({ ...base, slug: 'named', name: 'Unique name' });
    const error = await achievements().define({ ...base, slug: 'other', name: 'Unique name' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaKitConflictError);
    expect((error as SchemaKitConflictError).constraint).toBe('achievements_name_key');
  });

  it('lists a category by display order in keyset pages', async () => {
    const orders = [5, 1, 3, 3, 2, 4, 0];
    for (const [i, display_order] of orders.entries()) {
      await achievements().define({ slug: `streak-${i}`, name: `Streak ${i}`, title: 'S', category: 'streak', display_order });
    }
    const seen = [];
    let after: string | null = null;
    do {
      const page = await achievements().listByCategory('streak', { limit: 3, ...(after ? { after } : {}) });
      seen.push(...page.items);
      after = page.next;
    } while (after);
    expect(seen.map((a) => a.display_order)).toEqual([...orders].sort());
    expect(new Set(seen.map((a) => a.id)).size).toBe(orders.length);
    expect((await achievements().listByCategory('mentorship')).items).toEqual([]);
  });

  it('refuses bad input with a typed error naming the field, writing nothing', async () => {
    const before = await count();
    const cases: [() => Promise<unknown>, string][] = [
      [() => achievements().define({ ...base, slug: 'Not A Slug' }), 'definition.slug'],
      [() => achievements().define({ ...base, slug: 'a'.repeat(101) }), 'definition.slug'],
      [() => achievements().define({ ...base, category: 'karma' as never }), 'definition.category'],
      [() => achievements().define({ ...base, points: -1 }), 'definition.points'],
      [() => achievements().define({ ...base, requirement_value: 2.5 }), 'definition.requirement_value'],
      [() => achievements().define({ ...base, name: '' }), 'definition.name'],
      [() => achievements().define({ ...base, id: '00000000-0000-4000-8000-000000000000' } as never), 'definition.id'],
      [() => achievements().listByCategory('Karma!'), 'category'],
      [() => achievements().findBySlug('-x'), 'slug'],
      [() => achievements().get('first-step'), 'id'],
    ];
    for (const [call, field] of cases) {
      const error = await call().catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(SchemaKitValidationError);
      expect((error as SchemaKitValidationError).field, field).toBe(field);
    }
    expect(await count()).toBe(before);
  });
});
