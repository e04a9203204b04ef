import { SchemaKitConflictError, SchemaKitError } from '../errors.js';
import { isPartitionRace } from '../database-errors.js';
import type { WrittenInput } from '../vocabulary/references.js';
import type { Executor } from './repo-context.js';
import { run } from './run.js';
import { inTransaction } from './transaction.js';

/**
 * schema-kit's one retry policy (docs/guarantees.md, "Retries are bounded"). A call that can lose
 * a race (the row it just found was deleted before it read it, a concurrent insert took the
 * version it computed, a unique key other than its upsert's arbiter) tries again, at most
 * {@link RETRY_ATTEMPTS} times in all, waiting between tries a random time up to a bound that
 * doubles from {@link RETRY_BASE_MS} to at most {@link RETRY_MAX_MS} ("full jitter", so callers
 * that lost together do not collide again). Only a lost race is retried: a try that says so
 * ({@link AGAIN}), or an error the caller's `retryOn` identifies as one. Every other error is
 * thrown at once. When the tries run out: the last error if the last try threw, else a
 * {@link SchemaKitError} `contention` (`retryable`: the same call may succeed later).
 */
export const RETRY_ATTEMPTS = 5;
/** The first wait's bound, in ms. */
export const RETRY_BASE_MS = 2;
/** The largest wait's bound, in ms. */
export const RETRY_MAX_MS = 100;

/** What a try returns when it lost a race and the call should try again. */
export const AGAIN: unique symbol = Symbol('schema-kit.retry');

/**
 * Runs `attempt` (given its number, from 1) until it returns a value, under the policy above.
 * `what` names the call in the `contention` error.
 */
export async function withRetries<T>(
  what: string,
  attempt: (n: number) => Promise<T | typeof AGAIN>,
  retryOn: (error: unknown) => boolean | Promise<boolean> = () => false,
): Promise<T> {
  for (let n = 1; n <= RETRY_ATTEMPTS; n++) {
    let outcome: T | typeof AGAIN;
    try {
      outcome = await attempt(n);
    } catch (error) {
      if (n === RETRY_ATTEMPTS || !(await retryOn(error))) throw error;
      outcome = AGAIN;
    }
    if (outcome !== AGAIN) return outcome;
    if (n < RETRY_ATTEMPTS) await backoff(n);
  }
  throw new SchemaKitError('contention', `${what} lost a race with concurrent writes ${RETRY_ATTEMPTS} times in a row: call it again.`, { retryable: true });
}

/** The wait after try `n`: a random time up to min(RETRY_MAX_MS, RETRY_BASE_MS * 2^(n-1)). */
function backoff(n: number): Promise<void> {
  const bound = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (n - 1));
  return new Promise((resume) => setTimeout(resume, Math.random() * bound));
}

/**
 * Runs an upsert that can lose an insert race on a unique key other than its ON CONFLICT arbiter
 * (PostgreSQL checks only the arbiter speculatively: a concurrent insert of the same row fails on
 * the other keys). A conflict that `lostRace` says was such a race is retried, a few times: by
 * then the winner has committed, and the retry updates its row. Inside the host's transaction
 * each try runs in a savepoint, so a lost race leaves the transaction usable. The tries follow
 * the one retry policy ({@link withRetries}): bounded, with jittered backoff.
 */
export async function retryLostInsertRace<T>(
  db: Executor,
  upsert: (db: Executor) => Promise<T>,
  lostRace: (error: SchemaKitConflictError) => Promise<boolean>,
  input?: WrittenInput,
): Promise<T> {
  return withRetries(
    'upsert',
    () => (db.isTransaction ? inTransaction(db, upsert, input) : run(upsert(db), input)),
    async (error) => error instanceof SchemaKitConflictError && (await lostRace(error)),
  );
}

/**
 * Runs `write`, a call of schema-kit's that inserts into a partitioned log (`what` names it), again
 * when the insert met the creation of a partition ({@link isPartitionRace}: a retryable
 * `contention`), under the one retry policy ({@link withRetries}). Only on the host's Kysely
 * instance: there the failed statement, or the call's own transaction, wrote nothing. On the
 * host's transaction the error surfaces, typed and retryable, as the host's transaction must be
 * retried whole (docs/guarantees.md, "Appends never fail while partitions are created").
 */
export function retryPartitionRace<T>(db: Executor, what: string, write: () => Promise<T>): Promise<T> {
  return db.isTransaction ? write() : withRetries(what, write, isPartitionRace);
}
