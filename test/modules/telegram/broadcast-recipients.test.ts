import { describe, expect, it } from 'vitest';
import { ContentPackageRepo, SchemaKitConflictError, SchemaKitNotFoundError, SchemaKitValidationError, UserInterestRepo, UserRepo } from '../../../src/index.js';
import { BroadcastRepo, type NewBroadcastInput } from '../../../src/modules/telegram/index.js';
import { useInstalledDatabase } from '../../helpers/installed.js';

/** Every page of the broadcast's recipients, `limit` at a time: their Telegram ids, in page order. */
async function recipientIds(broadcasts: BroadcastRepo, id: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await broadcasts.recipients(id, { limit, ...(after ? { after } : {}) });
    ids.push(...page.items.map((r): string => r.telegram_id)); // typed string: every recipient has one
    expect(page.items.length).toBeLessThanOrEqual(limit);
    if (!page.next) return ids;
    after = page.next;
  }
}

describe('BroadcastRepo.recipients', () => {
  const database = useInstalledDatabase(['telegram']);
  const broadcasts = () => new BroadcastRepo(database().db);

  const allRecipients = (id: string, limit: number) => recipientIds(broadcasts(), id, limit);

  it("resolves a role audience and 'all' to the active Telegram users, in keyset pages with nothing skipped or repeated", async () => {
    const users = new UserRepo(database().db);
    const roles = ['subscriber', 'subscriber', 'admin', 'public', 'subscriber', 'public', 'subscriber'];
    for (const [i, role] of roles.entries()) await users.create({ telegram_id: 1000 + i, telegram_username: `u${i}`, role });
    await users.create({ telegram_id: 2000, role: 'subscriber', is_active: false }); // inactive: never a recipient
    await users.create({ email: 'no-telegram@example.com', role: 'subscriber' }); // no Telegram id: cannot be messaged

    const toSubscribers = await broadcasts().create({ title: 's', message_text: 'hi', target_audience: 'subscriber' });
    const expected = ['1000', '1001', '1004', '1006'];
    for (const limit of [1, 2, 3, 50]) expect((await allRecipients(toSubscribers.id, limit)).sort(), `limit ${limit}`).toEqual(expected);
    const first = await broadcasts().recipients(toSubscribers.id, { limit: 2 });
    expect(first.items[0]).toMatchObject({ role: 'subscriber', preferences: {} });
    expect(Object.keys(first.items[0]!).sort()).toEqual(['id', 'language_code', 'preferences', 'role', 'telegram_first_name', 'telegram_id', 'telegram_last_name', 'telegram_username']);

    const toAll = await broadcasts().create({ title: 'a', message_text: 'hi' });
    expect(toAll.target_audience).toBe('all');
    expect((await allRecipients(toAll.id, 3)).sort()).toEqual(roles.map((_, i) => String(1000 + i)));

    const toNobody = await broadcasts().create({ title: 'n', message_text: 'hi', target_audience: 'mentor' });
    expect(await broadcasts().recipients(toNobody.id)).toEqual({ items: [], next: null });
  });

  it('refuses an unknown broadcast and bad options', async () => {
    await expect(broadcasts().recipients('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(SchemaKitNotFoundError);
    await expect(broadcasts().recipients('nope')).rejects.toMatchObject({ field: 'id' });
    const b = await broadcasts().create({ title: 'x', message_text: 'x' });
    const error = await broadcasts().recipients(b.id, { limit: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaKitValidationError);
    expect((error as SchemaKitValidationError).field).toBe('options.limit');
  });

  it('refuses target_audience beside audience, and a bad audience, naming the field', async () => {
    const cases: [NewBroadcastInput, string][] = [
      [{ title: 'x', message_text: 'x', target_audience: 'admin', audience: { kind: 'users', user_ids: [crypto.randomUUID()] } }, 'broadcast.audience'],
      [{ title: 'x', message_text: 'x', audience: { kind: 'users', user_ids: [] } }, 'broadcast.audience.user_ids'],
      [{ title: 'x', message_text: 'x', audience: { kind: 'package', package_id: 'nope' } }, 'broadcast.audience.package_id'],
      [{ title: 'x', message_text: 'x', audience: { kind: 'everyone' } as never }, 'broadcast.audience.kind'],
    ];
    for (const [broadcast, field] of cases) {
      const error = await broadcasts().create(broadcast).catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(SchemaKitValidationError);
      expect((error as SchemaKitValidationError).field, field).toBe(field);
    }
  });
});

describe('BroadcastRepo.recipients: package followers, an interest, an explicit list', () => {
  const database = useInstalledDatabase(['telegram', 'interests']);
  const broadcasts = () => new BroadcastRepo(database().db);

  const allRecipients = (id: string, limit: number) => recipientIds(broadcasts(), id, limit);

  it('resolves each kind of audience to the reachable users, in keyset pages with nothing skipped or repeated', async () => {
    const users = new UserRepo(database().db);
    const packages = new ContentPackageRepo(database().db);
    const interests = new UserInterestRepo(database().db);
    const people = [];
    for (let i = 0; i < 7; i += 1) people.push(await users.create({ telegram_id: 3000 + i }));
    const away = await users.create({ telegram_id: 3100, is_active: false }); // never a recipient
    const noTelegram = await users.create({ email: 'mail-only@example.com' }); // cannot be messaged
    const { package: sql101 } = await packages.getOrCreate('sql-101', { title: 'SQL', category: 'course', package_type: 'free' });
    const { package: ws } = await packages.getOrCreate('ws-1', { title: 'Workshop', category: 'tool', package_type: 'free' });
    for (const user of [people[0]!, people[2]!, people[3]!, people[5]!, away, noTelegram]) await interests.add(user.id, sql101.id);
    for (const user of [people[1]!, people[3]!]) await interests.add(user.id, ws.id);

    const followers = await broadcasts().create({ title: 'f', message_text: 'hi', audience: { kind: 'package', package_id: sql101.id } });
    expect(followers).toMatchObject({ audience_kind: 'package', audience_package_id: sql101.id, target_audience: 'all' });
    const workshops = await broadcasts().create({ title: 'w', message_text: 'hi', audience: { kind: 'category', category: 'tool' } });
    const listed = await broadcasts().create({
      title: 'l', message_text: 'hi', audience: { kind: 'users', user_ids: [people[6]!.id, people[4]!.id, away.id, people[6]!.id] },
    });
    const admins = await broadcasts().create({ title: 'r', message_text: 'hi', audience: { kind: 'role', role: 'admin' } });
    expect(admins.target_audience).toBe('admin');
    for (const limit of [1, 2, 50]) {
      expect((await allRecipients(followers.id, limit)).sort(), `limit ${limit}`).toEqual(['3000', '3002', '3003', '3005']);
      expect((await allRecipients(workshops.id, limit)).sort(), `limit ${limit}`).toEqual(['3001', '3003']);
      expect((await allRecipients(listed.id, limit)).sort(), `limit ${limit}`).toEqual(['3004', '3006']);
    }
    expect(await broadcasts().recipients(admins.id)).toEqual({ items: [], next: null });
  });

  it('refuses a list naming an unknown user, creating nothing', async () => {
    const error = await broadcasts().create({ title: 'x', message_text: 'x', audience: { kind: 'users', user_ids: [crypto.randomUUID()] } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaKitConflictError);
    expect((error as SchemaKitConflictError).constraint).toBe('broadcast_audience_users_user_id_fkey');
  });
});
