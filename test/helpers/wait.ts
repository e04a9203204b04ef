/**
 * Waiting on conditions instead of on the clock. A test never asserts how long something took
 * and never sleeps to decide an outcome: it waits for the condition that shows the outcome.
 *
 * {@link HANG_LIMIT_MS} only keeps a broken test from hanging forever. It is no claim about speed:
 * it is set for a loaded 2-core CI machine, many times what the wait takes on a laptop, and a test
 * that waits on it gets a vitest timeout above it (the default in vitest.config.ts is).
 */
export const HANG_LIMIT_MS = 120_000;

/**
 * Calls `probe` until it returns something other than `undefined` (or `false`), and returns that;
 * throws, naming `what`, only if {@link HANG_LIMIT_MS} (or `limitMs`) passes first.
 */
export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  { limitMs = HANG_LIMIT_MS, intervalMs = 20 }: { limitMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`still waiting for ${what} after ${limitMs} ms`);
    await new Promise((resume) => setTimeout(resume, intervalMs));
  }
}

/** A promise with its `resolve` outside: a signal one part of a test gives another. */
export function signal<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

/**
 * Aborts `controller` (a following stream's) if {@link HANG_LIMIT_MS} passes: a guard, not a
 * budget. Call `done()` once the stream ended: it throws, naming `what`, if the guard ended it.
 */
export function hangGuard(controller: AbortController, what: string): { done(): void } {
  let fired = false;
  const timer = setTimeout(() => {
    fired = true;
    controller.abort();
  }, HANG_LIMIT_MS);
  return {
    done() {
      clearTimeout(timer);
      if (fired) throw new Error(`still waiting for ${what} after ${HANG_LIMIT_MS} ms`);
    },
  };
}
