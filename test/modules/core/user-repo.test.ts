import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { SchemaKitConflictError, SchemaKitNotFoundError, SchemaKitValidationError } from '../../../src/index.js';
import { UserRepo } from '../../../src/modules/core/index.js';
import { useInstalledDatabase } from '../../helpers/installed.js';

describe('UserRepo', () => {
  const database = useInstalledDatabase(['core']);
  const users = () => new UserRepo(database().db);
  const count = async () => (await sql<{ n: number }>`select count(*)::int as n from schema_kit.users`.execute(database().db)).rows[0]!.n;

  it('creates a user and finds it by every identity, the email case-insensitively', async () => {
    const user = await users().create({
      email: 'Ada@Example.com', telegram_id: 4242, github_id: 'gh-ada', google_id: 'g-ada', name: 'Ada', skill_level: 'expert', preferences: { lang: 'en' },
    });
    expect(user).toMatchObject({ email: 'Ada@Example.com', telegram_id: '4242', role: 'public', is_active: true, preferences: { lang: 'en' } });
    expect((await users().findById(user.id))?.id).toBe(user.id);
    expect((await users().findByEmail('ada@EXAMPLE.com'))?.id).toBe(user.id);
    expect((await users().findByTelegramId('4242'))?.id).toBe(user.id);
    expect((await users().findByTelegramId(4242n))?.id).toBe(user.id);
    expect((await users().findByGithubId('gh-ada'))?.id).toBe(user.id);
    expect((await users().findByGoogleId('g-ada'))?.id).toBe(user.id);
    expect(await users().findByEmail('nobody@example.com')).toBeUndefined();
    expect(await users().findById('00000000-0000-4000-8000-000000000000')).toBeUndefined();
  });

  it('refuses a taken identity with a conflict naming the unique key', async () => {
    await users().create({ email: 'taken@example.com' });
    const error = await users().create({ email: 'TAKEN@example.com' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaKitConflictError);
    expect((error as SchemaKitConflictError).constraint).toBe('users_email_key');
  });

  it('upserts a Telegram sender: created once, names refreshed after', async () => {
    const first = await users().upsertTelegramUser({ telegram_id: 9001, telegram_username: 'ada', telegram_first_name: 'Ada' });
    expect(first.created).toBe(true);
    expect(first.user).toMatchObject({ telegram_id: '9001', telegram_username: 'ada', telegram_first_name: 'Ada', telegram_last_name: null });
    const again = await users().upsertTelegramUser({ telegram_id: '9001', telegram_username: 'ada_l', telegram_last_name: 'Lovelace' });
    expect(again.created).toBe(false);
    expect(again.user).toMatchObject({ id: first.user.id, telegram_username: 'ada_l', telegram_first_name: null, telegram_last_name: 'Lovelace' });
    expect('created' in again.user).toBe(false);
  });

  it('creates one user for concurrent first messages from one Telegram user', async () => {
    const before = await count();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => users().upsertTelegramUser({ telegram_id: 777_000_111, telegram_first_name: `n${i}` })));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.user.id)).size).toBe(1);
    expect(await count()).toBe(before + 1);
  });

  it('upserts inside the host transaction and reports created there too', async () => {
    await database().db.transaction().execute(async (trx) => {
      const repo = new UserRepo(trx);
      expect((await repo.upsertTelegramUser({ telegram_id: 31337 })).created).toBe(true);
      expect((await repo.upsertTelegramUser({ telegram_id: 31337 })).created).toBe(false);
    });
  });

  it('deactivates a user', async () => {
    const user = await users().create({ name: 'Leaving' });
    expect((await users().deactivate(user.id)).is_active).toBe(false);
    await expect(users().deactivate('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(SchemaKitNotFoundError);
  });

  it('refuses bad input with a typed error naming the field, writing nothing', async () => {
    const before = await count();
    const cases: [() => Promise<unknown>, string][] = [
      [() => users().create({ email: 'not an email' }), 'user.email'],
      [() => users().create({ telegram_id: -5 }), 'user.telegram_id'],
      [() => users().create({ telegram_id: '99999999999999999999' }), 'user.telegram_id'],
      [() => users().create({ skill_level: 'guru' as never }), 'user.skill_level'],
      [() => users().create({ role: 'Admin' }), 'user.role'],
      [() => users().create({ preferences: [] as never }), 'user.preferences'],
      [() => users().create({ name: 'a\u0000b' }), 'user.name'],
      [() => users().create({ password: 'x' } as never), 'user.password'],
      [() => users().upsertTelegramUser({ telegram_id: 1.5 }), 'sender.telegram_id'],
      [() => users().upsertTelegramUser({} as never), 'sender.telegram_id'],
      [() => users().findById('nope'), 'id'],
      [() => users().findByEmail(''), 'email'],
      [() => users().findByGithubId('x'.repeat(513)), 'githubId'],
      [() => users().deactivate('1; drop table users'), 'id'],
    ];
    for (const [call, field] of cases) {
      const error = await call().catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(SchemaKitValidationError);
      expect((error as SchemaKitValidationError).field, field).toBe(field);
    }
    expect(await count()).toBe(before);
  });
});
