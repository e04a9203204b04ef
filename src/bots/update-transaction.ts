import { AsyncLocalStorage } from 'node:async_hooks';
import type { Transaction } from 'kysely';

/** The transaction of the update being handled by `exactlyOnce`, for the calls made inside it. */
const current = new AsyncLocalStorage<Transaction<unknown>>();

/** Runs `work` as the handling of an update inside `trx`: session reads and writes made meanwhile join it. */
export function inUpdateTransaction<DB, T>(trx: Transaction<DB>, work: () => Promise<T>): Promise<T> {
  return current.run(trx as Transaction<unknown>, work);
}

/** The transaction of the update the current call is made for, inside `exactlyOnce`; else undefined. */
export function currentUpdateTransaction(): Transaction<unknown> | undefined {
  return current.getStore();
}
