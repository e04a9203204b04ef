import { sql, type Expression, type RawBuilder } from 'kysely';
import { MAX_INT4 } from '../validation/numbers.js';

/**
 * `current + increment` for an `integer` counter, computed in `bigint` and held at
 * {@link MAX_INT4}: a counter that would pass the column's range stays at its maximum instead of
 * failing every later call with `integer out of range`.
 */
export function saturatingAdd(current: Expression<number> | RawBuilder<number>, increment: number | Expression<number> | RawBuilder<number>): RawBuilder<number> {
  return sql<number>`least(${current}::bigint + ${increment}, ${sql.lit(MAX_INT4)})::integer`;
}
