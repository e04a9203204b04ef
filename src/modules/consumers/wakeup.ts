/**
 * How a feed consumer waits for new events: a LISTEN on a connection of its own where it can have
 * one (createSchemaKit's pool, or the `pool` option), else polling. A notification only shortens
 * a wait: the feed itself is always read, so a lost notification costs at most one poll interval.
 */
import type pg from 'pg';
import { quoteIdentifier } from '../../migrate/schema-name.js';
import type { DirectPool } from '../../repos/direct-pool.js';
import type { ConsumerMode } from './values.js';

/** What the consumer needs of a pool to LISTEN: node-postgres's `Pool`. */
export interface ListenPool {
  /** Checks a client out (a `pg.PoolClient`): the consumer keeps it for LISTEN, then discards it. */
  connect(): Promise<unknown>;
}

/** How long a wake-up in polling mode waits before it tries to LISTEN again, after a failure. */
const RELISTEN_MS = 2000;

/** Waits for an append to the feed, a timeout or an abort. */
export class Wakeup {
  readonly #channel: string;
  readonly #connect: (() => Promise<pg.PoolClient>) | undefined;
  #client: pg.PoolClient | undefined;
  #pending = false;
  #wake: (() => void) | undefined;
  #nextTry = 0;
  #closed = false;

  /** Wakes on `<schema>.event_log` notifications through a client of `pool` or `direct`; polls without either. */
  constructor(schema: string, pool: ListenPool | undefined, direct: DirectPool | undefined) {
    this.#channel = quoteIdentifier(`${schema}.event_log`);
    if (pool) this.#connect = () => pool.connect() as Promise<pg.PoolClient>;
    else if (direct) this.#connect = direct.checkOut;
  }

  /** `'listen'` while a LISTEN connection is up, else `'poll'`. */
  get mode(): ConsumerMode {
    return this.#client ? 'listen' : 'poll';
  }

  /** Opens the LISTEN connection if there is a way to and it is down (at most every 2 s after a failure); never throws. */
  async listen(): Promise<ConsumerMode> {
    if (this.#client || !this.#connect || this.#closed || Date.now() < this.#nextTry) return this.mode;
    let client: pg.PoolClient | undefined;
    try {
      client = await this.#connect();
      client.on('notification', () => this.#notified());
      client.on('error', () => this.#drop(client!));
      client.on('end', () => this.#drop(client!));
      await client.query(`listen ${this.#channel}`);
      if (this.#closed) throw new Error('closed');
      this.#client = client;
      this.#pending = true; // events appended before the LISTEN: read once more
    } catch {
      this.#nextTry = Date.now() + RELISTEN_MS;
      if (client) this.#discard(client);
    }
    return this.mode;
  }

  /** Resolves after `ms`, or sooner on a notification (also one that came since the last wait) or when `signal` aborts. */
  wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
    if (this.#pending || signal?.aborted) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise((resume) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.#wake = undefined;
        this.#pending = false;
        resume();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      this.#wake = done;
    });
  }

  /** Clears a notification already seen: the read that follows covers it. */
  consume(): void {
    this.#pending = false;
  }

  /** Closes the LISTEN connection (discarded, not returned to the pool still listening); `listen()` may open it again. */
  unlisten(): void {
    if (this.#client) this.#discard(this.#client);
    this.#client = undefined;
  }

  /** Closes the LISTEN connection for good. */
  close(): void {
    this.#closed = true;
    this.unlisten();
  }

  #notified(): void {
    this.#pending = true;
    this.#wake?.();
  }

  #drop(client: pg.PoolClient): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    this.#nextTry = Date.now() + RELISTEN_MS;
    this.#discard(client);
    this.#wake?.(); // read now: events may have come while the connection was going down
  }

  #discard(client: pg.PoolClient): void {
    try {
      client.release(true);
    } catch {
      // released already (the pool's own error handling)
    }
  }
}
