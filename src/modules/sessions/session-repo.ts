import { sql } from 'kysely';
import { SchemaKitValidationError } from '../../errors.js';
import type { JsonValue } from '../../schema/column-types.js';
import { isIdText, jsonValueText } from '../../validation/common.js';
import { parseInput } from '../../validation/parse.js';
import { PreparedSql, runPrepared } from '../../repos/prepared.js';
import { run } from '../../repos/run.js';
import { qualifiedTable, repoContext, type Executor, type RepoContext, type RepoOptions } from '../../repos/repo-context.js';
import { sessionKeySchema, sessionPrefixSchema, sessionPruneOptionsSchema, sessionValueSchema, sessionWriteOptionsSchema } from './validation.js';

/** How many keys a listing reads per statement. */
const PAGE = 500;

// a session is live while it has no expiry or its expiry is ahead, by the database's clock
const LIVE = '(expires_at is null or expires_at > now())';

/**
 * Session values by key on `sessions`: one statement per call, each value a JSON value (jsonb),
 * each with an optional expiry after which it reads as absent until {@link SessionRepo.pruneExpired}
 * deletes it. The storage of `schema-kit/grammy`'s `sessionStorage` and `schema-kit/telegraf`'s
 * `sessionStore`; usable on its own.
 *
 * ### Examples
 * ```ts
 * const sessions = new SessionRepo(db);
 * await sessions.write('chat:42', { step: 'address' }, { ttl: 86_400_000 });
 * const value = await sessions.read('chat:42'); // { step: 'address' }
 * ```
 */
export class SessionRepo {
  readonly #ctx: RepoContext;
  readonly #sql: {
    readonly read: PreparedSql;
    readonly write: PreparedSql;
    readonly delete: PreparedSql;
    readonly has: PreparedSql;
    readonly keys: PreparedSql;
    readonly entries: PreparedSql;
  };

  /** Wraps the host's Kysely instance or transaction; `options.schema` defaults to `'schema_kit'`. */
  constructor(db: Executor, options: RepoOptions = {}) {
    this.#ctx = repoContext(db, options);
    const table = qualifiedTable(this.#ctx, 'sessions');
    const page = (columns: string) =>
      `select ${columns} from ${table} where starts_with(key, $1) and key > $2 and ${LIVE} order by key limit ${PAGE}`;
    this.#sql = {
      read: new PreparedSql(`select value from ${table} where key = $1 and ${LIVE}`),
      write: new PreparedSql(
        `insert into ${table} (key, value, expires_at) values ($1, $2::jsonb, now() + make_interval(secs => $3::float8 / 1000))
         on conflict (key) do update set value = excluded.value, expires_at = excluded.expires_at, updated_at = now()`,
      ),
      delete: new PreparedSql(`delete from ${table} where key = $1`),
      has: new PreparedSql(`select 1 as found from ${table} where key = $1 and ${LIVE}`),
      keys: new PreparedSql(page('key')),
      entries: new PreparedSql(page('key, value')),
    };
  }

  /** The value of `key`, or undefined when there is none or it has expired. */
  async read(key: string): Promise<JsonValue | undefined> {
    const rows = await runPrepared<{ value: JsonValue }>(this.#ctx, this.#sql.read, [keyOf(key)]);
    return rows[0]?.value;
  }

  /**
   * Writes `value` under `key` in one statement (an upsert), replacing any value and expiry it had.
   * `options.ttl` (milliseconds) makes it expire that long after the write, by the database's
   * clock; without it, it never expires.
   */
  async write(key: string, value: unknown, options: { ttl?: number } = {}): Promise<void> {
    const k = keyOf(key);
    const text = jsonValueText(value) ?? valueRefused(value);
    const ttl = options.ttl === undefined && Object.keys(options).length === 0 ? undefined : parseInput(sessionWriteOptionsSchema, options, 'options').ttl;
    await runPrepared(this.#ctx, this.#sql.write, [k, text, ttl ?? null]);
  }

  /** Deletes the value of `key`, if any. */
  async delete(key: string): Promise<void> {
    await runPrepared(this.#ctx, this.#sql.delete, [keyOf(key)]);
  }

  /** Whether `key` has a value that has not expired. */
  async has(key: string): Promise<boolean> {
    const rows = await runPrepared(this.#ctx, this.#sql.has, [keyOf(key)]);
    return rows.length > 0;
  }

  /** The keys with a live value that start with `prefix` (default: all), in key order, read in pages of 500. */
  async *keys(prefix = ''): AsyncGenerator<string> {
    for await (const [key] of this.#pages<{ key: string }>(this.#sql.keys, prefix)) yield key;
  }

  /** The live `[key, value]` pairs whose key starts with `prefix` (default: all), in key order, read in pages of 500. */
  async *entries(prefix = ''): AsyncGenerator<[key: string, value: JsonValue]> {
    for await (const [key, row] of this.#pages<{ key: string; value: JsonValue }>(this.#sql.entries, prefix)) yield [key, row.value];
  }

  /**
   * Deletes the expired sessions, in batches of `batchSize` (default 1000) so no statement holds
   * many locks, and returns how many it deleted. Concurrent prunes skip each other's rows (FOR
   * UPDATE SKIP LOCKED). Reads already treat an expired session as absent: pruning frees the space.
   */
  async pruneExpired(options: { batchSize?: number } = {}): Promise<number> {
    const { batchSize = 1000 } = parseInput(sessionPruneOptionsSchema, options, 'options');
    let total = 0;
    // not a retry: batches until one comes back short (a row locked by a concurrent prune is
    // skipped and makes a batch short); a row that expires meanwhile waits for the next prune
    for (;;) {
      const deleted = await this.#deleteBatch(batchSize);
      total += deleted;
      if (deleted < batchSize) return total;
    }
  }

  async #deleteBatch(batchSize: number): Promise<number> {
    const table = sql.id(this.#ctx.schema, 'sessions');
    const result = await run(
      sql`delete from ${table} where key in (select key from ${table} where expires_at <= now() limit ${batchSize} for update skip locked)`.execute(this.#ctx.db),
    );
    return Number(result.numAffectedRows ?? 0);
  }

  async *#pages<R extends { key: string }>(statement: PreparedSql, prefix: string): AsyncGenerator<[string, R]> {
    const p = parseInput(sessionPrefixSchema, prefix, 'prefix');
    let after = '';
    for (;;) {
      const rows = await runPrepared<R>(this.#ctx, statement, [p, after]);
      for (const row of rows) yield [row.key, row];
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1]!.key;
    }
  }
}

/** Throws the validation error naming what of `value` is not JSON jsonb stores. */
function valueRefused(value: unknown): never {
  parseInput(sessionValueSchema, value, 'value');
  throw new SchemaKitValidationError('value', 'must be JSON');
}

/** `key` checked by hand on the hot path, else through the schema (which names what is wrong). */
function keyOf(key: unknown): string {
  if (isIdText(key, 512)) return key;
  parseInput(sessionKeySchema, key, 'key');
  throw new SchemaKitValidationError('key', 'must be a session key');
}
