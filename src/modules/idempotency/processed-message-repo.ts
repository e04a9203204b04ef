import { sql, type RawBuilder, type Transaction } from 'kysely';
import { SchemaKitValidationError } from '../../errors.js';
import type { Database } from '../../schema/database.js';
import type { JsonValue } from '../../schema/column-types.js';
import { parseInput } from '../../validation/parse.js';
import {
  consumerOptionsSchema,
  cutoffSchema,
  dedupWindowSchema,
  keptResultSchema,
  messageIdListSchema,
  messageIdSchema,
  processOnceOptionsSchema,
  pruneOptionsSchema,
} from './validation.js';
import { inLockOrder } from '../../repos/lock-order.js';
import { writeOutcome } from '../../database-errors.js';
import { hostCode, inTransaction } from '../../repos/transaction.js';
import { qualifiedTable, refuseOutsideHandlerTransaction, repoContext, type Executor, type RepoContext, type RepoOptions } from '../../repos/repo-context.js';
import { run } from '../../repos/run.js';
import { runPrepared } from '../../repos/prepared.js';
import { PreparedSql } from '../../repos/prepared.js';
import { coalesced, coalescerFor, runBatch } from '../../repos/group-commit.js';
import type { Coalescer } from '../../repos/coalescer.js';

/** Options of {@link ProcessedMessageRepo}: the schema and the default consumer. */
export interface ProcessedMessageRepoOptions extends RepoOptions {
  /** The consumer calls are scoped to unless they name one. Default `'default'`. */
  readonly consumer?: string;
}

/** The outcome of {@link ProcessedMessageRepo.processOnce}. */
export type ProcessOnceResult<T> =
  | { readonly processed: true; readonly result: T }
  | { readonly processed: false; /** The first run's kept result, when it was kept. */ readonly result: JsonValue | null };

/**
 * Idempotent message handling on `processed_messages`, keyed by (consumer, message_id): a
 * message is claimed once per consumer, whatever the redeliveries and races.
 *
 * `DB` is the host's database type, inferred from the Kysely instance or transaction it is built
 * with: {@link ProcessedMessageRepo.processOnce} hands its handler a transaction of that type.
 *
 * ### Examples
 * ```ts
 * const inbox = new ProcessedMessageRepo(db, { consumer: 'telegram-bot' });
 * if (await inbox.claim(`tg:update:${update.update_id}`)) await handle(update);
 * ```
 */
export class ProcessedMessageRepo<DB = Database> {
  readonly #ctx: RepoContext;
  /** The host's Kysely or transaction as given: handlers run in its transactions. */
  readonly #host: Executor<DB>;
  readonly #consumer: string;
  readonly #sql: {
    readonly claim: PreparedSql;
    readonly claimMany: PreparedSql;
    readonly keptResult: PreparedSql;
    readonly keepResult: PreparedSql;
  };
  /** Group commit of claim and isProcessed on createSchemaKit's db (repos/group-commit.ts); undefined elsewhere. */
  readonly #claims: Coalescer<MessageKey, boolean> | undefined;
  readonly #lookups: Coalescer<MessageKey, boolean> | undefined;

  /** Wraps the host's Kysely instance or transaction; `options.schema` defaults to `'schema_kit'`. */
  constructor(db: Executor<DB>, options: ProcessedMessageRepoOptions = {}) {
    const { consumer, ...rest } = options;
    this.#ctx = repoContext(db, rest, this, 'processed_messages');
    this.#host = db;
    const table = qualifiedTable(this.#ctx, 'processed_messages');
    // SQL text built once, not the query builder: building, compiling and schema-transforming the
    // builder's tree on every call cost about as much client CPU again as pg itself
    // (bench/overhead.bench.mjs)
    this.#sql = {
      claim: new PreparedSql(`insert into ${table} (consumer, message_id) values ($1, $2) on conflict do nothing returning 1 as claimed`),
      claimMany: new PreparedSql(
        `insert into ${table} (consumer, message_id) select $1, id from unnest($2::text[]) as t(id) on conflict do nothing returning message_id`,
      ),
      keptResult: new PreparedSql(`select result from ${table} where consumer = $1 and message_id = $2`),
      keepResult: new PreparedSql(`update ${table} set result = $3 where consumer = $1 and message_id = $2`),
    };
    this.#claims = coalescerFor(this.#ctx, 'claim', () => {
      const batch = new PreparedSql(
        `insert into ${table} (consumer, message_id) select * from unnest($1::text[], $2::text[]) on conflict do nothing returning consumer, message_id`,
      );
      return {
        one: ([c, id]) => this.#claimIn(this.#ctx.plain, c, id),
        // the rows in one fixed order (as claimMany's), so two batches never deadlock
        many: (keys) => {
          const sorted = [...keys].sort(byKey);
          return runBatch<{ consumer: string; message_id: string }>(this.#ctx, batch, [sorted.map((k) => k[0]), sorted.map((k) => k[1])]).then((rows) => {
            const claimed = new Set(rows.map((r) => keyText([r.consumer, r.message_id])));
            return keys.map((k) => claimed.has(keyText(k)));
          });
        },
        key: keyText,
      };
    });
    this.#lookups = coalescerFor(this.#ctx, 'isProcessed', () => {
      const batch = new PreparedSql(
        `select n from unnest($1::text[], $2::text[]) with ordinality as t(c, id, n) where exists (select from ${table} p where p.consumer = t.c and p.message_id = t.id)`,
      );
      return {
        one: (key) => this.#isProcessedAlone(key),
        many: (keys) =>
          runBatch<{ n: string }>(this.#ctx, batch, [keys.map((k) => k[0]), keys.map((k) => k[1])]).then((rows) => {
            const found = new Set(rows.map((r) => Number(r.n) - 1));
            return keys.map((_, i) => found.has(i));
          }),
      };
    });
    this.#consumer = consumer === undefined ? 'default' : parseInput(consumerOptionsSchema, { consumer }, 'options').consumer!;
  }

  /**
   * Claims `messageId` for the consumer in one statement (INSERT ... ON CONFLICT DO NOTHING):
   * true the first time, false for every later call. Concurrent claims of one id: exactly one wins.
   * Outside a transaction a connection lost, or pg's `query_timeout` run out, after the statement
   * was sent is `SchemaKitOutcomeUnknownError`: the claim may have committed, and claiming again
   * answers false either way. Where that must not lose a message, use {@link ProcessedMessageRepo.processOnce}.
   */
  async claim(messageId: string, options: { consumer?: string } = {}): Promise<boolean> {
    const id = parseInput(messageIdSchema, messageId, 'messageId');
    const consumer = this.#consumerOf(options);
    return coalesced(this.#claims, [consumer, id], ([c, i]) => this.#claimIn(this.#ctx.plain, c, i)).catch((error: unknown) => Promise.reject(this.#claimOutcome(error)));
  }

  /**
   * Claims many ids in one statement and returns those that were new, in input order (an id
   * repeated in the list is returned once). The rows are inserted in one fixed order whatever the
   * input's, so two calls over the same ids in opposite orders never deadlock.
   */
  async claimMany(messageIds: readonly string[], options: { consumer?: string } = {}): Promise<string[]> {
    const ids = parseInput(messageIdListSchema, messageIds, 'messageIds');
    const consumer = this.#consumerOf(options);
    if (ids.length === 0) return [];
    const rows = await runPrepared<{ message_id: string }>(this.#ctx, this.#sql.claimMany, [consumer, inLockOrder(ids)]).catch((error: unknown) =>
      Promise.reject(this.#claimOutcome(error)),
    );
    const claimed = new Set(rows.map((r) => r.message_id));
    return [...new Set(ids)].filter((id) => claimed.has(id));
  }

  /** Whether `messageId` has been claimed by the consumer. */
  async isProcessed(messageId: string, options: { consumer?: string } = {}): Promise<boolean> {
    const id = parseInput(messageIdSchema, messageId, 'messageId');
    const consumer = this.#consumerOf(options);
    return coalesced(this.#lookups, [consumer, id], (key) => this.#isProcessedAlone(key));
  }

  async #isProcessedAlone([consumer, id]: MessageKey): Promise<boolean> {
    const row = await run(
      this.#ctx.db
        .selectFrom('processed_messages')
        .select(sql<number>`1`.as('found'))
        .where('consumer', '=', consumer)
        .where('message_id', '=', id)
        .executeTakeFirst(),
    );
    return row !== undefined;
  }

  /**
   * Claims `messageId` and runs `handler` in one transaction (a savepoint inside the host's), so a
   * throw undoes both and a redelivery can retry. The handler gets the host's own transaction:
   * the database type and plugins of the Kysely the repository was built with, not scoped to
   * schema-kit's schema, so the host's tables and schema-kit's repositories both work on it and
   * commit or roll back together. A duplicate does not run the handler; with `keepResult`, the
   * handler's JSON result is stored and returned to duplicates. An error of the handler's own is
   * rethrown as is (a database error from its statements is typed); a handler that catches a failed statement and returns leaves an aborted
   * transaction, which is rolled back and reported as `SchemaKitDatabaseError`
   * (`transaction_aborted`).
   *
   * Concurrent calls on one host transaction take turns on its connection (each in its own
   * savepoint), so a throwing handler never undoes a sibling reported as processed. When the
   * outcome cannot be known (the connection or pg's `query_timeout` cut in at the COMMIT of the
   * transaction processOnce opened), it throws `SchemaKitOutcomeUnknownError`: call processOnce
   * again with the same id, which finds the message claimed and done, or claims it and runs the
   * handler (docs/guarantees.md).
   *
   * ### Examples
   * ```ts
   * const outcome = await inbox.processOnce(id, async (trx) => {
   *   await trx.insertInto('orders').values({ userId, total }).execute(); // the host's own table
   *   await new EventLogRepo(trx).append({ action: 'order.created', entity_type: 'order', entity_id });
   *   return { orderId };
   * }, { keepResult: true });
   * ```
   */
  async processOnce<T>(
    messageId: string,
    handler: (trx: Transaction<DB>) => Promise<T>,
    options: { consumer?: string; keepResult?: boolean } = {},
  ): Promise<ProcessOnceResult<T>> {
    const id = parseInput(messageIdSchema, messageId, 'messageId');
    const parsed = parseInput(processOnceOptionsSchema, options, 'options');
    const consumer = parsed.consumer ?? this.#consumer;
    if (typeof handler !== 'function') throw new SchemaKitValidationError('handler', 'must be a function');
    refuseOutsideHandlerTransaction(this.#ctx); // this repository's own transaction, opened inside another's handler
    return inTransaction(this.#host, async (trx) => {
      const own = trx.withoutPlugins();
      if (!(await this.#claimIn(own, consumer, id))) {
        const [kept] = await runPrepared<{ result: JsonValue | null }>(this.#ctx, this.#sql.keptResult, [consumer, id], own);
        return { processed: false, result: kept?.result ?? null };
      }
      const result = await hostCode(() => handler(trx));
      if (parsed.keepResult) {
        const json = parseInput(keptResultSchema, result ?? null, 'result') as JsonValue;
        await runPrepared(this.#ctx, this.#sql.keepResult, [consumer, id, JSON.stringify(json)], own);
      }
      return { processed: true, result };
    });
  }

  /**
   * Deletes claims older than `cutoff` (of one consumer, or all), in batches of `batchSize`
   * (default 1000) so no statement holds many locks; returns how many it deleted. Pruning
   * shortens the dedup window: a message redelivered after its claim was pruned runs again.
   * Concurrent prunes skip each other's rows (FOR UPDATE SKIP LOCKED) instead of deadlocking.
   */
  async pruneOlderThan(cutoff: Date, options: { batchSize?: number; consumer?: string } = {}): Promise<number> {
    const before = parseInput(cutoffSchema, cutoff, 'cutoff');
    return this.#prune(sql`${before}`, options);
  }

  /**
   * Retention that keeps exactly-once within the dedup window: deletes the claims processed more
   * than `windowMs` ago by the database's clock (never the caller's, so a client clock ahead
   * cannot shorten the window), in bounded batches, and returns how many it deleted. A redelivery
   * within the window still finds its claim; make the window longer than the longest time your
   * producer may redeliver (Telegram: 24 h). Not a partition drop: a claim must stay unique per
   * (consumer, message_id) whatever its age, and a partitioned table's unique key would have to
   * include the time (see docs/lifecycle.md).
   */
  async pruneOutsideWindow(windowMs: number, options: { batchSize?: number; consumer?: string } = {}): Promise<number> {
    const ms = parseInput(dedupWindowSchema, windowMs, 'windowMs');
    return this.#prune(sql`now() - make_interval(secs => ${ms / 1000})`, options);
  }

  async #prune(before: RawBuilder<unknown>, options: { batchSize?: number; consumer?: string }): Promise<number> {
    const { batchSize = 1000, consumer } = parseInput(pruneOptionsSchema, options, 'options');
    const table = sql.id(this.#ctx.schema, 'processed_messages');
    let total = 0;
    // not a retry: batches until one comes back short, which ends it, since only claims older than
    // the cut-off are deleted and new claims are stamped now() (a claim locked by a concurrent
    // prune is skipped, and makes a batch short)
    for (;;) {
      const result = await run(
        sql`
          delete from ${table}
          where (consumer, message_id) in (
            select consumer, message_id from ${table}
            where processed_at < ${before} ${consumer === undefined ? sql`` : sql`and consumer = ${consumer}`}
            limit ${batchSize}
            for update skip locked)`.execute(this.#ctx.db),
      );
      const deleted = Number(result.numAffectedRows ?? 0);
      total += deleted;
      if (deleted < batchSize) return total;
    }
  }

  #claimIn(db: Executor, consumer: string, messageId: string): Promise<boolean> {
    return runPrepared(this.#ctx, this.#sql.claim, [consumer, messageId], db).then(anyRow);
  }

  /** A claim's failure: outside a transaction the claim commits on its own, so a connection lost
   * after it was sent leaves its outcome unknown ({@link SchemaKitOutcomeUnknownError}). */
  #claimOutcome(error: unknown): unknown {
    return this.#ctx.plain.isTransaction ? error : writeOutcome(error);
  }

  #consumerOf(options: { consumer?: string }): string {
    // the common call passes no options: skip parsing an empty object on the hot path
    if (options !== null && Object.getPrototypeOf(options) === Object.prototype && Object.keys(options).length === 0) return this.#consumer;
    return parseInput(consumerOptionsSchema, options, 'options').consumer ?? this.#consumer;
  }
}

/** A message as a claim names it: the consumer and the message id. */
type MessageKey = readonly [consumer: string, messageId: string];

function keyText(key: MessageKey): string {
  return `${key[0]}\u0000${key[1]}`; // ids hold no NUL
}

/** The lock order of claims: by consumer, then id (claimMany's order within one consumer). */
function byKey(a: MessageKey, b: MessageKey): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

/** Whether a statement returned a row (a claim that won). */
function anyRow(rows: readonly unknown[]): boolean {
  return rows.length > 0;
}
