import type { Transaction } from 'kysely';
import type { Executor } from '../repos/repo-context.js';
import { SessionRepo } from '../modules/sessions/index.js';
import { sessionStoreOptions, type SessionStoreOptions } from './session-store-options.js';
import { currentUpdateTransaction } from './update-transaction.js';

/** The repositories of each transaction and of the host's Kysely, per schema. */
const repos = new WeakMap<Executor, Map<string, SessionRepo>>();

/**
 * The session store both frameworks' adapters are built on: keys with the host's prefix, the
 * `ttl` of every write, and the statements made in the update's transaction inside `exactlyOnce`.
 * Inside `exactlyOnce`, a write of the value the update read (same JSON) is skipped when there is
 * no `ttl` to renew: grammY and Telegraf write back every session a handler looked at.
 */
export class BotSessions<T> {
  readonly #db: Executor;
  readonly #prefix: string;
  readonly #schema: string | undefined;
  readonly #writeOptions: { ttl?: number };
  /** The JSON text each update read, per key, by the update's transaction. */
  readonly #readIn = new WeakMap<Transaction<unknown>, Map<string, string>>();

  constructor(db: Executor, options: SessionStoreOptions) {
    const { ttl, keyPrefix = '', schema } = sessionStoreOptions(options);
    this.#db = db;
    this.#prefix = keyPrefix;
    this.#schema = schema;
    this.#writeOptions = ttl === undefined ? {} : { ttl };
  }

  async read(key: string): Promise<T | undefined> {
    const value = await this.#repo().read(this.#prefix + key);
    const trx = currentUpdateTransaction();
    if (trx && value !== undefined && this.#writeOptions.ttl === undefined) {
      let read = this.#readIn.get(trx);
      if (!read) this.#readIn.set(trx, (read = new Map()));
      read.set(key, JSON.stringify(value));
    }
    return stored<T>(value);
  }

  async write(key: string, value: T): Promise<void> {
    const trx = currentUpdateTransaction();
    const read = trx && this.#readIn.get(trx);
    if (read?.get(key) === JSON.stringify(value)) return;
    read?.delete(key);
    await this.#repo().write(this.#prefix + key, value, this.#writeOptions);
  }

  async delete(key: string): Promise<void> {
    const trx = currentUpdateTransaction();
    if (trx) this.#readIn.get(trx)?.delete(key);
    await this.#repo().delete(this.#prefix + key);
  }

  has(key: string): Promise<boolean> {
    return this.#repo().has(this.#prefix + key);
  }

  async *keys(): AsyncGenerator<string> {
    for await (const key of this.#repo().keys(this.#prefix)) yield key.slice(this.#prefix.length);
  }

  async *entries(): AsyncGenerator<[key: string, value: T]> {
    for await (const [key, value] of this.#repo().entries(this.#prefix)) yield [key.slice(this.#prefix.length), stored<T>(value)!];
  }

  /** The repository on the update's transaction inside `exactlyOnce` (the session commits or rolls back with the update), else on the host's Kysely. */
  #repo(): SessionRepo {
    const executor: Executor = currentUpdateTransaction() ?? this.#db;
    let bySchema = repos.get(executor);
    if (!bySchema) repos.set(executor, (bySchema = new Map()));
    const key = this.#schema ?? '';
    let repo = bySchema.get(key);
    if (!repo) bySchema.set(key, (repo = new SessionRepo(executor, this.#schema === undefined ? {} : { schema: this.#schema })));
    return repo;
  }
}

/** A stored session as the type the host stored it with (it is what was written, through JSON). */
function stored<T>(value: unknown): T | undefined {
  return value as T | undefined;
}
