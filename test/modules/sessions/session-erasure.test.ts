// Sessions are personal data (descriptor): forgetUser deletes the sessions keyed by one of the
// user's identifiers (a private chat's default grammY key is the user's Telegram id), and those
// the host names with their prefix.
import { describe, expect, it } from 'vitest';
import { forgetUser, SessionRepo, UserRepo } from '../../../src/index.js';
import { useInstalledDatabase } from '../../helpers/installed.js';

describe('sessions and erasure', () => {
  const database = useInstalledDatabase(['core', 'sessions'], { as: 'owner' });

  it("deletes the user's sessions, keyed by their Telegram id or named with a prefix, and no one else's", async () => {
    const { db } = database();
    const { user } = await new UserRepo(db).upsertTelegramUser({ telegram_id: 5001, telegram_first_name: 'Ada' });
    const sessions = new SessionRepo(db);
    await sessions.write('5001', { cart: ['tea'] });
    await sessions.write('shop:5001', { step: 1 });
    await sessions.write('5002', { cart: [] });
    const { rows } = await forgetUser(db, { userId: user.id, identifiers: ['shop:5001'] });
    expect(rows.sessions).toBe(2);
    expect([await sessions.has('5001'), await sessions.has('shop:5001'), await sessions.has('5002')]).toEqual([false, false, true]);
  });
});
