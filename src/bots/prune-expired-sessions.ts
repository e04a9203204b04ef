import type { Executor, RepoOptions } from '../repos/repo-context.js';
import { SessionRepo } from '../modules/sessions/index.js';

/**
 * Deletes the expired sessions of `sessionStorage` / `sessionStore` (those written with a `ttl`
 * whose time has passed), in bounded batches, and returns how many it deleted. Expired sessions
 * already read as absent: run it on a schedule (or `schema-kit sessions prune`) to free the space.
 *
 * ### Examples
 * ```ts
 * setInterval(() => void pruneExpiredSessions(db), 3_600_000);
 * ```
 */
export function pruneExpiredSessions(db: Executor, options: RepoOptions & { batchSize?: number } = {}): Promise<number> {
  const { batchSize, ...repoOptions } = options;
  return new SessionRepo(db, repoOptions).pruneExpired(batchSize === undefined ? {} : { batchSize });
}
