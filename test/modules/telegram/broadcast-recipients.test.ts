import { describe, expect, it } from 'vitest';
import { SchemaKitNotFoundError, SchemaKitValidationError, UserRepo } from '../../../src/index.js';
import { BroadcastRepo } from '../../../src/modules/telegram/index.js';
import { useInstalledDatabase } from '../../helpers/installed.js';

describe('BroadcastRepo.recipients', () => {
  const database = useInstalledDatabase(['telegram']);
  const broadcasts = () => new BroadcastRepo(database().db);

  /** Every page of the broadcast's recipients, `limit` at a time: their Telegram ids. */
  const allRecipients = async (id: string, limit: number) => {
    const ids: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await broadcasts().recipients(id, { limit, ...(after ? { after } : {}) });
      ids.push(...page.items.map((r): string => r.telegram_id)); // typed string: every recipient has one
      expect(page.items.length).toBeLessThanOrEqual(limit);
      if (!page.next) return ids;
      after = page.next;
    }
  };

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
});
