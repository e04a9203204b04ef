/**
 * The statements on `consumer_checkpoints` a feed consumer runs, prepared once per consumer. The
 * lease statements read the server's clock (`clock_timestamp()`), so runners on machines whose
 * clocks disagree still agree on who holds a lease.
 */
import { PreparedSql } from '../../repos/prepared.js';
import { qualifiedTable, type RepoContext } from '../../repos/repo-context.js';

/** The prepared statements of one consumer's checkpoint row. */
export interface CheckpointSql {
  /** $1 name, $2 owner, $3 lease ms, $4 mode: creates the row or takes the lease if free, expired or ours; returns the row when taken. */
  readonly acquire: PreparedSql;
  /** $1 name, $2 owner, $3 lease ms, $4 mode: extends our lease; no row when it is no longer ours. */
  readonly renew: PreparedSql;
  /** $1 name, $2 owner: gives the lease up. */
  readonly release: PreparedSql;
  /** $1 name, $2 owner: the position, if we hold the lease (no lock). */
  readonly position: PreparedSql;
  /** $1 name, $2 owner: the position, locked until the transaction ends, if we hold the lease. */
  readonly lock: PreparedSql;
  /** $1 name, $2 tx, $3 id, $4 lease ms, $5 mode: moves the position (in the handler's transaction), clears the failure, renews the lease. */
  readonly advance: PreparedSql;
  /** $1 name, $2 owner, $3 error: records one more failed attempt. */
  readonly fail: PreparedSql;
  /** $1 name, $2 tx, $3 id: moves the position (skip, reset), clears the failure, creating the row if needed. */
  readonly move: PreparedSql;
}

const LEASE = `clock_timestamp() + $3 * interval '1 millisecond'`;

/** The checkpoint statements of the schema of `ctx`. */
export function checkpointSql(ctx: RepoContext): CheckpointSql {
  const table = qualifiedTable(ctx, 'consumer_checkpoints');
  const position = `position_tx::text as position_tx, position_id::text as position_id`;
  return {
    acquire: new PreparedSql(
      `insert into ${table} as c (name, owner, lease_until, heartbeat_at, mode) values ($1, $2, ${LEASE}, clock_timestamp(), $4) ` +
        'on conflict (name) do update set owner = excluded.owner, lease_until = excluded.lease_until, heartbeat_at = excluded.heartbeat_at, mode = excluded.mode ' +
        'where c.owner is null or c.owner = excluded.owner or c.lease_until < clock_timestamp() returning name',
    ),
    renew: new PreparedSql(`update ${table} set lease_until = ${LEASE}, heartbeat_at = clock_timestamp(), mode = $4 where name = $1 and owner = $2 returning name`),
    release: new PreparedSql(`update ${table} set owner = null, lease_until = null where name = $1 and owner = $2`),
    position: new PreparedSql(`select ${position} from ${table} where name = $1 and owner = $2`),
    lock: new PreparedSql(`select ${position} from ${table} where name = $1 and owner = $2 for no key update`),
    advance: new PreparedSql(
      `update ${table} set position_tx = $2::xid8, position_id = $3, attempts = 0, last_error = null, ` +
        `lease_until = clock_timestamp() + $4 * interval '1 millisecond', heartbeat_at = clock_timestamp(), mode = $5, updated_at = clock_timestamp() where name = $1`,
    ),
    fail: new PreparedSql(`update ${table} set attempts = attempts + 1, last_error = left($3, 2000), updated_at = clock_timestamp() where name = $1 and owner = $2`),
    move: new PreparedSql(
      `insert into ${table} as c (name, position_tx, position_id) values ($1, $2::xid8, $3) ` +
        'on conflict (name) do update set position_tx = excluded.position_tx, position_id = excluded.position_id, attempts = 0, last_error = null, updated_at = clock_timestamp()',
    ),
  };
}
