import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { SchemaKitConnectionError, SchemaKitError, SchemaKitOutcomeUnknownError, SchemaKitValidationError } from '../../errors.js';
import { runPrepared } from '../../repos/prepared.js';
import { repoContext, type RepoContext, type RepoOptions } from '../../repos/repo-context.js';
import { sleep } from '../../repos/sleep.js';
import { hostCode, inTransaction } from '../../repos/transaction.js';
import { parseInput } from '../../validation/parse.js';
import { checkpointSql, type CheckpointSql } from './checkpoint-sql.js';
import { consumerChannel } from './diagnostics.js';
import type { ConsumerLagMessage } from '../../observability/channels.js';
import { FeedConsumerRepo, type ConsumerStatus } from './feed-consumer-repo.js';
import { EventLogRepo, positionSchema, type StreamedEvent } from '../audit/index.js';
import { feedConsumerOptionsSchema, resetOptionsSchema, runOptionsSchema } from './validation.js';
import type { ConsumerMode } from './values.js';
import { Wakeup, type ListenPool } from './wakeup.js';

/** The host's work on a batch: `events` in feed order, `trx` the transaction that also moves the checkpoint. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the host's database type
export type FeedHandler<DB = any> = (events: StreamedEvent[], trx: Transaction<DB>) => Promise<unknown> | unknown;

/** Options of {@link FeedConsumer}. */
export interface FeedConsumerOptions extends Omit<RepoOptions, 'allowOutsideTransaction'> {
  /** The consumer's name (1-128 characters): its checkpoint row, and the lease only one runner holds. */
  readonly name: string;
  /** Events read per transaction. Default 100. */
  readonly batchSize?: number;
  /** Hand the handler only these events (the checkpoint still moves past the others). */
  readonly filter?: { readonly actions?: readonly string[]; readonly entityTypes?: readonly string[] };
  /** Wake up on LISTEN/NOTIFY where a connection for it can be had (`pool`, or createSchemaKit's `db`). Default true. */
  readonly listen?: boolean;
  /** The node-postgres pool behind `db`, to take one connection of it for LISTEN. Not needed for createSchemaKit's `db`. */
  readonly pool?: ListenPool;
  /** Pause between reads when caught up without a notification, in ms. Default 500. */
  readonly pollIntervalMs?: number;
  /** How long the active runner's lease lasts unless renewed (renewed every third of it); a standby takes over after it. Default 1500. */
  readonly leaseMs?: number;
  /** Failed attempts at one event after which `run` stops (rejects) with the error recorded. Default 5. */
  readonly maxAttempts?: number;
  /** First pause after a failure, doubled per attempt, in ms. Default 100. */
  readonly retryDelayMs?: number;
  /** Longest pause between attempts, in ms. Default 30000. */
  readonly maxRetryDelayMs?: number;
}

/** Options of {@link FeedConsumer.run}. */
export interface FeedConsumerRunOptions {
  /** Ends the run: `run` resolves once the batch in hand is committed or rolled back. */
  readonly signal?: AbortSignal;
}

type Settings = ReturnType<typeof feedConsumerOptionsSchema.parse>;
type Batch = { readonly kind: 'lost' | 'moved' } | { readonly kind: 'done'; readonly read: number; readonly handled: number; readonly position: string };
type Position = { position_tx: string; position_id: string };

/**
 * A durable consumer of the global event feed ({@link EventLogRepo.stream}'s gap-free order): it
 * hands the host's handler each batch of events together with the transaction that also moves its
 * checkpoint, so the host's writes and the checkpoint commit together and a crash anywhere neither
 * loses nor repeats an effect. One runner per name is active (a lease on the checkpoint row, and
 * every move fenced by it); another waits as a standby and takes over when the lease lapses. It
 * wakes on LISTEN/NOTIFY where it can, else polls; a failing batch is retried with backoff, one
 * event at a time, and `run` stops at the failing event with the error recorded: it never skips
 * an event by itself. See docs/consumers.md.
 *
 * ### Examples
 * ```ts
 * const consumer = new FeedConsumer(db, { name: 'orders-projection', pool });
 * await consumer.run(async (events, trx) => {
 *   for (const e of events) await trx.insertInto('orders_view').values({ id: e.entity_id, status: e.action }).onConflict((oc) => oc.column('id').doUpdateSet({ status: e.action })).execute();
 * }, { signal });
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the host's database type
export class FeedConsumer<DB = any> {
  /** The consumer's name. */
  readonly name: string;
  readonly #db: Kysely<DB>;
  readonly #ctx: RepoContext;
  readonly #sql: CheckpointSql;
  readonly #settings: Settings;
  readonly #status: FeedConsumerRepo;
  #running = false;
  /** The position of the last event the current batch read (what a failed batch covered). */
  #lastRead: string | undefined;

  /** A consumer named `options.name` over the feed of the host's Kysely instance `db` (not a transaction). */
  constructor(db: Kysely<DB>, options: FeedConsumerOptions) {
    const settings = (this.#settings = parseInput(feedConsumerOptionsSchema, options, 'options'));
    if (!db || typeof db !== 'object' || db.isTransaction) throw new SchemaKitValidationError('db', 'must be a Kysely instance, not a transaction: a consumer opens its own transactions');
    const repoOptions = { schema: settings.schema, preparedStatements: settings.preparedStatements };
    this.name = settings.name;
    this.#db = db;
    this.#ctx = repoContext(db, repoOptions);
    this.#sql = checkpointSql(this.#ctx);
    this.#status = new FeedConsumerRepo(db, repoOptions);
  }

  /**
   * Runs the consumer until `signal` aborts: as the active runner (holding the name's lease), or as
   * a standby until the active one's lease lapses. Resolves after the batch in hand is committed or
   * rolled back. Rejects with `SchemaKitError` `consumer_stopped` (the handler's error as its
   * cause) after `maxAttempts` failures at one event, which stays the next to handle.
   */
  async run(handler: FeedHandler<DB>, options: FeedConsumerRunOptions = {}): Promise<void> {
    const { signal } = parseInput(runOptionsSchema, options, 'options');
    if (typeof handler !== 'function') throw new SchemaKitValidationError('handler', 'must be a function');
    if (this.#running) throw new SchemaKitError('consumer_running', `the consumer '${this.name}' is already running in this instance`);
    this.#running = true;
    const { leaseMs, batchSize, pollIntervalMs, maxAttempts } = this.#settings;
    const owner = randomUUID();
    const wakeup = new Wakeup(this.#ctx.schema, this.#settings.listen ? this.#settings.pool : undefined, this.#settings.listen ? this.#ctx.direct : undefined);
    let holding = false;
    let renewAt = 0;
    let failures = 0;
    /** After a failed batch: its last event. Batches of one event until past it, so the run stops at the failing event. */
    let isolate: string | undefined;
    /** Whether the last batch was full: the next one most likely has events, so it locks the checkpoint first (one round trip less). */
    let catchingUp = false;
    try {
      while (!signal?.aborted) {
        try {
          if (!holding || Date.now() >= renewAt) {
            const mode: ConsumerMode = holding ? wakeup.mode : await wakeup.listen();
            holding = (await runPrepared(this.#ctx, holding ? this.#sql.renew : this.#sql.acquire, [this.name, owner, leaseMs, mode])).length > 0;
            renewAt = Date.now() + leaseMs / 3;
            if (!holding) {
              wakeup.unlisten();
              await sleep(Math.min(250, leaseMs / 4), signal); // a standby
              continue;
            }
          }
          await wakeup.listen();
          wakeup.consume(); // the read below covers what a notification announced
          const size = isolate ? 1 : batchSize;
          const batch = await this.#batch(handler, owner, size, wakeup.mode, catchingUp);
          catchingUp = batch.kind === 'done' && batch.read === size;
          if (batch.kind === 'lost') holding = false;
          if (batch.kind !== 'done') continue;
          if (batch.read > 0) failures = 0;
          if (isolate && batch.read > 0 && !before(batch.position, isolate)) isolate = undefined;
          if (batch.read > 0) renewAt = Date.now() + leaseMs / 3;
          if (batch.read > 0) this.#publish(batch.handled, batch.position, wakeup.mode);
          if (batch.read < size) await wakeup.wait(Math.max(0, Math.min(pollIntervalMs, renewAt - Date.now())), signal);
        } catch (error) {
          if (isConnectionFailure(error)) {
            // the runner's connection, not the event: try again, the lease decides who goes on
            holding = false;
            await sleep(this.#settings.retryDelayMs, signal);
            continue;
          }
          failures += 1;
          isolate ??= this.#lastRead;
          await runPrepared(this.#ctx, this.#sql.fail, [this.name, owner, describe(error)]).catch(() => undefined);
          if (failures >= maxAttempts) {
            throw new SchemaKitError('consumer_stopped', `the consumer '${this.name}' stopped after ${failures} failed attempts at one event: ${describe(error)}`, { cause: error });
          }
          await sleep(Math.min(this.#settings.maxRetryDelayMs, this.#settings.retryDelayMs * 2 ** (failures - 1)), signal);
        }
      }
    } finally {
      wakeup.close();
      if (holding) await runPrepared(this.#ctx, this.#sql.release, [this.name, owner]).catch(() => undefined);
      this.#running = false;
    }
  }

  /** This consumer's status (see {@link FeedConsumerRepo.status}); undefined if it never ran nor was moved. */
  async status(): Promise<ConsumerStatus | undefined> {
    return (await this.#status.status(this.name))[0];
  }

  /**
   * Moves the checkpoint past the event at `position` (the operator's way past an event the handler
   * cannot handle): the next batch starts after it. Clears the recorded failure.
   */
  async skip(position: string): Promise<void> {
    await this.#move(parseInput(positionSchema, position, 'position'));
  }

  /**
   * Rewinds (or moves) the checkpoint to `options.to`, default the beginning of the feed, to replay
   * the events after it (rebuilding a projection: empty it in the same step of your own). Clears
   * the recorded failure. A running runner reads from the new position at its next batch.
   */
  async reset(options: { readonly to?: string } = {}): Promise<void> {
    await this.#move(parseInput(resetOptionsSchema, options, 'options').to ?? '0:0');
  }

  async #move(position: string): Promise<void> {
    const [tx, id] = position.split(':');
    await runPrepared(this.#ctx, this.#sql.move, [this.name, tx, id]);
  }

  /**
   * One batch in one transaction: read after the position, fence (the checkpoint row locked while
   * we hold the lease), hand over, move the position. Caught up, it reads before it locks (an idle
   * poll takes no row lock); `lockFirst` (catching up) locks before it reads.
   */
  async #batch(handler: FeedHandler<DB>, owner: string, size: number, mode: ConsumerMode, lockFirst: boolean): Promise<Batch> {
    const { schema, preparedStatements, filter } = this.#settings;
    return inTransaction(this.#db, async (trx): Promise<Batch> => {
      const plain = trx.withoutPlugins();
      const [at] = await runPrepared<Position>(this.#ctx, lockFirst ? this.#sql.lock : this.#sql.position, [this.name, owner], plain);
      if (!at) return { kind: 'lost' };
      const events = await readBatch(new EventLogRepo(trx, { schema, preparedStatements }), `${at.position_tx}:${at.position_id}`, size);
      if (events.length === 0) return { kind: 'done', read: 0, handled: 0, position: `${at.position_tx}:${at.position_id}` };
      this.#lastRead = events.at(-1)!.position;
      if (!lockFirst) {
        const [locked] = await runPrepared<Position>(this.#ctx, this.#sql.lock, [this.name, owner], plain);
        if (!locked) return { kind: 'lost' };
        if (locked.position_tx !== at.position_tx || locked.position_id !== at.position_id) return { kind: 'moved' }; // skip or reset meanwhile
      }
      const wanted = filter ? events.filter((e) => (!filter.actions || filter.actions.includes(e.action)) && (!filter.entityTypes || filter.entityTypes.includes(e.entity_type))) : events;
      if (wanted.length > 0) await hostCode(() => Promise.resolve(handler(wanted, trx)));
      const last = events.at(-1)!;
      await runPrepared(this.#ctx, this.#sql.advance, [this.name, last.tx_id, last.id, this.#settings.leaseMs, mode], plain);
      return { kind: 'done', read: events.length, handled: wanted.length, position: last.position };
    });
  }

  /** Publishes the committed batch on the diagnostics channel, only while it has subscribers. */
  #publish(handled: number, position: string, mode: ConsumerMode): void {
    if (!consumerChannel.hasSubscribers) return;
    this.#status.status(this.name).then(
      ([status]) => {
        const message: ConsumerLagMessage = { name: this.name, position, handled, eventsBehind: status?.eventsBehind ?? 0, secondsBehind: status?.secondsBehind ?? 0, mode };
        consumerChannel.publish(message);
      },
      () => undefined, // diagnostics never fail the consumer
    );
  }
}

/** The first `size` events of the feed after `after` (one query: the stream is left after its first batch). */
async function readBatch(events: EventLogRepo, after: string, size: number): Promise<StreamedEvent[]> {
  const batch: StreamedEvent[] = [];
  if (size <= 0) return batch;
  for await (const event of events.stream({ after, batchSize: size })) {
    batch.push(event);
    if (batch.length === size) break;
  }
  return batch;
}

/** Whether feed position `a` comes before `b`. */
function before(a: string, b: string): boolean {
  const [atx, aid] = a.split(':').map(BigInt) as [bigint, bigint];
  const [btx, bid] = b.split(':').map(BigInt) as [bigint, bigint];
  return atx < btx || (atx === btx && aid < bid);
}

/** A failure of the runner's connection rather than of the handler's work on the event. */
function isConnectionFailure(error: unknown): boolean {
  return error instanceof SchemaKitConnectionError || error instanceof SchemaKitOutcomeUnknownError;
}

function describe(error: unknown): string {
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 2000);
}
