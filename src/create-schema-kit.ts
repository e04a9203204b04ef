import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import type { Database } from './schema/database.js';
import { runOnPoolDirectly, type DirectPool } from './repos/direct-pool.js';
import { EventLogRepo } from './modules/audit/index.js';
import { ProcessedMessageRepo } from './modules/idempotency/index.js';
import { RoleChangeLogRepo } from './modules/roles/index.js';
import { UserInterestRepo } from './modules/interests/index.js';

/** Options of {@link createSchemaKit}. */
export interface CreateSchemaKitOptions {
  /** The host's pool; schema-kit never ends it. */
  readonly pool: pg.Pool;
  /** The schema schema-kit was installed into. Default `'schema_kit'`. */
  readonly schema?: string;
  /** The roles `RoleChangeLogRepo` accepts. Default: the seeded roles. */
  readonly roles?: readonly string[];
  /** The default consumer of `ProcessedMessageRepo`. Default `'default'`. */
  readonly consumer?: string;
  /** Named prepared statements on the hot paths (see `RepoOptions.preparedStatements`). Default on. */
  readonly preparedStatements?: boolean;
}

/** A Kysely instance over the host's pool and the four core repositories built on it; construct
 * any other repository with `db` (e.g. `new UserRepo(kit.db)`). Repositories built on `db` itself
 * run their hot statements on the pool directly, outside a transaction; in one of `db`'s
 * transactions they run on its connection, as on any Kysely. */
export interface SchemaKit {
  readonly db: Kysely<Database>;
  readonly processedMessages: ProcessedMessageRepo;
  readonly events: EventLogRepo;
  readonly roles: RoleChangeLogRepo;
  readonly interests: UserInterestRepo;
  /** Releases the Kysely instance; the host's pool stays open. */
  destroy(): Promise<void>;
}

/**
 * Builds the repositories over a bare `pg.Pool`, for hosts that do not use Kysely themselves.
 * It guards the pool's clients so that a dropped connection fails the calls in flight with
 * `SchemaKitConnectionError` instead of crashing the process with an unhandled 'error'.
 *
 * ### Examples
 * ```ts
 * const kit = createSchemaKit({ pool: new pg.Pool({ connectionString }) });
 * await kit.processedMessages.claim('tg:update:1');
 * ```
 */
export function createSchemaKit(options: CreateSchemaKitOptions): SchemaKit {
  const { pool, schema, roles, consumer, preparedStatements } = options;
  // A client whose connection drops emits 'error': pg-pool only listens while the client is idle,
  // so without these listeners a server restart would crash the host process instead of failing
  // the calls in flight (they still fail, with SchemaKitConnectionError).
  if (pool.listenerCount('error') === 0) pool.on('error', () => undefined);
  const guarded = new WeakSet<pg.PoolClient>();
  const connect = async (): Promise<pg.PoolClient> => {
    const client = await pool.connect();
    if (!guarded.has(client)) {
      guarded.add(client);
      client.on('error', () => undefined);
    }
    return client;
  };
  // no plugin, no log: the hot statements on `db` itself may skip Kysely's executor (direct-pool.ts)
  const direct: DirectPool = { connect, open: true };
  const close = async (): Promise<void> => {
    direct.open = false;
  };
  // the pool belongs to the host: destroying our Kysely (kit.destroy() or db.destroy()) must not
  // end it, only refuse the direct calls as Kysely refuses its own
  const borrowed = { connect, end: close };
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: borrowed }) });
  runOnPoolDirectly(db, direct);
  const repoOptions = { ...(schema === undefined ? {} : { schema }), ...(preparedStatements === undefined ? {} : { preparedStatements }) };
  return {
    db,
    processedMessages: new ProcessedMessageRepo(db, { ...repoOptions, ...(consumer === undefined ? {} : { consumer }) }),
    events: new EventLogRepo(db, repoOptions),
    roles: new RoleChangeLogRepo(db, { ...repoOptions, ...(roles === undefined ? {} : { roles }) }),
    interests: new UserInterestRepo(db, repoOptions),
    destroy: () => close().then(() => db.destroy()),
  };
}
