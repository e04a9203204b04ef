/** The status of consumers: where each stands, how far behind the end of the feed, and whether a runner holds it. */
import { PreparedSql } from '../../repos/prepared.js';
import { qualifiedTable, type RepoContext } from '../../repos/repo-context.js';

/** A row of the status statement, as the driver returns it. */
export interface StatusRow {
  readonly name: string;
  readonly position: string;
  readonly events_behind: string;
  readonly seconds_behind: number;
  readonly mode: 'listen' | 'poll';
  readonly last_error: string | null;
  readonly attempts: number;
  readonly active: boolean;
  readonly heartbeat_at: Date | null;
}

/** The status of every consumer, by name (`one`: of the consumer named `$1`). */
export function statusSql(ctx: RepoContext, one: boolean): PreparedSql {
  const checkpoints = qualifiedTable(ctx, 'consumer_checkpoints');
  const events = qualifiedTable(ctx, 'event_log');
  const after = '(e.tx_id, e.id) > (c.position_tx, c.position_id)';
  return new PreparedSql(
    `select c.name, c.position_tx::text || ':' || c.position_id::text as position, ` +
      `(select count(*) from ${events} e where ${after})::text as events_behind, ` +
      `coalesce(extract(epoch from clock_timestamp() - (select e.created_at from ${events} e where ${after} order by e.tx_id, e.id limit 1)), 0)::float8 as seconds_behind, ` +
      'c.mode, c.last_error, c.attempts, (c.owner is not null and c.lease_until > clock_timestamp()) as active, c.heartbeat_at ' +
      `from ${checkpoints} c${one ? ' where c.name = $1' : ''} order by c.name`,
  );
}
