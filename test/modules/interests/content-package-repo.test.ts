import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ContentPackageRepo, SchemaKitConflictError, SchemaKitNotFoundError, SchemaKitValidationError, UserInterestRepo, VocabularyRepo } from '../../../src/index.js';
import { createUser, useInstalledDatabase } from '../../helpers/installed.js';
import { nextClockTick } from '../../helpers/target.js';

describe('ContentPackageRepo', () => {
  const database = useInstalledDatabase(['interests']);
  const packages = () => new ContentPackageRepo(database().db);
  const count = async () => (await sql<{ n: number }>`select count(*)::int as n from schema_kit.content_packages`.execute(database().db)).rows[0]!.n;

  it('creates, reads, updates and deactivates a package', async () => {
    const created = await packages().create({ title: 'Intro to SQL', category: 'course', package_type: 'free', slug: 'intro-sql', description: 'basics' });
    expect(created).toMatchObject({ title: 'Intro to SQL', slug: 'intro-sql', category: 'course', package_type: 'free', is_active: true, description: 'basics' });
    expect(await packages().get(created.id)).toEqual(created);
    expect(await packages().getBySlug('intro-sql')).toEqual(created);
    expect(await packages().getBySlug('nope')).toBeUndefined();
    const updated = await packages().update(created.id, { title: 'SQL 101', package_type: 'premium' });
    expect(updated).toMatchObject({ title: 'SQL 101', package_type: 'premium', slug: 'intro-sql', description: 'basics' });
    expect(updated.updated_at.getTime()).toBeGreaterThanOrEqual(created.updated_at.getTime());
    expect((await packages().deactivate(created.id)).is_active).toBe(false);
    await expect(packages().update('00000000-0000-4000-8000-000000000000', { title: 'x' })).rejects.toBeInstanceOf(SchemaKitNotFoundError);
    await expect(packages().deactivate('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(SchemaKitNotFoundError);
    const taken = await packages().create({ title: 'dup', category: 'course', package_type: 'free', slug: 'intro-sql' }).catch((e: unknown) => e);
    expect(taken).toBeInstanceOf(SchemaKitConflictError);
    expect((taken as SchemaKitConflictError).constraint).toBe('content_packages_slug_key');
  });

  it('20 concurrent get-or-create calls for one slug create one package', async () => {
    const before = await count();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => packages().getOrCreate('race', { title: `racer ${i}`, category: 'event', package_type: 'free' })),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.package.id)).size).toBe(1);
    expect(await count()).toBe(before + 1);
    // an existing package is returned as it is
    expect(await packages().getOrCreate('race', { title: 'other', category: 'course', package_type: 'premium' })).toMatchObject({
      created: false,
      package: { id: results[0]!.package.id, title: results.find((r) => r.created)!.package.title, category: 'event' },
    });
  });

  it('lists a category newest first in keyset pages, active only unless asked', async () => {
    await new VocabularyRepo(database().db).add('content_category', 'podcast');
    const made = [];
    for (let i = 0; i < 5; i += 1) {
      made.push(await packages().create({ title: `episode ${i}`, category: 'podcast', package_type: 'free' }));
      await nextClockTick();
    }
    await packages().create({ title: 'a course', category: 'course', package_type: 'free' });
    await packages().deactivate(made[2]!.id);
    const first = await packages().listByCategory('podcast', { limit: 2 });
    const second = await packages().listByCategory('podcast', { limit: 2, after: first.next! });
    expect([...first.items, ...second.items].map((p) => p.title)).toEqual(['episode 4', 'episode 3', 'episode 1', 'episode 0']);
    expect(second.next).toBeNull();
    expect((await packages().listByCategory('podcast', { includeInactive: true })).items).toHaveLength(5);
  });

  it('lists interests with their package in one query', async () => {
    const user = await createUser(database());
    const interests = new UserInterestRepo(database().db);
    const a = (await packages().getOrCreate('pkg-a', { title: 'A', category: 'guide', package_type: 'free' })).package;
    const b = (await packages().getOrCreate('pkg-b', { title: 'B', category: 'tool', package_type: 'premium' })).package;
    await interests.add(user, a.id);
    await interests.add(user, b.id);
    await interests.markAttended(user, b.id);
    const page = await interests.listForUser(user, { include: 'package', limit: 1 });
    expect(page.items[0]).toMatchObject({ user_id: user, package_id: b.id, package: b });
    expect(page.items[0]!.package.created_at).toBeInstanceOf(Date);
    const rest = await interests.listForUser(user, { include: 'package', after: page.next! });
    expect(rest.items.map((i) => i.package.title)).toEqual(['A']);
    expect((await interests.listForUser(user)).items[0]).not.toHaveProperty('package');
    const attended = await interests.listForPackage(b.id, { attended: true, include: 'package' });
    expect(attended.items.map((i) => [i.user_id, i.package.slug])).toEqual([[user, 'pkg-b']]);
    expect((await interests.listForPackage(a.id, { attended: true, include: 'package' })).items).toEqual([]);
  });

  it('refuses bad input naming the field, writing nothing', async () => {
    const before = await count();
    for (const [call, field] of [
      [() => packages().create({ title: '', category: 'course', package_type: 'free' }), 'contentPackage.title'],
      [() => packages().create({ title: 't', category: 'course', package_type: 'free', slug: 'Not A Slug' }), 'contentPackage.slug'],
      [() => packages().create({ title: 't', category: 'webinar', package_type: 'free' }), 'contentPackage.category'],
      [() => packages().getOrCreate('ok', { title: 't', category: 'course', package_type: 'lifetime' }), 'defaults.package_type'],
      [() => packages().getOrCreate('-bad-', { title: 't', category: 'course', package_type: 'free' }), 'slug'],
      [() => packages().update('00000000-0000-4000-8000-000000000000', {}), 'patch'],
      [() => packages().listByCategory('Course'), 'category'],
      [() => new UserInterestRepo(database().db).listForUser('00000000-0000-4000-8000-000000000000', { include: 'packages' as never }), 'options.include'],
    ] as const) {
      const error = await call().catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(SchemaKitValidationError);
      expect((error as SchemaKitValidationError).field, field).toBe(field);
    }
    expect(await count()).toBe(before);
  });
});
