/** Resolves after `ms`, or at once when `signal` aborts (never rejects): a poll's pause. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resume) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resume();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
