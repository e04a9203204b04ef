import type pg from 'pg';

// createSchemaKit owns the Kysely it builds over the host's pool: no plugin, no log, every
// connection from that pool. On it, a statement prepared once gains nothing from Kysely's executor
// (a chain of async functions that acquire a connection, run, transform the result and release
// it: 1-15 µs of client CPU per call here, bench/peers.bench.mjs), so outside a transaction it runs
// on the pool itself. Anything derived from that Kysely (a transaction, `connection()`,
// `withPlugin`, `withSchema`) has another executor and keeps running through Kysely, on its own
// connection.

/** The pool behind a Kysely instance schema-kit built, while that instance is open. */
export interface DirectPool {
  /** Checks a client out of the host's pool (createSchemaKit's guarded `connect`). */
  readonly connect: () => Promise<pg.PoolClient>;
  /** False once the Kysely instance is destroyed: calls are refused, as Kysely refuses them. */
  open: boolean;
}

/** Keyed by the executor of the Kysely instance schema-kit built; derived instances have their own. */
const directPools = new WeakMap<object, DirectPool>();

/** The executor of `db` (Kysely's `getExecutor()`, marked internal): one object per instance, new for each one derived from it. */
function executorOf(db: object): object | undefined {
  return (db as { getExecutor?: () => object }).getExecutor?.();
}

/** Lets repositories built on `db` (a Kysely instance schema-kit owns) run prepared SQL on `pool` directly. */
export function runOnPoolDirectly(db: object, pool: DirectPool): void {
  const executor = executorOf(db);
  if (executor) directPools.set(executor, pool);
}

/** The pool `db` may be bypassed for: set only on the very Kysely instance createSchemaKit built. */
export function directPoolOf(db: object): DirectPool | undefined {
  const executor = executorOf(db);
  return executor && directPools.get(executor);
}

/**
 * Runs one statement (a named pg `Query`, or `{ text, values }`) on a client of `pool` and
 * releases it, as Kysely's driver would; resolves to pg's result.
 */
export function queryOnPool(pool: DirectPool, statement: object): Promise<pg.QueryResult> {
  if (!pool.open) return Promise.reject(new Error('the Kysely instance of createSchemaKit has been destroyed'));
  return pool.connect().then((client) =>
    // pg returns a Query object itself (it is thenable), else a promise of the result
    client.query(statement as pg.QueryConfig).then(
      (result) => {
        client.release();
        return result;
      },
      (error: unknown) => {
        client.release();
        throw error;
      },
    ),
  );
}
