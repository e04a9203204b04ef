/** PostgreSQL's answers to a statement that lost a lock race: it may succeed when tried again. */
const LOCK_RACE_CODES = new Set(['55P03', '40P01']); // lock_not_available, deadlock_detected

/** Whether `error` (or its cause) is a lock timeout or a deadlock: a migration step to retry. */
export function isLockRace(error: unknown): boolean {
  for (let e = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if (LOCK_RACE_CODES.has((e as { code?: unknown }).code as string)) return true;
  }
  return false;
}

/** What a retry is told: the attempt about to start and why the previous one gave up. */
export interface LockRetry {
  readonly attempt: number;
  readonly reason: string;
  readonly delayMs: number;
}

/** The pause after the `attempt`-th try lost a lock race: about 100 ms doubling per try, capped at
 * 5 s, jittered by ±50% so that racing runners (and the host's retries) spread out. */
export function lockRetryDelay(attempt: number): number {
  return Math.round(Math.min(100 * 2 ** (attempt - 1), 5_000) * (0.5 + Math.random()));
}

/**
 * Runs `step` and, while it fails on a lock race, again after an exponential, jittered pause (from
 * about 100 ms, capped at 5 s), up to `attempts` tries in all; then the last error goes up. The
 * step cleans up after itself (rolls back) before it throws. `onRetry` hears each retry.
 */
export async function retryLockRaces<T>(
  attempts: number,
  step: () => Promise<T>,
  onRetry: (retry: LockRetry) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await step();
    } catch (error) {
      if (attempt >= attempts || !isLockRace(error)) throw error;
      const delayMs = lockRetryDelay(attempt);
      onRetry({ attempt: attempt + 1, reason: (error as Error).message, delayMs });
      await new Promise((resume) => setTimeout(resume, delayMs));
    }
  }
}
