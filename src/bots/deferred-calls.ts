/**
 * The Bot API calls a handler made inside `exactlyOnce`, held until its transaction commits: sent
 * then in the order they were made, or never when it rolls back or the update was handled before.
 */
export class DeferredCalls {
  readonly #calls: (() => Promise<unknown>)[] = [];
  #holding = true;

  /** Whether calls are held now (false once the update's transaction has settled). */
  get holding(): boolean {
    return this.#holding;
  }

  /** Holds `send` until {@link DeferredCalls.flush}. */
  hold(send: () => Promise<unknown>): void {
    this.#calls.push(send);
  }

  /** Stops holding and sends the held calls one after the other; the first failure stops the rest and is thrown. */
  async flush(): Promise<void> {
    this.#holding = false;
    for (const send of this.#calls.splice(0)) await send();
  }

  /** Stops holding and drops the held calls: nothing is sent. */
  discard(): void {
    this.#holding = false;
    this.#calls.length = 0;
  }
}

/** Whether a Bot API method is held by default: every method but the reads (`get*`), whose answer the handler needs and which change nothing. */
export function heldByDefault(method: string): boolean {
  return !method.startsWith('get');
}
