import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
} from 'kysely';

/** What the dialect uses of a PGlite instance (so these types do not need PGlite installed). */
export interface PGliteInstance {
  /** Settles when PGlite has started. */
  readonly waitReady: Promise<void>;
  /** Whether `close()` was called. */
  readonly closed: boolean;
  /** Runs one statement (extended protocol) with its parameters and result parsers. */
  query<T>(query: string, params?: unknown[], options?: { parsers?: Record<number, (value: string, typeId: number) => unknown> }): Promise<{ rows: T[]; affectedRows?: number }>;
  /** Shuts PGlite down. */
  close(): Promise<void>;
}

/** Options of {@link createPGliteDialect}. */
export interface PGliteDialectOptions {
  /**
   * How long a query waits for PGlite's single connection while another holder (a transaction, a
   * migration run) keeps it, before failing with an error that says so. Default 15000 ms.
   */
  readonly acquireTimeoutMs?: number;
}

/**
 * A Kysely dialect over an in-process PGlite. PGlite is one PostgreSQL backend: one connection.
 * The driver hands that connection to one holder at a time (a transaction keeps it until it ends;
 * other queries queue), so a transaction never sees another caller's statements inside it.
 * A caller that waits for the connection while it holds it itself (a query on the outer `db`
 * inside `db.transaction()`) cannot be served: it fails after `acquireTimeoutMs` naming the cause.
 * `stream()` reads the whole result and yields it in chunks: it is not constant-memory on PGlite.
 *
 * ### Examples
 * ```ts
 * const db = new Kysely<Database>({ dialect: createPGliteDialect(await PGlite.create()) });
 * ```
 */
export function createPGliteDialect(pglite: PGliteInstance, options: PGliteDialectOptions = {}): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new PGliteDriver(pglite, options.acquireTimeoutMs ?? 15_000),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
}

class PGliteDriver implements Driver {
  readonly #connection: PGliteConnection;
  readonly #timeoutMs: number;
  #held: Promise<void> = Promise.resolve();
  #release: (() => void) | undefined;

  constructor(pglite: PGliteInstance, timeoutMs: number) {
    this.#connection = new PGliteConnection(pglite);
    this.#timeoutMs = timeoutMs;
  }

  async init(): Promise<void> {
    await this.#connection.pglite.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.#held;
    let release!: () => void;
    this.#held = new Promise((resolve) => (release = resolve));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(
        `PGlite has one connection and it stayed busy for ${this.#timeoutMs} ms: a query waited for it while ` +
          'another holder (a transaction or migration run) kept it. On PGlite, run queries inside a transaction ' +
          'on its own transaction object, not on the outer database, and do not wait on a second transaction.',
      )), this.#timeoutMs);
      timer.unref?.();
    });
    try {
      await Promise.race([previous, timeout]);
    } catch (error) {
      void previous.then(release); // keep the queue intact behind the holder we gave up on
      throw error;
    } finally {
      clearTimeout(timer);
    }
    this.#release = release;
    return this.#connection;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(): Promise<void> {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }

  async destroy(): Promise<void> {
    if (!this.#connection.pglite.closed) await this.#connection.pglite.close();
  }
}

/**
 * Result parsers that make PGlite return what node-postgres returns, so rows look the same on both:
 * `bigint` (int8) and `numeric` as strings (PGlite would give a number, which loses precision
 * beyond 2^53).
 */
const AS_NODE_POSTGRES = { 20: (value: string) => value, 1700: (value: string) => value };

class PGliteConnection implements DatabaseConnection {
  constructor(readonly pglite: PGliteInstance) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    // the SQL as a string: a query config object (node-postgres's named statements) has no meaning here
    const result = await this.pglite.query<R>(String(compiled.sql), [...compiled.parameters], { parsers: AS_NODE_POSTGRES });
    // Kysely reads numAffectedRows only for insert, update, delete and merge
    return { rows: result.rows, ...(result.affectedRows === undefined ? {} : { numAffectedRows: BigInt(result.affectedRows) }) };
  }

  async *streamQuery<R>(compiled: CompiledQuery, chunkSize = 100): AsyncIterableIterator<QueryResult<R>> {
    const { rows } = await this.executeQuery<R>(compiled);
    for (let i = 0; i < rows.length; i += chunkSize) yield { rows: rows.slice(i, i + chunkSize) };
  }
}
