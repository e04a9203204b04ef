import { sql, type Kysely, type QueryExecutorProvider } from 'kysely';
import { z } from 'zod';
import { toSchemaKitError } from '../../database-errors.js';
import { DEFAULT_SCHEMA, validateSchemaName } from '../../migrate/schema-name.js';
import { parseInput } from '../../validation/parse.js';
import { validDate } from '../../validation/common.js';
import { PARTITIONED_TABLES, type PartitionedTable } from './values.js';

/** How many months ahead `migrateToLatest` and {@link createPartitions} keep partitions by default. */
export const DEFAULT_MONTHS_AHEAD = 3;

/** Options of {@link createPartitions}. */
export interface CreatePartitionsOptions {
  /** The schema schema-kit was installed into. Default `'schema_kit'`. */
  readonly schema?: string;
  /** Months ahead of the current (UTC) month to cover, 0-120. Default 3. */
  readonly ahead?: number;
}

/** Options of {@link dropPartitionsBefore}. */
export interface RetentionOptions {
  /** The log to trim. */
  readonly table: PartitionedTable;
  /** Partitions that end at or before this time go; a partition holding a later row stays whole. */
  readonly before: Date;
  /** Detach (and rename `<partition>_detached`, to archive and drop yourself) instead of dropping. */
  readonly detach?: boolean;
  /** The schema schema-kit was installed into. Default `'schema_kit'`. */
  readonly schema?: string;
}

const tableSchema = z.enum(Object.keys(PARTITIONED_TABLES) as [PartitionedTable, ...PartitionedTable[]]);
const createOptionsSchema = z
  .object({ schema: z.string().optional(), ahead: z.number().int('must be a whole number').min(0, 'must be at least 0').max(120, 'must be at most 120').default(DEFAULT_MONTHS_AHEAD) })
  .strict();
const retentionOptionsSchema = z.object({ table: tableSchema, before: validDate, detach: z.boolean().default(false), schema: z.string().optional() }).strict();

/** The partitioned logs installed in `schema`. */
export async function installedPartitionedTables(db: Kysely<unknown>, schema: string): Promise<PartitionedTable[]> {
  const { rows } = await sql<{ name: PartitionedTable }>`
    select c.relname as name from pg_catalog.pg_partitioned_table p
    join pg_catalog.pg_class c on c.oid = p.partrelid join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${schema} and c.relname = any(${Object.keys(PARTITIONED_TABLES)}) order by 1`.execute(db);
  return rows.map((r) => r.name);
}

/**
 * Takes, to the end of the transaction `trx`, the advisory lock that `create_partitions` and
 * `drop_partitions_before` take on a partitioned log, for each of those in `installed` (the
 * tables of `schema`), in name order: a call that changes rows of the logs (`forgetUser`) and
 * partition maintenance, which moves rows between partitions, take turns, so neither misses rows
 * the other is moving.
 */
export async function lockPartitionMaintenance(trx: QueryExecutorProvider, schema: string, installed: ReadonlySet<string>): Promise<void> {
  for (const table of Object.keys(PARTITIONED_TABLES).filter((t) => installed.has(t)).sort()) {
    // the key is the parent's regclass text under search_path '', as the functions compute it
    await sql`select pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('schemakit.partitions'), pg_catalog.hashtext(pg_catalog.format('%I.%I', ${schema}::text, ${table}::text)))`.execute(trx);
  }
}

/**
 * Creates the monthly partitions of every installed partitioned log from the current UTC month to
 * `ahead` months ahead, those missing only, and returns the names created. Safe to run from many
 * replicas and from a scheduler at once (creators queue on an advisory lock; the later ones find
 * nothing to do). `migrateToLatest` runs it too. Rows written before their month's partition
 * exists (a clock ahead, a far-future time) land in the DEFAULT partition and move into the month
 * partition when it is created. Runs as the owner, or as a role granted EXECUTE on
 * `create_partitions` (`grantRuntimeAccess` grants it).
 *
 * ### Examples
 * ```ts
 * await createPartitions(db, { ahead: 6 });
 * ```
 */
export async function createPartitions<DB>(db: Kysely<DB>, options: CreatePartitionsOptions = {}): Promise<string[]> {
  const { ahead, schema: rawSchema } = parseInput(createOptionsSchema, options, 'options');
  const schema = validateSchemaName(rawSchema ?? DEFAULT_SCHEMA, 'options.schema');
  const plain = db.withoutPlugins() as Kysely<unknown>;
  try {
    const created: string[] = [];
    for (const table of await installedPartitionedTables(plain, schema)) {
      const { rows } = await sql<{ name: string }>`select ${sql.id(schema, 'create_partitions')}(${table}, ${ahead}) as name`.execute(plain);
      created.push(...rows.map((r) => r.name));
    }
    return created;
  } catch (error) {
    throw toSchemaKitError(error);
  }
}

/**
 * Retention: drops (or detaches) the whole monthly partitions of `table` that end at or before
 * `before`, never a DELETE of rows, and returns their names. The owner's act: a role that does
 * not own the table is refused (`permission_denied`), and each removal is recorded in
 * `lifecycle_log`. Rows of the DEFAULT partition are never removed by it.
 *
 * ### Examples
 * ```ts
 * await dropPartitionsBefore(ownerDb, { table: 'event_log', before: new Date('2026-01-01') });
 * ```
 */
export async function dropPartitionsBefore<DB>(db: Kysely<DB>, options: RetentionOptions): Promise<string[]> {
  const { table, before, detach, schema: rawSchema } = parseInput(retentionOptionsSchema, options, 'options');
  const schema = validateSchemaName(rawSchema ?? DEFAULT_SCHEMA, 'options.schema');
  try {
    const { rows } = await sql<{ name: string }>`
      select ${sql.id(schema, 'drop_partitions_before')}(${table}, ${before}, ${detach}) as name`.execute(db.withoutPlugins() as Kysely<unknown>);
    return rows.map((r) => r.name);
  } catch (error) {
    throw toSchemaKitError(error);
  }
}
