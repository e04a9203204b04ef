import { sql, type RawBuilder } from 'kysely';

// Filter values of partitioned append-only tables (event_log, user_role_change_log) reach the
// planner as an InitPlan's output rather than as constants it looks up in the statistics. A value
// the statistics do not know yet (an entity or user new since the last ANALYZE, the newest rows of
// an ever-growing key) is estimated at a row or two, and the planner then reads every matching row
// of each partition and sorts them (Append + Sort: 0.5 s for a page at 480k rows) instead of
// merging the partitions' index order and stopping at the limit (0.2 ms). The subquery's column
// type is not inferred from its use, so each value carries its type.

/** `values` (SQL such as `$1::text, $2::bigint`) as a one-row subquery the planner does not look into. */
export function plannedText(values: string): string {
  return `(select ${values})`;
}

/** `value` cast to `type` (a type name) as a one-row subquery the planner does not look into, for the query builder. */
export function planned<T>(value: unknown, type: 'text' | 'uuid' | 'bigint'): RawBuilder<T> {
  return sql<T>`(select ${value}::${sql.raw(type)})`;
}
