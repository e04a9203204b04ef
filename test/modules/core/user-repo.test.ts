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

  it('deactivates a user and activates them again', async () => {
    const user = await users().create({ name: 'Leaving' });
    expect((await users().deactivate(user.id)).is_active).toBe(false);
    expect((await users().activate(user.id)).is_active).toBe(true);
    await expect(users().deactivate('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(SchemaKitNotFoundError);
    await expect(users().activate('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(SchemaKitNotFoundError);
  });

  it('reactivates a deactivated Telegram user on their next update, and says so', async () => {
    const { user } = await users().upsertTelegramUser({ telegram_id: 5150 });
    expect((await users().upsertTelegramUser({ telegram_id: 5150 })).reactivated).toBe(false);
    await users().deactivate(user.id);
    const back = await users().upsertTelegramUser({ telegram_id: 5150, telegram_first_name: 'Back' });
    expect(back).toMatchObject({ created: false, reactivated: true, user: { id: user.id, is_active: true, telegram_first_name: 'Back' } });
    expect((await users().upsertTelegramUser({ telegram_id: 5150 })).reactivated).toBe(false);
    expect((await users().upsertTelegramUser({ telegram_id: 5151 })).reactivated).toBe(false); // created, not reactivated
  });

  it('keeps a deactivated Telegram user inactive when the host opts out of reactivation', async () => {
    const { user } = await users().upsertTelegramUser({ telegram_id: 5252 });
    await users().deactivate(user.id);
    const kept = await users().upsertTelegramUser({ telegram_id: 5252, telegram_username: 'still_here' }, { reactivate: false });
    expect(kept).toMatchObject({ created: false, reactivated: false, user: { is_active: false, telegram_username: 'still_here' } });
  });

  it('reports one reactivation for concurrent updates from one deactivated Telegram user', async () => {
    const { user } = await users().upsertTelegramUser({ telegram_id: 5353 });
    await users().deactivate(user.id);
    const results = await Promise.all(Array.from({ length: 10 }, () => users().upsertTelegramUser({ telegram_id: 5353 })));
    expect(results.filter((r) => r.reactivated)).toHaveLength(1);
    expect(results.every((r) => r.user.is_active)).toBe(true);
  });

  it('stores the profile fields Telegram sends, typed, and refreshes them on each update', async () => {
    const first = await users().upsertTelegramUser({
      telegram_id: 6060, telegram_first_name: 'Ada', language_code: 'pt-BR', is_premium: true, added_to_attachment_menu: true,
    });
    const language: string | null = first.user.language_code;
    const premium: boolean = first.user.is_premium;
    expect([language, premium, first.user.added_to_attachment_menu]).toEqual(['pt-BR', true, true]);
    const again = await users().upsertTelegramUser({ telegram_id: 6060, language_code: 'en' }); // Telegram omits is_premium when false
    expect(again.user).toMatchObject({ language_code: 'en', is_premium: false, added_to_attachment_menu: false });
    expect((await users().findByTelegramId(6060))?.language_code).toBe('en');
  });

  it('updates profile fields and leaves the others as they were', async () => {
    const user = await users().create({ name: 'Ada', preferences: { theme: 'dark' }, language_code: 'en' });
    const updated = await users().update(user.id, { name: 'Ada Lovelace', skill_level: 'expert', language_code: 'fr', avatar_url: null });
    expect(updated).toMatchObject({ id: user.id, name: 'Ada Lovelace', skill_level: 'expert', language_code: 'fr', avatar_url: null, preferences: { theme: 'dark' } });
    expect((await users().update(user.id, { preferences: { theme: 'light' } })).preferences).toEqual({ theme: 'light' });
    await expect(users().update('00000000-0000-4000-8000-000000000000', { name: 'x' })).rejects.toBeInstanceOf(SchemaKitNotFoundError);
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
      [() => users().activate('nope'), 'id'],
      [() => users().upsertTelegramUser({ telegram_id: 1, language_code: 'not a language' }), 'sender.language_code'],
      [() => users().upsertTelegramUser({ telegram_id: 1, is_premium: 'yes' as never }), 'sender.is_premium'],
      [() => users().upsertTelegramUser({ telegram_id: 1 }, { reactivate: 'no' as never }), 'options.reactivate'],
      [() => users().update('nope', { name: 'x' }), 'id'],
      [() => users().update(crypto.randomUUID(), {}), 'patch'],
      [() => users().update(crypto.randomUUID(), { role: 'admin' } as never), 'patch.role'],
      [() => users().update(crypto.randomUUID(), { telegram_id: 5 } as never), 'patch.telegram_id'],
      [() => users().update(crypto.randomUUID(), { language_code: 'x'.repeat(40) }), 'patch.language_code'],
    ];
    for (const [call, field] of cases) {
      const error = await call().catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(SchemaKitValidationError);
      expect((error as SchemaKitValidationError).field, field).toBe(field);
    }
    expect(await count()).toBe(before);
  });
});
