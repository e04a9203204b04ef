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
  /** Calls with the same key never share a statement nor overlap: the later one goes out after the earlier settled, as in sequence. */
  readonly key?: (input: I) => string;
}

interface Waiting<I, O> {
  readonly input: I;
  readonly key: string | undefined;
  readonly resolve: (output: O) => void;
  readonly reject: (error: unknown) => void;
}

/** Calls of one kind, coalesced (see the top of this file). */
export class Coalescer<I, O> {
  readonly #runner: BatchRunner<I, O>;
  readonly #limits: CoalescerLimits;
  #inFlight = 0;
  /** The keys of the calls in flight: a call with one of them waits for it, as in sequence. */
  readonly #keys = new Set<string>();
  #waiting: Waiting<I, O>[] = [];

  constructor(runner: BatchRunner<I, O>, limits: CoalescerLimits) {
    this.#runner = runner;
    this.#limits = limits;
  }

  /** Runs one call: at once when a statement slot is free, no call waits and no statement in flight has its key; else with the calls waiting. */
  submit(input: I): Promise<O> {
    const key = this.#runner.key?.(input);
    if (this.#inFlight < this.#limits.maxInFlight && this.#waiting.length === 0 && (key === undefined || !this.#keys.has(key))) {
      this.#inFlight++;
      if (key !== undefined) this.#keys.add(key);
      return this.#one(input).then(
        (output) => {
          this.#settled(key);
          return output;
        },
        (error: unknown) => {
          this.#settled(key);
          throw error;
        },
      );
    }
    return new Promise<O>((resolve, reject) => this.#waiting.push({ input, key, resolve, reject }));
  }

  /** A statement settled: its keys are free, and the calls waiting go out while slots are free. */
  #settled(...keys: (string | undefined)[]): void {
    this.#inFlight--;
    for (const key of keys) if (key !== undefined) this.#keys.delete(key);
    while (this.#inFlight < this.#limits.maxInFlight && this.#waiting.length > 0) {
      const batch = this.#take();
      if (batch.length === 0) return; // every call waiting has a key in flight: the statement that holds it sends them when it settles
      this.#inFlight++;
      for (const call of batch) if (call.key !== undefined) this.#keys.add(call.key);
      void this.#send(batch).then(() => this.#settled(...batch.map((call) => call.key)));
    }
  }

  /** The next statement's calls: the first waiting, in arrival order, at most maxBatch, one per key and none whose key is in flight. */
  #take(): Waiting<I, O>[] {
    const { maxBatch } = this.#limits;
    if (!this.#runner.key) return this.#waiting.splice(0, maxBatch);
    const keys = new Set<string>();
    const batch: Waiting<I, O>[] = [];
    const rest: Waiting<I, O>[] = [];
    for (const call of this.#waiting) {
      const key = call.key!;
      if (batch.length < maxBatch && !keys.has(key) && !this.#keys.has(key)) {
        keys.add(key);
        batch.push(call);
      } else rest.push(call);
    }
    this.#waiting = rest;
    return batch;
  }

  /** One call alone; a runner that throws at once rejects instead, so a slot is never lost. */
  #one(input: I): Promise<O> {
    try {
      return this.#runner.one(input);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Runs `batch` and settles every call of it; never rejects. */
  async #send(batch: readonly Waiting<I, O>[]): Promise<void> {
    if (batch.length === 1) {
      const [call] = batch as [Waiting<I, O>];
      await this.#one(call.input).then(call.resolve, call.reject);
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
