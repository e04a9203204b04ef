import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import type { Database } from './schema/database.js';
import { directPool, kyselyPool, runOnPoolDirectly } from './repos/direct-pool.js';
import { useGroupCommit, type GroupCommitOptions } from './repos/group-commit.js';
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
  /**
   * Group commit: concurrent `claim`, `isProcessed`, `append` and `upsertTelegramUser` calls made
   * outside a transaction on repositories built on `db` share one statement (one round trip, one
   * commit) while others are in flight, each caller getting its own result or error
   * (docs/group-commit.md). `false` sends every call alone; an object tunes it. Default on.
   */
  readonly groupCommit?: boolean | GroupCommitOptions;
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
 * It guards the clients it checks out so that a dropped connection fails the calls in flight with
 * `SchemaKitConnectionError` instead of crashing the process with an unhandled 'error', and
 * returns a client whose connection failed to the pool with the error (pg-pool discards it). The
 * pool's 'error' stays yours: schema-kit's listener does nothing while you have one, and while you
 * have none turns an idle client's failure into a process warning (`SCHEMA_KIT_POOL_ERROR`).
 * Concurrent hot calls made outside a transaction share statements and commits (group commit,
 * on by default: see `groupCommit`).
 *
 * ### Examples
 * ```ts
 * const kit = createSchemaKit({ pool: new pg.Pool({ connectionString }) });
 * await kit.processedMessages.claim('tg:update:1');
 * ```
 */
export function createSchemaKit(options: CreateSchemaKitOptions): SchemaKit {
  const { pool, schema, roles, consumer, preparedStatements, groupCommit } = options;
  // the fast path's pool (src/repos/prepared.ts): a client whose connection drops while checked
  // out fails the calls in flight with SchemaKitConnectionError instead of crashing the host
  // process, and goes back to the pool with the error (pg-pool discards it); the pool's own
  // 'error' listeners stay the host's (an idle client's failure only becomes a process warning
  // while the host has none)
  const direct = directPool(pool);
  useGroupCommit(direct, groupCommit);
  const close = async (): Promise<void> => {
    direct.open = false;
  };
  // no plugin, no log: the hot statements on `db` itself may skip Kysely's executor. The pool
  // belongs to the host: destroying our Kysely (kit.destroy() or db.destroy()) must not end it,
  // only refuse the direct calls as Kysely refuses its own
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: kyselyPool(direct, close) }) });
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
