import { AsyncLocalStorage } from 'node:async_hooks';
import type { KyselyPlugin } from 'kysely';
import { SchemaKitError } from '../errors.js';

/**
 * A repository built on the host's Kysely instance (not a transaction) refuses to run inside a
 * `processOnce` handler: its SQL would run outside the handler's transaction. `hostCode`
 * (transaction.ts) marks the handler's calls; a guarded repository's query builder (a plugin),
 * prepared SQL (prepared.ts) and own transactions (transaction.ts) check the mark before any SQL
 * runs. `{ allowOutsideTransaction: true }` builds an unguarded repository (repo-context.ts).
 */

/** Set while a `processOnce` handler runs: the calls made inside it (and what they start) see it. */
const insideHandler = new AsyncLocalStorage<true>();
/** The executors of repositories built on a Kysely instance without `allowOutsideTransaction`. */
const guarded = new WeakSet<object>();

/** Runs `call` (the host's handler) marked as a handler for every call it makes. */
export function asHandler<T>(call: () => Promise<T>): Promise<T> {
  return insideHandler.run(true, call);
}

/** Whether the current call runs inside a `processOnce` handler (group commit never coalesces such a call). */
export function isInsideHandler(): boolean {
  return insideHandler.getStore() === true;
}

/** Throws when the current call runs inside a `processOnce` handler (see `RepoOptions.allowOutsideTransaction`). */
function refuseInsideHandler(): void {
  if (!insideHandler.getStore()) return;
  throw new SchemaKitError(
    'outside_handler_transaction',
    "A repository built on the outer Kysely instance was used inside a processOnce handler: its SQL would run outside the handler's " +
      "transaction (committing even if the handler fails; on PGlite, waiting for the one connection the handler holds). Build it on the " +
      "handler's trx (`new EventLogRepo(trx)`), or pass { allowOutsideTransaction: true } to write outside the transaction on purpose.",
  );
}

/** Refuses, before compiling, a query of a guarded repository inside a handler. */
export const HANDLER_GUARD: KyselyPlugin = {
  transformQuery: (args) => {
    refuseInsideHandler();
    return args.node;
  },
  transformResult: async (args) => args.result,
};

/** Marks the executors of a repository as guarded. */
export function guard(...executors: object[]): void {
  for (const executor of executors) guarded.add(executor);
}

/** Throws `outside_handler_transaction` when `executor` is a guarded repository's and the call
 * runs inside a `processOnce` handler: for SQL that bypasses the query builder (prepared SQL) and
 * for transactions opened on the host's Kysely. */
export function refuseIfGuarded(executor: object): void {
  if (guarded.has(executor)) refuseInsideHandler();
}
