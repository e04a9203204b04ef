import type pg from 'pg';
import { BROADCAST_AUDIENCE_KINDS, BROADCAST_STATUSES } from '../../src/modules/telegram/index.js';
import { EXERCISE_STATUSES, MESSAGE_ROLES } from '../../src/modules/learning/index.js';
import { FEATURE_STATUSES, PROJECT_STATUSES, RELEASE_STATUSES } from '../../src/modules/planning/index.js';
import { LIFECYCLE_ACTIONS } from '../../src/modules/lifecycle/index.js';
import { CONSUMER_MODES } from '../../src/modules/consumers/index.js';
import { VOCABULARIES, VOCABULARY_NAMES } from '../../src/index.js';

/** Every CHECK'd closed value set of the schema, by `table.column`, as values.ts defines it. */
export const VALUE_SET_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  'lifecycle_log.action': LIFECYCLE_ACTIONS,
  'projects.status': PROJECT_STATUSES,
  'releases.status': RELEASE_STATUSES,
  'features.status': FEATURE_STATUSES,
  'user_exercises.status': EXERCISE_STATUSES,
  'messages.role': MESSAGE_ROLES,
  'broadcasts.status': BROADCAST_STATUSES,
  'broadcasts.audience_kind': BROADCAST_AUDIENCE_KINDS,
  'consumer_checkpoints.mode': CONSUMER_MODES,
};

/** Every host-owned vocabulary's lookup table and the defaults values.ts says it is seeded with, sorted. */
export const VOCABULARY_SEEDS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  VOCABULARY_NAMES.map((name) => [VOCABULARIES[name].table, [...VOCABULARIES[name].defaults].sort()]),
);

/** The rows of every lookup table of `tables` in `schema`: `{ table: names sorted }`. */
export async function readVocabularyRows(
  client: pg.ClientBase | pg.Pool,
  schema: string,
  tables: readonly string[],
): Promise<Record<string, string[]>> {
  const entries: [string, string[]][] = [];
  for (const table of tables) {
    const { rows } = await client.query<{ name: string }>(
      `SELECT name FROM "${schema}"."${table}" ORDER BY name COLLATE "C"`,
    );
    entries.push([table, rows.map((r) => r.name)]);
  }
  return Object.fromEntries(entries);
}

/**
 * The foreign keys of `schema` onto a vocabulary lookup table: `{ 'table.column': lookup table }`,
 * keys sorted.
 */
export async function readVocabularyForeignKeys(client: pg.ClientBase | pg.Pool, schema: string): Promise<Record<string, string>> {
  const lookups = VOCABULARY_NAMES.map((name) => VOCABULARIES[name].table);
  const { rows } = await client.query<{ source: string; target: string }>(
    `SELECT src.relname || '.' || a.attname AS source, dst.relname AS target
     FROM pg_constraint con
     JOIN pg_class src ON src.oid = con.conrelid
     JOIN pg_class dst ON dst.oid = con.confrelid
     JOIN pg_namespace n ON n.oid = src.relnamespace
     JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
     WHERE n.nspname = $1 AND con.contype = 'f' AND dst.relname = ANY($2)
     ORDER BY 1`,
    [schema, lookups],
  );
  return Object.fromEntries(rows.map((r) => [r.source, r.target]));
}

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
