/** createSchemaKit's fast path over the host's pg pool (contract 6 and 7 in prepared.ts). */
import type pg from 'pg';
import { leavesConnectionUnusable } from '../database-errors.js';
import type { Support } from './pg-wire.js';

/** The pool behind a Kysely instance schema-kit built, while that instance is open. */
export interface DirectPool {
  /** Checks a client out of the host's pool, guarded while it is out. */
  readonly checkOut: () => Promise<pg.PoolClient>;
  /** Returns a client to the pool: with `error` where it must be discarded (a connection-class failure, or an 'error' the client emitted while out). */
  readonly release: (client: pg.PoolClient, error?: unknown) => void;
  /** False once the Kysely instance is destroyed: calls are refused, as Kysely refuses them. */
  open: boolean;
  /** Whether this pool's clients run named statements (decided by a probe on a client). */
  support: Support | undefined;
  /** The server and database the pool connects to, as its options name them (for traces). */
  readonly server: ServerOf | undefined;
}

/** Where a pool connects, as far as its options say. */
export interface ServerOf {
  readonly address: string | undefined;
  readonly port: number | undefined;
  readonly database: string | undefined;
}

/** Pools whose 'error' createSchemaKit guards (one listener per pool, however many kits). */
const guardedPools = new WeakSet<pg.Pool>();

/** The 'error' a client emitted while the fast path had it checked out (its listener stays: one per client, not one per checkout). */
const clientFailures = new WeakMap<pg.PoolClient, { failed: unknown }>();

/**
 * The fast path over a host's pool, for createSchemaKit: one 'error' listener on the pool (see the
 * contract, 7) and a checkout that guards a client while it is out and releases it with the error
 * after a connection-class failure.
 */
export function directPool(pool: pg.Pool): DirectPool {
  if (!guardedPools.has(pool)) {
    guardedPools.add(pool);
    pool.on('error', (error: Error) => {
      if (pool.listenerCount('error') > 1) return; // the host listens: its listeners see the error
      process.emitWarning(`an idle client of the pg pool failed and the pool has no 'error' listener of the host's: ${error.message}`, { code: 'SCHEMA_KIT_POOL_ERROR' });
    });
  }
  const checkOut = (): Promise<pg.PoolClient> =>
    pool.connect().then((client) => {
      const state = clientFailures.get(client);
      if (state) state.failed = undefined;
      else {
        const fresh = { failed: undefined as unknown };
        clientFailures.set(client, fresh);
        client.on('error', (error: unknown) => {
          fresh.failed ??= error;
        });
      }
      return client;
    });
  const release = (client: pg.PoolClient, error?: unknown): void => {
    const failed = clientFailures.get(client)?.failed ?? (error !== undefined && leavesConnectionUnusable(error) ? error : undefined);
    client.release(failed === undefined ? undefined : failed instanceof Error ? failed : true);
  };
  return { checkOut, release, open: true, support: undefined, server: serverOf(pool) };
}

/** The pool for Kysely's PostgresDialect: clients checked out and released through the guard. */
export function kyselyPool(direct: DirectPool, end: () => Promise<void>): { connect: () => Promise<pg.PoolClient>; end: () => Promise<void> } {
  const connect = async (): Promise<pg.PoolClient> => {
    const client = await direct.checkOut();
    let lastError: unknown;
    let released = false;
    // Kysely's driver calls query (SQL, a pg Query or a cursor) and release(); what failed decides the release
    const query = (...args: unknown[]): unknown => {
      const result = (client.query as (...a: unknown[]) => unknown)(...args);
      if (result && typeof (result as PromiseLike<unknown>).then === 'function') {
        (result as PromiseLike<unknown>).then(
          () => (lastError = undefined),
          (error: unknown) => (lastError = error),
        );
      }
      return result;
    };
    const release = (): void => {
      if (released) return;
      released = true;
      direct.release(client, lastError);
    };
    return { query, release } as unknown as pg.PoolClient;
  };
  return { connect, end };
}

/** Directly-runnable pools, keyed by the executor of the Kysely instance schema-kit built; derived instances have their own. */
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


/** The host, port and database of a pool's options (`connectionString` or fields); no credentials. */
function serverOf(pool: pg.Pool): ServerOf | undefined {
  const options = (pool as { options?: pg.PoolConfig }).options;
  if (!options) return undefined;
  let url: URL | undefined;
  try {
    url = options.connectionString ? new URL(options.connectionString) : undefined;
  } catch {
    url = undefined;
  }
  const port = Number(options.port ?? (url?.port || undefined) ?? 5432);
  return {
    address: options.host ?? (url?.hostname ? decodeURIComponent(url.hostname) : undefined),
    port: Number.isFinite(port) ? port : undefined,
    database: options.database ?? (url && url.pathname.length > 1 ? decodeURIComponent(url.pathname.slice(1)) : undefined),
  };
}
