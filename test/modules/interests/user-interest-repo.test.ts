import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { SchemaKitConflictError, SchemaKitNotFoundError, SchemaKitValidationError, UserInterestRepo, UserRepo, type User, type UserInterestWithUser } from '../../../src/index.js';
import { createUser, useInstalledDatabase } from '../../helpers/installed.js';
import type { TestDatabase } from '../../helpers/database.js';

async function createPackage(database: TestDatabase, title = 'Intro'): Promise<string> {
  const row = await database.db.withSchema('schema_kit').insertInto('content_packages')
    .values({ title, category: 'course', package_type: 'free' }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

describe('UserInterestRepo', () => {
  const database = useInstalledDatabase(['interests']);
  const interests = () => new UserInterestRepo(database().db);
  const count = async () => (await sql<{ n: number }>`select count(*)::int as n from schema_kit.user_interests`.execute(database().db)).rows[0]!.n;

  it('adds idempotently, even under concurrent adds of the same pair', async () => {
    const [user, pkg] = [await createUser(database()), await createPackage(database())];
    const results = await Promise.all(Array.from({ length: 20 }, () => interests().add(user, pkg)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.interest.id)).size).toBe(1);
    expect(results[0]!.interest).toMatchObject({ user_id: user, package_id: pkg, is_attended: false, attended_at: null });
  });

  it('marks attended, filters by attendance, removes, and cascades from users', async () => {
    const pkg = await createPackage(database(), 'Workshop');
    const users = await Promise.all(Array.from({ length: 6 }, () => createUser(database())));
    for (const u of users) await interests().add(u, pkg);
    const attended = await interests().markAttended(users[0]!, pkg);
    expect(attended.is_attended).toBe(true);
    expect(attended.attended_at).toBeInstanceOf(Date);
    expect((await interests().markAttended(users[0]!, pkg)).attended_at).toEqual(attended.attended_at);
    await interests().markAttended(users[1]!, pkg);
    expect((await interests().listForPackage(pkg, { attended: true })).items.map((i) => i.user_id).sort()).toEqual([users[0], users[1]].sort());
    expect((await interests().listForPackage(pkg, { attended: false })).items).toHaveLength(4);
    expect((await interests().markAttended(users[1]!, pkg, false)).attended_at).toBeNull();

    expect(await interests().remove(users[2]!, pkg)).toBe(true);
    expect(await interests().remove(users[2]!, pkg)).toBe(false);
    await expect(interests().markAttended(users[2]!, pkg)).rejects.toBeInstanceOf(SchemaKitNotFoundError);

    await database().db.withSchema('schema_kit').deleteFrom('users').where('id', '=', users[3]!).execute();
    expect((await interests().listForUser(users[3]!)).items).toEqual([]);
    expect((await interests().listForPackage(pkg)).items).toHaveLength(4);
  });

  it("lists a package's followers with their users in the same query (include: 'user'), in keyset pages", async () => {
    const pkg = await createPackage(database(), 'Followed');
    const users = new UserRepo(database().db);
    const followers: User[] = [];
    for (let i = 0; i < 5; i += 1) followers.push(await users.create({ telegram_id: 9_007_199_254_740_993n + BigInt(i), language_code: 'en', name: `f${i}` }));
    for (const f of followers) await interests().add(f.id, pkg);
    const seen: UserInterestWithUser[] = [];
    let after: string | undefined;
    do {
      const page = await interests().listForPackage(pkg, { include: 'user', limit: 2, ...(after ? { after } : {}) });
      seen.push(...page.items);
      after = page.next ?? undefined;
    } while (after);
    expect(seen.map((i) => i.user.id).sort()).toEqual(followers.map((f) => f.id).sort());
    const first = seen.find((i) => i.user.id === followers[0]!.id)!;
    expect(first.user).toEqual(followers[0]); // every column as UserRepo reads it: a bigint as text, times as Dates
    expect(first.user.telegram_id).toBe('9007199254740993');
  });

  it('pages a user\'s interests with keyset cursors', async () => {
    const user = await createUser(database());
    const pkgs = [];
    for (let i = 0; i < 7; i += 1) pkgs.push(await createPackage(database(), `p${i}`));
    for (const p of pkgs) await interests().add(user, p);
    const first = await interests().listForUser(user, { limit: 3 });
    const second = await interests().listForUser(user, { limit: 3, after: first.next! });
    const third = await interests().listForUser(user, { limit: 3, after: second.next! });
    const seen = [...first.items, ...second.items, ...third.items];
    expect(new Set(seen.map((i) => i.package_id))).toEqual(new Set(pkgs));
    // the pages read, in order, what one newest-first scan reads; ties on created_at (PGlite's clock
    // counts milliseconds) are broken by id
    const scan = await database().db.withSchema('schema_kit').selectFrom('user_interests').select('id')
      .where('user_id', '=', user).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    expect(seen.map((i) => i.id)).toEqual(scan.map((r) => r.id));
    if (new Set(seen.map((i) => i.created_at.getTime())).size === seen.length) {
      expect(seen.map((i) => i.package_id)).toEqual([...pkgs].reverse()); // distinct times: insertion order, reversed
    }
    expect(third.next).toBeNull();
  });

  it('refuses unknown users or packages with a conflict naming the foreign key', async () => {
    const pkg = await createPackage(database());
    const error = await interests().add('00000000-0000-4000-8000-000000000000', pkg).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaKitConflictError);
    expect((error as SchemaKitConflictError).constraint).toBe('user_interests_user_id_fkey');
  });

  it('refuses bad input with a typed error naming the field, writing nothing', async () => {
    const before = await count();
    const cases: [() => Promise<unknown>, string][] = [
      [() => interests().add('nope', '00000000-0000-4000-8000-000000000000'), 'userId'],
      [() => interests().add('00000000-0000-4000-8000-000000000000', ''), 'packageId'],
      [() => interests().listForPackage('00000000-0000-4000-8000-000000000000', { attended: 'yes' as never }), 'options.attended'],
      [() => interests().listForUser('00000000-0000-4000-8000-000000000000', { after: "x' or 1=1" }), 'options.after'],
    ];
    for (const [call, field] of cases) {
      const error = await call().catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(SchemaKitValidationError);
      expect((error as SchemaKitValidationError).field, field).toBe(field);
    }
    expect(await count()).toBe(before);
  });
});
