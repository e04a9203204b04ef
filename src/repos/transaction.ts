import { AsyncLocalStorage } from 'node:async_hooks';
import { sql, type Kysely, type Transaction } from 'kysely';
import { isDatabaseError, toSchemaKitError, writeOutcome } from '../database-errors.js';
import type { WrittenInput } from '../vocabulary/references.js';
import { asHandler, refuseIfGuarded } from './handler-guard.js';
import type { Executor } from './repo-context.js';
import { run } from './run.js';

let savepoints = 0;

/**
 * A queue of calls that must not overlap: each runs after the previous one settled.
 */
class Lane {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(call: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(call);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

/** A savepoint scope: the connection it is on, its lane for the calls made inside it, its parent. */
interface SavepointScope {
  readonly connection: object;
  readonly children: Lane;
  readonly parent: SavepointScope | undefined;
}

/** The lane of the calls made on a connection outside any of schema-kit's savepoints. */
const connectionLanes = new WeakMap<object, Lane>();
/** The connection each host transaction runs on (a transaction is one connection). */
const connections = new WeakMap<object, Promise<object>>();
/** The savepoint scope the current async call runs inside, if any. */
const currentScope = new AsyncLocalStorage<SavepointScope>();

function connectionOf(trx: Transaction<unknown>): Promise<object> {
  let connection = connections.get(trx);
  if (!connection) {
    // the transaction's executor hands out its one connection; kysely's dialects keep one
    // connection object per pooled client, so every Transaction (withSchema, withoutPlugins, ...)
    // of one transaction maps to the same object
    connection = trx.getExecutor().provideConnection(async (c) => c as object);
    connections.set(trx, connection);
  }
  return connection;
}

/** The lane a savepoint on `connection` queues on: the one of the enclosing scope on that
 * connection (a call made inside a handler), or the connection's own. */
function laneFor(connection: object): Lane {
  for (let scope = currentScope.getStore(); scope; scope = scope.parent) {
    if (scope.connection === connection) return scope.children;
  }
  let lane = connectionLanes.get(connection);
  if (!lane) connectionLanes.set(connection, (lane = new Lane()));
  return lane;
}

/**
 * Runs `work` in a transaction of `db`: a new one on a Kysely instance, or a savepoint inside the
 * host's transaction, so a throw undoes exactly what `work` did and nothing of the host's. `work`
 * gets a transaction of the same kind as `db`: schema-kit's scoped executor, or the host's own
 * (its type and plugins kept) for a handler the host wrote. `input` names the input whose
 * fields a refusal by the database names (see {@link run}).
 *
 * Savepoints on one connection nest, they cannot interleave: concurrent calls on one host
 * transaction run one after the other (a queue per connection), and calls made inside `work`
 * (a handler's own `processOnce`) queue inside it, so a rollback to one call's savepoint never
 * undoes a sibling's work (docs/guarantees.md, "Concurrent calls on one transaction").
 */
export async function inTransaction<DB, T>(db: Executor<DB>, work: (trx: Transaction<DB>) => Promise<T>, input?: WrittenInput): Promise<T> {
  if (!db.isTransaction) return inOwnTransaction(db as Kysely<DB>, work, input);
  const trx = db as Transaction<DB>;
  const connection = await connectionOf(trx as Transaction<unknown>);
  const scope: SavepointScope = { connection, children: new Lane(), parent: currentScope.getStore() };
  return laneFor(connection).run(() => currentScope.run(scope, () => inSavepoint(trx, work, input)));
}

/**
 * `work` in a transaction of its own. A failure before COMMIT leaves nothing (kysely rolls back;
 * a lost connection ends the transaction on the server). A failure of the COMMIT itself that the
 * server did not answer (a lost connection, pg's query_timeout) is
 * {@link SchemaKitOutcomeUnknownError}: only the COMMIT can have an unknown outcome.
 */
async function inOwnTransaction<DB, T>(db: Kysely<DB>, work: (trx: Transaction<DB>) => Promise<T>, input?: WrittenInput): Promise<T> {
  refuseIfGuarded(db); // a guarded repository's own transaction, opened inside a processOnce handler
  let committing = false;
  try {
    return await db.transaction().execute(async (trx) => {
      const result = await work(trx);
      committing = true;
      return result;
    });
  } catch (error) {
    throw committing ? writeOutcome(error, input) : unwrapFailure(error, input);
  }
}

async function inSavepoint<DB, T>(trx: Transaction<DB>, work: (trx: Transaction<DB>) => Promise<T>, input?: WrittenInput): Promise<T> {
  const own = trx.withoutPlugins(); // the savepoint statements are schema-kit's: no host plugin rewrites them
  const name = sql.id(`schema_kit_sp_${++savepoints}`);
  await run(sql`savepoint ${name}`.execute(own));
  try {
    const result = await work(trx);
    await run(sql`release savepoint ${name}`.execute(own));
    return result;
  } catch (error) {
    await sql`rollback to savepoint ${name}`.execute(own).catch(() => undefined);
    throw unwrapFailure(error, input);
  }
}

/** An error the host's own code threw inside a schema-kit transaction. */
class HostFailure {
  constructor(readonly error: unknown) {}
}

/**
 * Runs code the host wrote (a `processOnce` handler) inside {@link inTransaction}, marked as a
 * handler for the calls it makes (handler-guard.ts, `RepoOptions.allowOutsideTransaction`): an error of
 * the host's own (not the database's) leaves the transaction as it was thrown; a database error
 * from the host's statements is typed like schema-kit's own.
 */
export async function hostCode<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await asHandler(call);
  } catch (error) {
    throw new HostFailure(error);
  }
}

function unwrapFailure(error: unknown, input?: WrittenInput): unknown {
  if (!(error instanceof HostFailure)) return toSchemaKitError(error, input);
  return isDatabaseError(error.error) ? toSchemaKitError(error.error) : error.error;
}
