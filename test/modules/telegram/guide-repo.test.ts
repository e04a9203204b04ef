import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { SchemaKitNotFoundError, SchemaKitValidationError } from '../../../src/index.js';
import { GuideRepo } from '../../../src/modules/telegram/index.js';
import { useInstalledDatabase } from '../../helpers/installed.js';
import { nextClockTick } from '../../helpers/target.js';

describe('GuideRepo', () => {
  const database = useInstalledDatabase(['telegram']);
  const guides = () => new GuideRepo(database().db);
  const count = async () => (await sql<{ n: number }>`select count(*)::int as n from schema_kit.guides`.execute(database().db)).rows[0]!.n;

  it('creates a guide, gets it and counts views atomically', async () => {
    const guide = await guides().create({ title: 'Position sizing', category: 'reference', tags: ['basics', 'money'], content_url: 'https://telegra.ph/x' });
    expect(guide).toMatchObject({ title: 'Position sizing', category: 'reference', tags: ['basics', 'money'], difficulty_level: 'beginner', views_count: 0, is_active: true });
    expect(await guides().get(guide.id)).toEqual(guide);
    await Promise.all(Array.from({ length: 15 }, () => guides().countView(guide.id)));
    expect((await guides().get(guide.id))!.views_count).toBe(15);
    await expect(guides().countView('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(SchemaKitNotFoundError);
  });

  it('lists a category newest first in keyset pages', async () => {
    const titles = [];
    for (let i = 0; i < 7; i += 1) {
      titles.push((await guides().create({ title: `auto ${i}`, category: 'technical', difficulty_level: 'advanced' })).title);
      await nextClockTick();
    }
    await guides().create({ title: 'other', category: 'faq' });
    const first = await guides().listByCategory('technical', { limit: 4 });
    const second = await guides().listByCategory('technical', { limit: 4, after: first.next! });
    expect([...first.items, ...second.items].map((g) => g.title)).toEqual(titles.reverse());
    expect(second.next).toBeNull();
  });

  it('refuses bad input with a typed error naming the field, writing nothing', async () => {
    const before = await count();
    const cases: [() => Promise<unknown>, string][] = [
      [() => guides().create({ title: '', category: 'reference' }), 'guide.title'],
      [() => guides().create({ title: 't', category: 'crypto' as never }), 'guide.category'],
      [() => guides().create({ title: 't', category: 'reference', tags: ['ok', null as never] }), 'guide.tags.1'],
      [() => guides().create({ title: 't', category: 'reference', difficulty_level: 'Expert' }), 'guide.difficulty_level'],
      [() => guides().create({ title: 't', category: 'reference', views_count: 5 } as never), 'guide.views_count'],
      [() => guides().listByCategory('reference', { after: 'x' }), 'options.after'],
      [() => guides().countView('x'), 'id'],
    ];
    for (const [call, field] of cases) {
      const error = await call().catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(SchemaKitValidationError);
      expect((error as SchemaKitValidationError).field, field).toBe(field);
    }
    expect(await count()).toBe(before);
  });
});
