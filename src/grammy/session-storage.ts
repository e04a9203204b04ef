import type { StorageAdapter } from 'grammy';
import type { Executor } from '../repos/repo-context.js';
import { sessionRepoNow } from '../bots/update-transaction.js';
import { sessionStoreOptions, type SessionStoreOptions } from '../bots/session-store-options.js';

/**
 * grammY's `StorageAdapter` on schema-kit's `sessions` table (the sessions module): one
 * statement per read, write or delete, values as jsonb, with `ttl` an expiry after which a
 * session reads as absent (deleted by {@link pruneExpiredSessions}). Works with `session()`,
 * `lazySession()`, multi sessions and the conversations plugin's `storage`. Inside
 * {@link exactlyOnce}, reads and writes run in the update's transaction: a rolled-back update
 * leaves its session as it was.
 *
 * `T` is the session's type: what is stored is what was written, as JSON (a `Date` comes back as
 * its ISO string, `undefined` fields are dropped).
 *
 * ### Examples
 * ```ts
 * bot.use(exactlyOnce(db));
 * bot.use(session({ initial: () => ({ count: 0 }), storage: sessionStorage<{ count: number }>(db, { ttl: 30 * 86_400_000 }) }));
 * ```
 */
export function sessionStorage<T>(db: Executor, options: SessionStoreOptions = {}): StorageAdapter<T> {
  const { ttl, keyPrefix = '', schema } = sessionStoreOptions(options);
  const repo = () => sessionRepoNow(db, schema);
  const writeOptions = ttl === undefined ? {} : { ttl };
  return {
    read: async (key) => stored<T>(await repo().read(keyPrefix + key)),
    write: (key, value) => repo().write(keyPrefix + key, value, writeOptions),
    delete: (key) => repo().delete(keyPrefix + key),
    has: (key) => repo().has(keyPrefix + key),
    readAllKeys: () => unprefixed(repo().keys(keyPrefix), keyPrefix),
    readAllValues: () => values<T>(repo().entries(keyPrefix)),
    readAllEntries: () => entries<T>(repo().entries(keyPrefix), keyPrefix),
  };
}

/** A stored session as the type the host stored it with (it is what `write` received, through JSON). */
function stored<T>(value: unknown): T | undefined {
  return value as T | undefined;
}

async function* unprefixed(keys: AsyncIterable<string>, prefix: string): AsyncGenerator<string> {
  for await (const key of keys) yield key.slice(prefix.length);
}

async function* values<T>(rows: AsyncIterable<[string, unknown]>): AsyncGenerator<T> {
  for await (const [, value] of rows) yield stored<T>(value)!;
}

async function* entries<T>(rows: AsyncIterable<[string, unknown]>, prefix: string): AsyncGenerator<[key: string, value: T]> {
  for await (const [key, value] of rows) yield [key.slice(prefix.length), stored<T>(value)!];
}
