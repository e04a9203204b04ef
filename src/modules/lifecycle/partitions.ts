import { traceLifecycle } from '../../observability/channels.js';
import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import { toSchemaKitError } from '../../database-errors.js';
import { DEFAULT_SCHEMA, validateSchemaName } from '../../migrate/schema-name.js';
import { parseInput } from '../../validation/parse.js';
import { validDate } from '../../validation/common.js';
import type { ModuleDescriptor, PartitionedLog } from '../../module-descriptor.js';

/**
 * The months ahead `create_partitions` keeps by default.
 *
 * @deprecated Each partitioned log declares its own, `monthsAhead` in its module descriptor's
 * `partitionedLogs`, which `migrateToLatest` and `createPartitions` use.
 */
export const DEFAULT_MONTHS_AHEAD = 3;

/** Options of `createPartitions`. */
export interface CreatePartitionsOptions {
  /** The schema schema-kit was installed into. Default `'schema_kit'`. */
  readonly schema?: string;
  /** Months ahead of the current (UTC) month to cover, 0-120. Default: each log's `monthsAhead` (3 for schema-kit's logs). */
  readonly ahead?: number;
}

/** Options of `dropPartitionsBefore`. `Table`: the names of the partitioned logs. */
export interface RetentionOptions<Table extends string = string> {
  /** The log to trim. */
  readonly table: Table;
  /** Partitions that end at or before this time go; a partition holding a later row stays whole. */
  readonly before: Date;
  /** Detach (and rename `<partition>_detached`, to archive and drop yourself) instead of dropping. */
  readonly detach?: boolean;
  /** The schema schema-kit was installed into. Default `'schema_kit'`. */
  readonly schema?: string;
}

const createOptionsSchema = z
  .object({ schema: z.string().optional(), ahead: z.number().int('must be a whole number').min(0, 'must be at least 0').max(120, 'must be at most 120').optional() })
  .strict();

/** The partitioned logs `modules` declare, in module order. */
export function partitionedLogsOf(modules: readonly ModuleDescriptor[]): PartitionedLog[] {
  return modules.flatMap((m) => m.partitionedLogs);
}

/** The partitioned logs of `modules` installed (and registered) in `schema`, in name order. */
async function installedPartitionedLogs(db: Kysely<unknown>, schema: string, modules: readonly ModuleDescriptor[]): Promise<PartitionedLog[]> {
  const logs = partitionedLogsOf(modules);
  const { rows } = await sql<{ name: string }>`
    select c.relname as name from pg_catalog.pg_partitioned_table p
    join pg_catalog.pg_class c on c.oid = p.partrelid join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${schema} and c.relname = any(${logs.map((l) => l.table)}) order by 1`.execute(db);
  return rows.map((r) => logs.find((l) => l.table === r.name)!);
}

/**
 * Takes, to the end of the transaction `trx`, the advisory lock that `create_partitions` and
 * `drop_partitions_before` take on a partitioned log, for each of those in `installed` (the
 * tables of `schema`), in name order: a call that changes rows of the logs (`forgetUser`) and
 * partition maintenance, which moves rows between partitions, take turns, so neither misses rows
 * the other is moving.
 */
export async function lockPartitionMaintenance(trx: Kysely<unknown>, schema: string, modules: readonly ModuleDescriptor[], installed: ReadonlySet<string>): Promise<void> {
  for (const table of partitionedLogsOf(modules).map((l) => l.table).filter((t) => installed.has(t)).sort()) {
    // the key is the parent's regclass text under search_path '', as the functions compute it
    await sql`select pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('schemakit.partitions'), pg_catalog.hashtext(pg_catalog.format('%I.%I', ${schema}::text, ${table}::text)))`.execute(trx);
  }
}

/** `createPartitions` over the partitioned logs that `modules` declare (the public one: schema-kit's modules). */
export async function createModulesPartitions<DB>(db: Kysely<DB>, modules: readonly ModuleDescriptor[], options: CreatePartitionsOptions = {}): Promise<string[]> {
  const { ahead, schema: rawSchema } = parseInput(createOptionsSchema, options, 'options');
  const schema = validateSchemaName(rawSchema ?? DEFAULT_SCHEMA, 'options.schema');
  const plain = db.withoutPlugins() as Kysely<unknown>;
  return traceLifecycle('partitions', schema, undefined, async () => {
    try {
      const created: string[] = [];
      for (const log of await installedPartitionedLogs(plain, schema, modules)) {
        const { rows } = await sql<{ name: string }>`select ${sql.id(schema, 'create_partitions')}(${log.table}, ${ahead ?? log.monthsAhead}) as name`.execute(plain);
        created.push(...rows.map((r) => r.name));
      }
      return created;
    } catch (error) {
      throw toSchemaKitError(error);
    }
  }, (created) => created.length);
}

/** `dropPartitionsBefore` over the partitioned logs that `modules` declare (the public one: schema-kit's modules). */
export async function dropModulesPartitionsBefore<DB>(db: Kysely<DB>, modules: readonly ModuleDescriptor[], options: RetentionOptions): Promise<string[]> {
  const tables = partitionedLogsOf(modules).map((l) => l.table);
  const retentionOptionsSchema = z
    .object({ table: z.enum(tables as [string, ...string[]]), before: validDate, detach: z.boolean().default(false), schema: z.string().optional() })
    .strict();
  const { table, before, detach, schema: rawSchema } = parseInput(retentionOptionsSchema, options, 'options');
  const schema = validateSchemaName(rawSchema ?? DEFAULT_SCHEMA, 'options.schema');
  return traceLifecycle('retention', schema, table, async () => {
    try {
      const { rows } = await sql<{ name: string }>`
        select ${sql.id(schema, 'drop_partitions_before')}(${table}, ${before}, ${detach}) as name`.execute(db.withoutPlugins() as Kysely<unknown>);
      return rows.map((r) => r.name);
    } catch (error) {
      throw toSchemaKitError(error);
    }
  }, (dropped) => dropped.length);
}
