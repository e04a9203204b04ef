/**
 * Group commit (docs/guarantees.md, "Group commit"): calls of one kind made outside a transaction
 * share a statement while others are in flight. A call goes out at once, alone, while fewer than
 * `maxInFlight` statements of its kind are in flight; otherwise it waits, and when a statement
 * settles the calls waiting go out together, at most `maxBatch` in one statement. Each caller gets
 * its own outcome: the batch's failure on the database is split in halves until only the calls
 * that fail alone fail (each with its own error, from the one-call path); a failure that is not
 * one call's (a lost connection, an unknown outcome) fails every call of that statement.
 */
import { leavesConnectionUnusable, sqlStateOf } from '../database-errors.js';

/** How far calls are coalesced. */
export interface CoalescerLimits {
  /** The most calls one statement carries. */
  readonly maxBatch: number;
  /** The most statements of one kind in flight at once. */
  readonly maxInFlight: number;
}

/** How one kind of call runs: alone (the call as it runs without group commit), or many in one statement. */
export interface BatchRunner<I, O> {
  /** One call, alone: exactly the statement, result and error of the call without group commit. */
  readonly one: (input: I) => Promise<O>;
  /** Several calls in one statement: one outcome per input, in input order. */
  readonly many: (inputs: readonly I[]) => Promise<O[]>;
  /** Calls with the same key never share a statement: the later one goes in a later statement, as in sequence. */
  readonly key?: (input: I) => string;
}

interface Waiting<I, O> {
  readonly input: I;
  readonly resolve: (output: O) => void;
  readonly reject: (error: unknown) => void;
}

/** Calls of one kind, coalesced (see the top of this file). */
export class Coalescer<I, O> {
  readonly #runner: BatchRunner<I, O>;
  readonly #limits: CoalescerLimits;
  #inFlight = 0;
  #waiting: Waiting<I, O>[] = [];

  constructor(runner: BatchRunner<I, O>, limits: CoalescerLimits) {
    this.#runner = runner;
    this.#limits = limits;
  }

  /** Runs one call: at once when a statement slot is free and no call waits, else with the calls waiting. */
  submit(input: I): Promise<O> {
    if (this.#inFlight < this.#limits.maxInFlight && this.#waiting.length === 0) {
      this.#inFlight++;
      return this.#runner.one(input).then(
        (output) => {
          this.#settled();
          return output;
        },
        (error: unknown) => {
          this.#settled();
          throw error;
        },
      );
    }
    return new Promise<O>((resolve, reject) => this.#waiting.push({ input, resolve, reject }));
  }

  #settled(): void {
    this.#inFlight--;
    while (this.#inFlight < this.#limits.maxInFlight && this.#waiting.length > 0) {
      this.#inFlight++;
      void this.#send(this.#take()).then(() => this.#settled());
    }
  }

  /** The next statement's calls: the first waiting, in arrival order, one per key, at most maxBatch. */
  #take(): Waiting<I, O>[] {
    const { key } = this.#runner;
    const { maxBatch } = this.#limits;
    if (!key) return this.#waiting.splice(0, maxBatch);
    const keys = new Set<string>();
    const batch: Waiting<I, O>[] = [];
    const rest: Waiting<I, O>[] = [];
    for (const call of this.#waiting) {
      const k = key(call.input);
      if (batch.length < maxBatch && !keys.has(k)) {
        keys.add(k);
        batch.push(call);
      } else rest.push(call);
    }
    this.#waiting = rest;
    return batch;
  }

  /** Runs `batch` and settles every call of it; never rejects. */
  async #send(batch: readonly Waiting<I, O>[]): Promise<void> {
    if (batch.length === 1) {
      const [call] = batch as [Waiting<I, O>];
      await this.#runner.one(call.input).then(call.resolve, call.reject);
      return;
    }
    let outputs: O[];
    try {
      outputs = await this.#runner.many(batch.map((call) => call.input));
    } catch (error) {
      if (!isOneCallsFailure(error)) {
        for (const call of batch) call.reject(error);
        return;
      }
      // some call of the batch fails on the database: halves until only the failing calls fail
      const middle = batch.length >> 1;
      await this.#send(batch.slice(0, middle));
      await this.#send(batch.slice(middle));
      return;
    }
    batch.forEach((call, i) => call.resolve(outputs[i]!));
  }
}

/**
 * Whether a shared statement's failure may be one call's: the database refused it (a SQLSTATE)
 * on a connection still usable, with a known outcome (40003 is not). A lost connection or a
 * driver's failure is every call's.
 */
function isOneCallsFailure(error: unknown): boolean {
  const state = sqlStateOf(error);
  return state !== undefined && state !== '40003' && !leavesConnectionUnusable(error);
}
