import { AsyncLocalStorage } from 'node:async_hooks';
import type { Transaction } from 'kysely';
import type { Executor } from '../repos/repo-context.js';
import { SessionRepo } from '../modules/sessions/index.js';

/** The transaction of the update being handled by `exactlyOnce`, for the calls made inside it. */
const current = new AsyncLocalStorage<Transaction<unknown>>();

/** Runs `work` as the handling of an update inside `trx`: session reads and writes made meanwhile join it. */
export function inUpdateTransaction<DB, T>(trx: Transaction<DB>, work: () => Promise<T>): Promise<T> {
  return current.run(trx as Transaction<unknown>, work);
}

/** The session repositories of each transaction and of the host's Kysely, per schema. */
const repos = new WeakMap<Executor, Map<string, SessionRepo>>();

/**
 * The session repository a session store uses now: on the update's transaction when the call is
 * made inside `exactlyOnce` (the session commits or rolls back with the update), else on `db`.
 */
export function sessionRepoNow(db: Executor, schema: string | undefined): SessionRepo {
  const executor: Executor = current.getStore() ?? db;
  let bySchema = repos.get(executor);
  if (!bySchema) repos.set(executor, (bySchema = new Map()));
  const key = schema ?? '';
  let repo = bySchema.get(key);
  if (!repo) bySchema.set(key, (repo = new SessionRepo(executor, schema === undefined ? {} : { schema })));
  return repo;
}
