import { tracingChannel } from 'node:diagnostics_channel';
import {
  LIFECYCLE_CHANNEL,
  MIGRATION_CHANNEL,
  REPO_CHANNEL,
  type LifecycleMessage,
  type MigrationMessage,
  type RepoCallMessage,
} from '../observability/channels.js';

/** Each channel's one line for a finished call (`what` took `ms`, or failed with `error`). */
const LINES: readonly [string, (message: never) => string][] = [
  [MIGRATION_CHANNEL, (m: MigrationMessage) => `${m.module}/${m.name} ${m.direction.toLowerCase()}${m.lockHeavy ? ' lock-heavy' : ''}`],
  [LIFECYCLE_CHANNEL, (m: LifecycleMessage) => `${m.operation}${m.table ? ` ${m.table}` : ''}${m.count === undefined ? '' : ` count=${m.count}`}`],
  [REPO_CHANNEL, (m: RepoCallMessage) => `${m.repository}.${m.method} ${m.schema}.${m.table}${m.operation ? ` ${m.operation}` : ''}${m.rows === undefined ? '' : ` rows=${m.rows}`}`],
];

/**
 * `--verbose`: prints one line per migration, lifecycle work and repository call as each ends
 * (`schema-kit:migration core/0001_core up ok 12.3 ms`), from the diagnostics channels. Returns the
 * function that stops.
 */
export function printEvents(print: (line: string) => void): () => void {
  const stops = LINES.map(([name, describe]) => {
    const started = new WeakMap<object, number>();
    const handlers = {
      start: (message: object) => void started.set(message, performance.now()),
      asyncEnd: (message: object) => {
        const ms = (performance.now() - (started.get(message) ?? performance.now())).toFixed(1);
        const error = (message as { error?: { code?: unknown; name?: unknown } }).error;
        const outcome = 'error' in message ? `failed (${String(error?.code ?? error?.name ?? 'error')})` : 'ok';
        print(`${name} ${(describe as (m: object) => string)(message)} ${outcome} ${ms} ms`);
      },
    };
    const channels = tracingChannel<unknown, object>(name);
    channels.subscribe(handlers as never);
    return () => channels.unsubscribe(handlers as never);
  });
  return () => stops.forEach((stop) => stop());
}
