import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { SchemaKitConflictError, SchemaKitNotFoundError, SchemaKitValidationError } from '../../../src/index.js';
import { GuideCollectionRepo } from '../../../src/modules/telegram/index.js';
import { GuideRepo } from '../../../src/modules/telegram/index.js';
import { createUser, useInstalledDatabase } from '../../helpers/installed.js';
import { nextClockTick } from '../../helpers/target.js';

describe('GuideCollectionRepo', () => {
  const database = useInstalledDatabase(['telegram']);
  const saved = () => new GuideCollectionRepo(database().db);
  const newGuide = async (title = 'g') => (await new GuideRepo(database().db).create({ title, category: 'how_to' })).id;
  const count = async () => (await sql<{ n: number }>`select count(*)::int as n from schema_kit.user_guide_collections`.execute(database().db)).rows[0]!.n;

  it('saves idempotently, even under concurrent saves', async () => {
    const [user, guide] = [await createUser(database()), await newGuide()];
    const results = await Promise.all(Array.from({ length: 10 }, () => saved().save(user, guide)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.entry.id)).size).toBe(1);
    expect(results[0]!.entry).toMatchObject({ user_id: user, guide_id: guide, is_read: false, times_viewed: 0, last_viewed_at: null });
  });

  it('counts views atomically and marks the guide read; removes', async () => {
    const [user, guide] = [await createUser(database()), await newGuide()];
    await saved().save(user, guide);
    await Promise.all(Array.from({ length: 12 }, () => saved().markViewed(user, guide)));
    const viewed = await saved().markViewed(user, guide);
    expect(viewed).toMatchObject({ times_viewed: 13, is_read: true });
    expect(viewed.last_viewed_at).toBeInstanceOf(Date);
    expect(await saved().remove(user, guide)).toBe(true);
    expect(await saved().remove(user, guide)).toBe(false);
    await expect(saved().markViewed(user, guide)).rejects.toBeInstanceOf(SchemaKitNotFoundError);
  });

  it("pages a user's saved guides, most recently saved first", async () => {
    const user = await createUser(database());
    const guides = [];
    for (let i = 0; i < 5; i += 1) guides.push(await newGuide(`p${i}`));
    for (const g of guides) {
      await saved().save(user, g);
      await nextClockTick();
    }
    const first = await saved().listForUser(user, { limit: 3 });
    const second = await saved().listForUser(user, { limit: 3, after: first.next! });
    expect([...first.items, ...second.items].map((e) => e.guide_id)).toEqual([...guides].reverse());
    expect(second.next).toBeNull();
  });

  it('refuses unknown guides with a conflict naming the foreign key', async () => {
    const error = await saved().save(await createUser(database()), '00000000-0000-4000-8000-000000000000').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaKitConflictError);
    expect((error as SchemaKitConflictError).constraint).toBe('user_guide_collections_guide_id_fkey');
  });

  it('refuses bad input with a typed error naming the field, writing nothing', async () => {
    const [user, guide] = [await createUser(database()), await newGuide()];
    const before = await count();
    const cases: [() => Promise<unknown>, string][] = [
      [() => saved().save('u', guide), 'userId'],
      [() => saved().save(user, 'g'), 'guideId'],
      [() => saved().markViewed(user, undefined as never), 'guideId'],
      [() => saved().remove(null as never, guide), 'userId'],
      [() => saved().listForUser(user, { limit: -1 }), 'options.limit'],
      [() => saved().listForUser(user, { offset: 5 } as never), 'options.offset'],
    ];
    for (const [call, field] of cases) {
      const error = await call().catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(SchemaKitValidationError);
      expect((error as SchemaKitValidationError).field, field).toBe(field);
    }
    expect(await count()).toBe(before);
  });
});
