import { sql, type Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AchievementRepo,
  BroadcastRepo,
  ContentPackageRepo,
  DissonanceRepo,
  ExerciseRepo,
  GuideRepo,
  migrateToLatest,
  RoleChangeLogRepo,
  SchemaKitConflictError,
  SchemaKitValidationError,
  UserRepo,
  VOCABULARIES,
  VOCABULARY_NAMES,
  VocabularyRepo,
  type Database,
  type VocabularyName,
} from '../../src/index.js';
import { useTestDatabase } from '../helpers/database.js';

interface Writer {
  /** The table and column the vocabulary guards. */
  readonly table: keyof Database & string;
  readonly column: string;
  /** The input field a refusal names. */
  readonly field: string;
  /** Writes one row carrying `value` through the repository that owns the column. */
  write(db: Kysely<Database>, value: string, n: number): Promise<unknown>;
}

let userId = '';

/** For every host-owned vocabulary, the repository call that writes its column. */
const WRITERS: Record<VocabularyName, Writer> = {
  skill_level: { table: 'users', column: 'skill_level', field: 'user.skill_level', write: (db, value) => new UserRepo(db).create({ skill_level: value }) },
  content_category: {
    table: 'content_packages',
    column: 'category', field: 'contentPackage.category',
    write: (db, value) => new ContentPackageRepo(db).create({ title: 'p', category: value, package_type: 'free' }),
  },
  package_type: {
    table: 'content_packages',
    column: 'package_type', field: 'contentPackage.package_type',
    write: (db, value) => new ContentPackageRepo(db).create({ title: 'p', category: 'course', package_type: value }),
  },
  change_source: {
    table: 'user_role_change_log',
    column: 'change_source', field: 'change.change_source',
    write: (db, value) => new RoleChangeLogRepo(db).record({ user_id: userId, new_role: 'admin', changed_by: 'tg:1', change_source: value }),
  },
  exercise_type: {
    table: 'exercises',
    column: 'exercise_type', field: 'exercise.exercise_type',
    write: (db, value) => new ExerciseRepo(db).create({ title: 'e', description: 'd', exercise_type: value, difficulty: 'easy' }),
  },
  exercise_difficulty: {
    table: 'exercises',
    column: 'difficulty', field: 'exercise.difficulty',
    write: (db, value) => new ExerciseRepo(db).create({ title: 'e', description: 'd', exercise_type: 'debugging', difficulty: value }),
  },
  achievement_category: {
    table: 'achievements',
    column: 'category', field: 'definition.category',
    write: async (db, value, n) => (await new AchievementRepo(db).define({ slug: `a-${n}`, name: `a ${n}`, title: 'a', category: value })).achievement,
  },
  risk_level: {
    table: 'dissonance_records',
    column: 'risk_level', field: 'record.risk_level',
    write: (db, value) => new DissonanceRepo(db).record({ user_id: userId, dissonance_score: 0.5, risk_level: value }),
  },
  guide_category: { table: 'guides', column: 'category', field: 'guide.category', write: (db, value) => new GuideRepo(db).create({ title: 'g', category: value }) },
  guide_difficulty_level: {
    table: 'guides',
    column: 'difficulty_level', field: 'guide.difficulty_level',
    write: (db, value) => new GuideRepo(db).create({ title: 'g', category: 'how_to', difficulty_level: value }),
  },
  broadcast_message_type: {
    table: 'broadcasts',
    column: 'message_type', field: 'broadcast.message_type',
    write: (db, value) => new BroadcastRepo(db).create({ title: 'b', message_text: 'hi', message_type: value }),
  },
};

describe('host-owned vocabularies', () => {
  const database = useTestDatabase();
  const count = async (table: string) =>
    Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(`schema_kit.${table}`)}`.execute(database().db)).rows[0]!.n);

  beforeAll(async () => {
    expect((await migrateToLatest(database().db)).error).toBeUndefined();
    userId = (await new UserRepo(database().db).create({})).id;
  });

  it.each(VOCABULARY_NAMES)('%s: an unknown value is refused naming the field, nothing written; added by the host, it is accepted', async (name) => {
    const { table, column, field, write } = WRITERS[name];
    const value = `host_${name}`;
    const vocabularies = new VocabularyRepo(database().db);
    const before = await count(table);

    const error = await write(database().db, value, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaKitValidationError);
    expect((error as SchemaKitValidationError).field).toBe(field);
    expect((error as SchemaKitValidationError).message).toContain(name);
    expect((error as Error).cause).toMatchObject({ code: '23503' });
    expect(await count(table)).toBe(before);
    expect(await vocabularies.has(name, value)).toBe(false);

    expect(await vocabularies.add(name, value, { description: 'the host’s own' })).toMatchObject({ entry: { name: value, description: 'the host’s own' }, created: true });
    expect(await vocabularies.add(name, value)).toMatchObject({ entry: { description: 'the host’s own' }, created: false });
    const row = await write(database().db, value, 2);
    expect(row).toMatchObject({ [column]: value });
    expect(await count(table)).toBe(before + 1);
    expect((await vocabularies.list(name)).map((e) => e.name)).toEqual([...VOCABULARIES[name].defaults, value].sort());
  });

  it('guards user_memory.preferred_difficulty with the exercise_difficulty vocabulary too', async () => {
    const insert = (value: string) => sql`insert into schema_kit.user_memory (user_id, preferred_difficulty) values (${userId}, ${value})`.execute(database().db);
    await expect(insert('brutal')).rejects.toMatchObject({ code: '23503', constraint: 'user_memory_preferred_difficulty_fkey' });
    await new VocabularyRepo(database().db).add('exercise_difficulty', 'brutal');
    await insert('brutal');
  });

  it('checks the format of values and names before any SQL', async () => {
    const vocabularies = new VocabularyRepo(database().db);
    await expect(vocabularies.add('guide_category', 'Billing')).rejects.toMatchObject({ field: 'value' });
    await expect(vocabularies.add('nope' as VocabularyName, 'billing')).rejects.toMatchObject({ field: 'vocabulary' });
    await expect(new GuideRepo(database().db).create({ title: 'g', category: 'Not a value!' })).rejects.toMatchObject({ field: 'guide.category' });
  });

  it("says when a vocabulary's module is not installed", async () => {
    expect((await migrateToLatest(database().db, { schema: 'core_only', add: ['core'] })).error).toBeUndefined();
    const vocabularies = new VocabularyRepo(database().db, { schema: 'core_only' });
    expect((await vocabularies.list('skill_level')).map((e) => e.name)).toEqual([...VOCABULARIES.skill_level.defaults].sort());
    const error = await vocabularies.add('guide_category', 'billing').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaKitValidationError);
    expect(error).toMatchObject({ field: 'vocabulary', message: expect.stringContaining('module telegram') });
  });

  it('keeps a value in use: deleting it is a conflict, not a validation error', async () => {
    await new VocabularyRepo(database().db).add('guide_category', 'in_use');
    await new GuideRepo(database().db).create({ title: 'g', category: 'in_use' });
    const error = await sql`delete from schema_kit.guide_categories where name = 'in_use'`.execute(database().db).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: '23503', constraint: 'guides_category_fkey' });
    const { toSchemaKitError } = await import('../../src/database-errors.js');
    expect(toSchemaKitError(error)).toBeInstanceOf(SchemaKitConflictError);
  });
});
