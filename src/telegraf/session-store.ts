import type { SessionStore } from 'telegraf';
import type { Executor } from '../repos/repo-context.js';
import { sessionRepoNow } from '../bots/update-transaction.js';
import { sessionStoreOptions, type SessionStoreOptions } from '../bots/session-store-options.js';

/**
 * A store for Telegraf's `session({ store })` on schema-kit's `sessions` table (the sessions
 * module): one statement per get, set or delete, values as jsonb, with `ttl` an expiry after which
 * a session reads as absent (deleted by {@link pruneExpiredSessions}). Inside {@link exactlyOnce},
 * it reads and writes in the update's transaction: a rolled-back update leaves its session as it was.
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
  const { ttl, keyPrefix = '', schema } = sessionStoreOptions(options);
  const repo = () => sessionRepoNow(db, schema);
  const writeOptions = ttl === undefined ? {} : { ttl };
  return {
    get: async (name: string) => stored<T>(await repo().read(keyPrefix + name)),
    set: (name: string, value: T) => repo().write(keyPrefix + name, value, writeOptions),
    delete: (name: string) => repo().delete(keyPrefix + name),
  };
}

/** A stored session as the type the host stored it with (it is what `set` received, through JSON). */
function stored<T>(value: unknown): T | undefined {
  return value as T | undefined;
}
