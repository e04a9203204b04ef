import type pg from 'pg';
import { ACHIEVEMENT_CATEGORIES } from '../../src/modules/achievements/index.js';
import { BROADCAST_MESSAGE_TYPES, BROADCAST_STATUSES, GUIDE_CATEGORIES, GUIDE_DIFFICULTY_LEVELS } from '../../src/modules/telegram/index.js';
import { CHANGE_SOURCES } from '../../src/modules/roles/index.js';
import { CONTENT_CATEGORIES, PACKAGE_TYPES } from '../../src/modules/interests/index.js';
import { EXERCISE_DIFFICULTIES, EXERCISE_STATUSES, EXERCISE_TYPES, MESSAGE_ROLES } from '../../src/modules/learning/index.js';
import { FEATURE_STATUSES, PROJECT_STATUSES, RELEASE_STATUSES } from '../../src/modules/planning/index.js';
import { RISK_LEVELS } from '../../src/modules/insights/index.js';
import { SKILL_LEVELS } from '../../src/modules/core/index.js';
import { LIFECYCLE_ACTIONS } from '../../src/modules/lifecycle/index.js';

/** Every CHECK'd closed value set of the schema, by `table.column`, as values.ts defines it. */
export const VALUE_SET_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  'lifecycle_log.action': LIFECYCLE_ACTIONS,
  'users.skill_level': SKILL_LEVELS,
  'content_packages.category': CONTENT_CATEGORIES,
  'content_packages.package_type': PACKAGE_TYPES,
  'user_role_change_log.change_source': CHANGE_SOURCES,
  'projects.status': PROJECT_STATUSES,
  'releases.status': RELEASE_STATUSES,
  'features.status': FEATURE_STATUSES,
  'exercises.exercise_type': EXERCISE_TYPES,
  'exercises.difficulty': EXERCISE_DIFFICULTIES,
  'user_exercises.status': EXERCISE_STATUSES,
  'messages.role': MESSAGE_ROLES,
  'user_memory.preferred_difficulty': EXERCISE_DIFFICULTIES,
  'achievements.category': ACHIEVEMENT_CATEGORIES,
  'dissonance_records.risk_level': RISK_LEVELS,
  'guides.category': GUIDE_CATEGORIES,
  'guides.difficulty_level': GUIDE_DIFFICULTY_LEVELS,
  'broadcasts.message_type': BROADCAST_MESSAGE_TYPES,
  'broadcasts.status': BROADCAST_STATUSES,
};

// What PostgreSQL prints for `CHECK (column IN ('a', 'b'))` on a text column.
const IN_LIST = /^CHECK \(\((\w+) = ANY \(ARRAY\[(.*)\]\)\)\)$/;
const LITERAL = /'((?:[^']|'')*)'::text/g;

/**
 * Reads every `column IN (...)` CHECK of the tables in `schema`: `{ 'table.column': values }`,
 * values in the order the constraint lists them, keys sorted.
 */
export async function readCheckValueSets(
  client: pg.ClientBase | pg.Pool,
  schema: string,
): Promise<Record<string, string[]>> {
  const { rows } = await client.query<{ table_name: string; definition: string }>(
    `SELECT c.relname AS table_name, pg_get_constraintdef(con.oid) AS definition
     FROM pg_constraint con
     JOIN pg_class c ON c.oid = con.conrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND con.contype = 'c' AND NOT c.relispartition`,
    [schema],
  );
  const sets: [string, string[]][] = [];
  for (const { table_name, definition } of rows) {
    const match = IN_LIST.exec(definition);
    if (!match) continue;
    const [, column, list] = match as unknown as [string, string, string];
    const values = [...list.matchAll(LITERAL)].map((m) => m[1]!.replace(/''/g, "'"));
    sets.push([`${table_name}.${column}`, values]);
  }
  return Object.fromEntries(sets.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The allowed values of `table.column` from its CHECK constraint; throws when it has none. */
export async function readCheckValues(
  client: pg.ClientBase | pg.Pool,
  schema: string,
  table: string,
  column: string,
): Promise<string[]> {
  const values = (await readCheckValueSets(client, schema))[`${table}.${column}`];
  if (!values) throw new Error(`${schema}.${table}.${column} has no CHECK (${column} IN (...))`);
  return values;
}
