import type { Kysely } from 'kysely';
import { FeedConsumerRepo } from '../modules/consumers/index.js';
import type { CliArgs } from './args.js';

/** `consumers`: each durable feed consumer's position, lag, mode, failure and whether a runner is active; exit 3 past `--max-lag` seconds. */
export async function consumersCommand(args: CliArgs, db: Kysely<unknown>): Promise<{ exitCode: number; json: Record<string, unknown>; summary: string[] }> {
  const consumers = await new FeedConsumerRepo(db, { schema: args.schema }).status();
  const lagging = args.maxLag === undefined ? [] : consumers.filter((c) => c.secondsBehind > args.maxLag!).map((c) => c.name);
  const summary = consumers.map((c) =>
    [
      `  ${c.active ? '●' : '○'} ${c.name}`,
      `at ${c.position}`,
      `${c.eventsBehind} event(s) / ${c.secondsBehind.toFixed(1)} s behind`,
      c.active ? c.mode : 'inactive',
      ...(c.lastError ? [`failing (${c.attempts} attempt(s)): ${c.lastError}`] : []),
    ].join(', '),
  );
  summary.push(
    consumers.length === 0 ? 'No consumer has run.' : `${consumers.length} consumer(s), ${consumers.filter((c) => c.active).length} active.`,
    ...(lagging.length > 0 ? [`Behind more than ${args.maxLag} s: ${lagging.join(', ')}.`] : []),
  );
  return {
    exitCode: lagging.length > 0 ? 3 : 0,
    json: { command: 'consumers', schema: args.schema, ok: true, maxLag: args.maxLag ?? null, lagging, consumers },
    summary,
  };
}
