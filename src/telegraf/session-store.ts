import type { SessionStore } from 'telegraf';
import type { Executor } from '../repos/repo-context.js';
import { BotSessions } from '../bots/bot-sessions.js';
import type { SessionStoreOptions } from '../bots/session-store-options.js';

/**
 * A store for Telegraf's `session({ store })` on schema-kit's `sessions` table (the sessions
 * module): one statement per get, set or delete, values as jsonb, with `ttl` an expiry after which
 * a session reads as absent (deleted by {@link pruneExpiredSessions}). Inside {@link exactlyOnce},
 * it reads and writes in the update's transaction (a rolled-back update leaves its session as it
 * was), and setting back an unchanged session is skipped when there is no `ttl` to renew.
 *
 * `T` is the session's type: what is stored is what was set, as JSON.
 *
 * ### Examples
 * ```ts
 * bot.use(exactlyOnce(db));
 * bot.use(session({ store: sessionStore<{ count: number }>(db, { keyPrefix: 'shop:' }), defaultSession: () => ({ count: 0 }) }));
 * ```
 */
export function sessionStore<T>(db: Executor, options: SessionStoreOptions = {}): SessionStore<T> {
  const sessions = new BotSessions<T>(db, options);
  return {
    get: (name: string) => sessions.read(name),
    set: (name: string, value: T) => sessions.write(name, value),
    delete: (name: string) => sessions.delete(name),
  };
}
