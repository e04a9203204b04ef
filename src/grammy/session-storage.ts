import type { StorageAdapter } from 'grammy';
import type { Executor } from '../repos/repo-context.js';
import { BotSessions } from '../bots/bot-sessions.js';
import type { SessionStoreOptions } from '../bots/session-store-options.js';

/**
 * grammY's `StorageAdapter` on schema-kit's `sessions` table (the sessions module): one
 * statement per read, write or delete, values as jsonb, with `ttl` an expiry after which a
 * session reads as absent (deleted by {@link pruneExpiredSessions}). Works with `session()`,
 * `lazySession()`, multi sessions and the conversations plugin's `storage`. Inside
 * {@link exactlyOnce}, reads and writes run in the update's transaction (a rolled-back update
 * leaves its session as it was), and writing back an unchanged session is skipped when there is
 * no `ttl` to renew: one read and at most one write per update.
 *
 * `T` is the session's type: what is stored is what was written, as JSON (a `Date` is refused,
 * `undefined` fields are dropped).
 *
 * ### Examples
 * ```ts
 * bot.use(exactlyOnce(db));
 * bot.use(session({ initial: () => ({ count: 0 }), storage: sessionStorage<{ count: number }>(db, { ttl: 30 * 86_400_000 }) }));
 * ```
 */
export function sessionStorage<T>(db: Executor, options: SessionStoreOptions = {}): StorageAdapter<T> {
  const sessions = new BotSessions<T>(db, options);
  return {
    read: (key) => sessions.read(key),
    write: (key, value) => sessions.write(key, value),
    delete: (key) => sessions.delete(key),
    has: (key) => sessions.has(key),
    readAllKeys: () => sessions.keys(),
    readAllValues: () => values(sessions.entries()),
    readAllEntries: () => sessions.entries(),
  };
}

async function* values<T>(entries: AsyncIterable<[string, T]>): AsyncGenerator<T> {
  for await (const [, value] of entries) yield value;
}
