import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ContentPackageRepo, GuideRepo, migrateDown, migrateToLatest, SchemaKitValidationError, VocabularyRepo } from '../../src/index.js';
import { type Catalog } from '../../src/migrate/catalog.js';
import { SHIPPED_CATALOG } from '../../src/shipped.js';
import { migrateCatalogToLatest } from '../../src/migrate/migrate-to-latest.js';
import { MIGRATION_SOURCES } from '../../src/generated/migrations.js';
import { useTestDatabase } from '../helpers/database.js';
import { readSchemaManifest } from '../helpers/schema-manifest.js';

interface ReleaseFixture {
  readonly commit: string;
  readonly migrations: readonly { module: string; name: string; sha256: string }[];
}

const RELEASE: ReleaseFixture = JSON.parse(readFileSync(new URL('../fixtures/release-e953d1f-migrations.json', import.meta.url), 'utf8'));
const released = new Set(RELEASE.migrations.map((m) => `${m.module}/${m.name}`));

/** The shipped catalog as the previous release had it: only the migrations it shipped. */
const PREVIOUS_RELEASE: Catalog = SHIPPED_CATALOG.map((module) => ({
  ...module,
  migrations: module.migrations.filter((m) => released.has(`${module.name}/${m.name}`)),
}));
const NEW_MIGRATIONS = SHIPPED_CATALOG.reduce((n, module) => n + module.migrations.length, 0) - released.size;

describe(`an install of the previous release (git ${RELEASE.commit})`, () => {
  const database = useTestDatabase();
  const db = () => database().db;
  const schema = 'upgraded';
  const rows = async (query: string) => (await sql.raw<Record<string, unknown>>(query.replaceAll('S.', `${schema}.`)).execute(db())).rows;

  it('ships those migration files unchanged (applied migrations never change)', () => {
    for (const { module, name, sha256 } of RELEASE.migrations) {
      const file = MIGRATION_SOURCES[module]?.find((f) => f.name === name);
      expect(file, `${module}/${name}`).toBeDefined();
      expect(createHash('sha256').update(file!.sql).digest('hex'), `${module}/${name}`).toBe(sha256);
    }
    expect(NEW_MIGRATIONS).toBeGreaterThan(0);
  });

  it('upgrades in place with its data kept, to the schema a fresh install has, and back down', async () => {
    expect((await migrateCatalogToLatest(db() as unknown as Kysely<unknown>, PREVIOUS_RELEASE, { schema })).error).toBeUndefined();
    const previous = JSON.stringify(await readSchemaManifest(database().pool, schema));
    // data as the previous release stored it, with the trading guide categories it shipped
    await rows(`
      insert into S.users (id, skill_level, role, telegram_id) values
        ('00000000-0000-4000-8000-000000000001', 'expert', 'subscriber', 1),
        ('00000000-0000-4000-8000-000000000002', null, 'public', 2);
      insert into S.content_packages (id, title, category, package_type) values ('00000000-0000-4000-8000-0000000000a1', 'SQL', 'course', 'premium');
      insert into S.user_interests (user_id, package_id) values ('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-0000000000a1');
      insert into S.user_role_change_log (user_id, previous_role, new_role, changed_by, change_source)
        values ('00000000-0000-4000-8000-000000000001', 'public', 'subscriber', 'tg:9', 'admin');
      insert into S.exercises (id, title, description, exercise_type, difficulty) values ('00000000-0000-4000-8000-0000000000e1', 'e', 'd', 'debugging', 'hard');
      insert into S.user_memory (user_id, preferred_difficulty) values ('00000000-0000-4000-8000-000000000001', 'medium');
      insert into S.achievements (name, slug, title, category) values ('First', 'first', 'First', 'streak');
      insert into S.dissonance_records (user_id, dissonance_score, risk_level) values ('00000000-0000-4000-8000-000000000001', 0.9, 'critical');
      insert into S.guides (title, category, difficulty_level) values ('Position sizing', 'risk', 'advanced'), ('Journaling', 'psychology', 'beginner');
      insert into S.broadcasts (title, message_text, message_type, target_audience) values ('b', 'hi', 'photo', 'subscriber');`);
    const before = await rows(`
      select (select json_agg(u order by id) from S.users u) as users, (select json_agg(p) from S.content_packages p) as packages,
             (select json_agg(i) from S.user_interests i) as interests, (select json_agg(l) from S.user_role_change_log l) as log,
             (select json_agg(e) from S.exercises e) as exercises, (select json_agg(m) from S.user_memory m) as memory,
             (select json_agg(a) from S.achievements a) as achievements, (select json_agg(d) from S.dissonance_records d) as dissonance,
             (select json_agg(g order by title) from S.guides g) as guides, (select json_agg(b) from S.broadcasts b) as broadcasts`);

    const upgrade = await migrateToLatest(db(), { schema });
    expect(upgrade.error).toBeUndefined();
    expect(upgrade.results).toHaveLength(NEW_MIGRATIONS);

    // every row is kept as it was; content_packages gained a slug, null for existing packages,
    // users the Telegram profile fields (core 0003), unknown or false for existing users, and
    // broadcasts their audience kind (telegram 0003)
    const after = await rows(`
      select (select json_agg(to_jsonb(u) - 'language_code' - 'is_premium' - 'added_to_attachment_menu' order by id) from S.users u) as users,
             (select json_agg(to_jsonb(p) - 'slug') from S.content_packages p) as packages,
             (select json_agg(i) from S.user_interests i) as interests, (select json_agg(l) from S.user_role_change_log l) as log,
             (select json_agg(e) from S.exercises e) as exercises, (select json_agg(m) from S.user_memory m) as memory,
             (select json_agg(a) from S.achievements a) as achievements, (select json_agg(d) from S.dissonance_records d) as dissonance,
             (select json_agg(g order by title) from S.guides g) as guides,
             (select json_agg(to_jsonb(b) - 'audience_kind' - 'audience_package_id' - 'audience_category') from S.broadcasts b) as broadcasts`);
    expect(after).toEqual(before);
    expect(await rows(`select slug from S.content_packages`)).toEqual([{ slug: null }]);
    // existing broadcasts keep their role audience (telegram 0003)
    expect(await rows(`select distinct audience_kind from S.broadcasts`)).toEqual([{ audience_kind: 'role' }]);
    expect(await rows(`select distinct language_code, is_premium, added_to_attachment_menu from S.users`)).toEqual([
      { language_code: null, is_premium: false, added_to_attachment_menu: false },
    ]);

    // the trading categories its guides use stay valid; the unused ones are not seeded
    const vocabularies = new VocabularyRepo(db(), { schema });
    const categories = (await vocabularies.list('guide_category')).map((e) => e.name);
    expect(categories).toEqual(expect.arrayContaining(['how_to', 'reference', 'psychology', 'risk']));
    expect(categories).not.toContain('trading');
    const guides = new GuideRepo(db(), { schema });
    expect((await guides.create({ title: 'Stops', category: 'risk' })).category).toBe('risk');
    await expect(guides.create({ title: 'Invoices', category: 'billing' })).rejects.toBeInstanceOf(SchemaKitValidationError);
    await vocabularies.add('guide_category', 'billing');
    expect((await guides.create({ title: 'Invoices', category: 'billing' })).category).toBe('billing');
    const packages = new ContentPackageRepo(db(), { schema });
    expect((await packages.getOrCreate('sql', { title: 'SQL 2', category: 'course', package_type: 'free' })).created).toBe(true);

    // the upgraded schema is the one a fresh install of this release has (seeds aside)
    expect((await migrateToLatest(db(), { schema: 'fresh' })).error).toBeUndefined();
    expect(JSON.stringify(await readSchemaManifest(database().pool, schema))).toBe(JSON.stringify(await readSchemaManifest(database().pool, 'fresh')));

    // and the new migrations go back down to the previous release's schema, the old data intact
    await rows(`delete from S.guides where category not in ('risk', 'psychology'); delete from S.content_packages where slug is not null;`);
    const down = await migrateDown(db(), { schema, steps: NEW_MIGRATIONS });
    expect(down.error).toBeUndefined();
    expect(JSON.stringify(await readSchemaManifest(database().pool, schema))).toBe(previous);
    expect(await rows(`select count(*)::int as n from S.guides`)).toEqual([{ n: 3 }]);
  });
});
