import { CompiledQuery, type Kysely } from 'kysely';
import { RUNNER_TABLES } from '../migrate/history.js';

/**
 * A deterministic, JSON-serialisable description of one schema, read from the catalogs. Every
 * mention of the schema is replaced by {@link SCHEMA_TOKEN}, so two schemas with the same objects
 * give equal manifests.
 *
 * Covered: tables (kind, persistence, columns in order with type, nullability, default, identity,
 * generation), constraints, indexes, triggers (with their enabled state), functions and sequences.
 * Left out: NOT NULL constraints as catalog rows (PostgreSQL 18 lists them in pg_constraint,
 * 15 does not; `notNull` on the column covers them), views, types, comments, owners, privileges
 * and row-level security policies.
 */
export interface SchemaManifest {
  tables: TableManifest[];
  functions: FunctionManifest[];
  sequences: SequenceManifest[];
}

/** A table of a {@link SchemaManifest}. */
export interface TableManifest {
  name: string;
  /** pg_class.relkind: `r` table, `p` partitioned table. */
  kind: string;
  /** pg_class.relpersistence: `p` permanent, `u` unlogged. */
  persistence: string;
  columns: ColumnManifest[];
  constraints: { name: string; type: string; definition: string }[];
  indexes: { name: string; definition: string }[];
  /** `enabled` is pg_trigger.tgenabled: `O` origin/local, `A` always, `R` replica, `D` disabled. */
  triggers: { name: string; enabled: string; definition: string }[];
}

/** A column of a {@link TableManifest}, in table order. */
export interface ColumnManifest {
  name: string;
  type: string;
  notNull: boolean;
  default: string | null;
  identity: 'always' | 'by default' | null;
  generated: string | null;
}

/** A function of a {@link SchemaManifest}. */
export interface FunctionManifest {
  name: string;
  arguments: string;
  definition: string;
}

/** A sequence of a {@link SchemaManifest}, with the column that owns it, if any. */
export interface SequenceManifest {
  name: string;
  type: string;
  start: string;
  increment: string;
  min: string;
  max: string;
  cache: string;
  cycle: boolean;
  ownedBy: string | null;
}

/** What the schema's name is replaced with in every definition. */
export const SCHEMA_TOKEN = ':SCHEMA_KIT_SCHEMA';

/** Options of {@link readSchemaManifest}. */
export interface ManifestOptions {
  /** Tables (and the sequences they own) to leave out; default: the runner's own tables. */
  ignoreTables?: readonly string[];
}

const TABLES = `
  SELECT c.oid, c.relname AS name, c.relkind AS kind, c.relpersistence AS persistence
  FROM pg_class c
  WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'p')
    -- the monthly partitions depend on the date of the install and on retention: their parent
    -- and its DEFAULT partition describe them
    AND (NOT c.relispartition OR c.relname LIKE '%\\_default')`;

const COLUMNS = `
  SELECT a.attrelid AS table_oid, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
         a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default,
         -- a partition's column of an identity parent shows the identity or not depending on how
         -- the partition was made (and on the server's version): the parent owns it, say it there
         CASE WHEN c.relispartition THEN '' ELSE a.attidentity END AS identity, a.attgenerated AS generated
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'p')
    AND a.attnum > 0 AND NOT a.attisdropped
  ORDER BY a.attrelid, a.attnum`;

const CONSTRAINTS = `
  SELECT con.conrelid AS table_oid, con.conname AS name, con.contype AS type,
         pg_get_constraintdef(con.oid) AS definition
  FROM pg_constraint con
  JOIN pg_class c ON c.oid = con.conrelid
  WHERE c.relnamespace = $1::regnamespace AND con.contype <> 'n'`;

const INDEXES = `
  SELECT i.indrelid AS table_oid, ic.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
  FROM pg_index i
  JOIN pg_class ic ON ic.oid = i.indexrelid
  WHERE ic.relnamespace = $1::regnamespace`;

const TRIGGERS = `
  SELECT t.tgrelid AS table_oid, t.tgname AS name, t.tgenabled AS enabled,
         pg_get_triggerdef(t.oid) AS definition
  FROM pg_trigger t
  JOIN pg_class c ON c.oid = t.tgrelid
  WHERE c.relnamespace = $1::regnamespace AND NOT t.tgisinternal`;

const FUNCTIONS = `
  SELECT p.proname AS name, pg_get_function_identity_arguments(p.oid) AS arguments,
         pg_get_functiondef(p.oid) AS definition
  FROM pg_proc p
  WHERE p.pronamespace = $1::regnamespace AND p.prokind IN ('f', 'p')`;

const SEQUENCES = `
  SELECT c.relname AS name, format_type(s.seqtypid, NULL) AS type, s.seqstart::text AS start,
         s.seqincrement::text AS increment, s.seqmin::text AS min, s.seqmax::text AS max,
         s.seqcache::text AS cache, s.seqcycle AS cycle,
         owner.relname AS owner_table, a.attname AS owner_column
  FROM pg_sequence s
  JOIN pg_class c ON c.oid = s.seqrelid
  LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
    AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
  LEFT JOIN pg_class owner ON owner.oid = d.refobjid
  LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
  WHERE c.relnamespace = $1::regnamespace`;

const byName = <T extends { name: string }>(a: T, b: T): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Runs one SQL text with positional parameters and returns its rows; every call on ONE session. */
export type CatalogQuery = <R>(text: string, params: readonly unknown[]) => Promise<R[]>;

/** Reads the {@link SchemaManifest} of `schema` through `db`, on one of its connections. */
export async function readLiveManifest(db: Kysely<unknown>, schema: string, options: ManifestOptions = {}): Promise<SchemaManifest> {
  return db.withoutPlugins().connection().execute((conn) =>
    readSchemaManifest(async (text, params) => (await conn.executeQuery(CompiledQuery.raw(text, [...params]))).rows as never, schema, options),
  );
}

/**
 * Reads the manifest of `schema` through `query`, which must keep to one session. The session's
 * search_path is set to pg_catalog while reading (so every object of the schema is printed
 * qualified) and restored afterwards.
 */
export async function readSchemaManifest(
  query: CatalogQuery,
  schema: string,
  options: ManifestOptions = {},
): Promise<SchemaManifest> {
  const ignored = new Set(options.ignoreTables ?? RUNNER_TABLES);
  const setting = await query<{ quoted: string; search_path: string }>(
    `SELECT quote_ident($1) AS quoted, current_setting('search_path') AS search_path`,
    [schema],
  );
  const { quoted, search_path } = setting[0]!;
  const quotedSchema = quoted.startsWith('"') ? quoted : `"${quoted}"`;
  // the name as PostgreSQL prints it, or always quoted (as a migration's function body may have it)
  const qualified = new RegExp(`(?<![\\w$"])(?:${escapeRegExp(quoted)}|${escapeRegExp(quotedSchema)})\\.`, 'g');
  const normalise = (text: string): string => text.replace(qualified, `${SCHEMA_TOKEN}.`);
  const run = <R>(text: string): Promise<R[]> => query<R>(text, [quotedSchema]);

  await query(`SELECT set_config('search_path', 'pg_catalog', false)`, []);
  try {
    const tables = (await run<{ oid: number; name: string; kind: string; persistence: string }>(TABLES))
      .filter((t) => !ignored.has(t.name));
    const columns = await run<{ table_oid: number; name: string; type: string; not_null: boolean; default: string | null; identity: string; generated: string }>(COLUMNS);
    const constraints = await run<{ table_oid: number; name: string; type: string; definition: string }>(CONSTRAINTS);
    const indexes = await run<{ table_oid: number; name: string; definition: string }>(INDEXES);
    const triggers = await run<{ table_oid: number; name: string; enabled: string; definition: string }>(TRIGGERS);
    const functions = await run<{ name: string; arguments: string; definition: string }>(FUNCTIONS);
    const sequences = await run<{ name: string; type: string; start: string; increment: string; min: string; max: string; cache: string; cycle: boolean; owner_table: string | null; owner_column: string | null }>(SEQUENCES);
    const of = <R extends { table_oid: number }>(rows: R[], oid: number): R[] =>
      rows.filter((r) => r.table_oid === oid);
    return {
      tables: tables
        .map((t) => ({
          name: t.name,
          kind: t.kind,
          persistence: t.persistence,
          columns: of(columns, t.oid).map((c) => ({
            name: c.name,
            type: c.type,
            notNull: c.not_null,
            default: c.default === null ? null : normalise(c.default),
            identity: c.identity === 'a' ? 'always' : c.identity === 'd' ? 'by default' : null,
            generated: c.generated === '' ? null : c.generated,
          }) satisfies ColumnManifest),
          constraints: of(constraints, t.oid)
            .map((c) => ({ name: c.name, type: c.type, definition: normalise(c.definition) }))
            .sort(byName),
          indexes: of(indexes, t.oid)
            .map((i) => ({ name: i.name, definition: normalise(i.definition) }))
            .sort(byName),
          triggers: of(triggers, t.oid)
            .map((g) => ({ name: g.name, enabled: g.enabled, definition: normalise(g.definition) }))
            .sort(byName),
        }))
        .sort(byName),
      functions: functions
        .map((f) => ({ name: f.name, arguments: f.arguments, definition: normalise(f.definition) }))
        .sort((a, b) => byName(a, b) || (a.arguments < b.arguments ? -1 : a.arguments > b.arguments ? 1 : 0)),
      sequences: sequences
        .filter((s) => s.owner_table === null || !ignored.has(s.owner_table))
        .map((s) => ({
          name: s.name,
          type: s.type,
          start: s.start,
          increment: s.increment,
          min: s.min,
          max: s.max,
          cache: s.cache,
          cycle: s.cycle,
          ownedBy: s.owner_table === null ? null : `${s.owner_table}.${s.owner_column}`,
        }))
        .sort(byName),
    };
  } finally {
    await query(`SELECT set_config('search_path', $1, false)`, [search_path]);
  }
}
