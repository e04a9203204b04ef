/**
 * What a schema module says about itself. Each module's index exports one descriptor
 * (`coreModule`, `auditModule`...); `src/modules.ts` lists them, and the shared machinery (the
 * runner, grants, doctor, the vocabulary registry, the testing kit) reads descriptors instead of
 * importing modules. docs/layout.md shows how to add a module.
 */
import type { Kysely } from 'kysely';

/** One migration file of a module: `NNNN_<name>` and its SQL text (`-- schema-kit:up` / `:down`). */
export interface MigrationFile {
  readonly name: string;
  readonly sql: string;
}

/** What the runtime role may do with a table: read it, read and append, read and write, or nothing (only the database's own functions use it). */
export type TableAccess = 'read' | 'append' | 'write' | 'none';

/** One table of a module: what the runtime role may do with it, and (as a type only) its row. */
export interface TableDescriptor<Row = unknown> {
  readonly runtime: TableAccess;
  /** Never set: carries the Kysely table interface into `Database`. */
  readonly row?: Row;
}

/**
 * Describes a table of a module; `runtime` defaults to `'write'` (SELECT, INSERT, UPDATE, DELETE).
 *
 * ### Examples
 * ```ts
 * tables: { users: table<UsersTable>(), event_log: table<EventLogTable>('append') }
 * ```
 */
export function table<Row>(runtime: TableAccess = 'write'): TableDescriptor<Row> {
  return Object.freeze({ runtime });
}

/** A host-owned vocabulary: its lookup table, the columns whose foreign keys reference it, the seeded values. */
export interface VocabularyDescriptor {
  /** The lookup table, one of the module's tables. */
  readonly table: string;
  /** The columns (`table.column`) whose foreign keys (`<table>_<column>_fkey`) reference the lookup table. */
  readonly columns: readonly string[];
  /** The values the module's migrations seed. */
  readonly defaults: readonly string[];
}

/** A log range-partitioned by month of a time column, and the defaults that keep it. */
export interface PartitionedLog {
  readonly table: string;
  /** The partition key: a `timestamptz` column. */
  readonly partitionKey: string;
  /** Months ahead of the current one whose partitions `migrateToLatest` keeps created. */
  readonly monthsAhead: number;
  /** Months of partitions kept before retention may drop them; null: kept until the owner drops them. */
  readonly keepMonths: number | null;
}

/**
 * How the rows of a user are found: `self` the `users` row (`id`); `user_id` a uuid column
 * `user_id`; `identifier` text columns holding any of the user's identifiers (id, email, external
 * ids, the host's own); `parent` a column referencing a table whose rows are the user's.
 */
export type PersonalDataReach =
  | { readonly by: 'self' }
  | { readonly by: 'user_id' }
  | { readonly by: 'identifier'; readonly columns: readonly string[] }
  | { readonly by: 'parent'; readonly table: string; readonly column: string };

/** What erasing a user does to the rows: delete them, mask (pseudonymize) the personal fields, or keep them. */
export type Erasure = 'delete' | 'mask' | 'keep';

/** Personal data a module keeps in one table, how it is reached from the user, and how it is erased. */
export interface PersonalData {
  readonly table: string;
  readonly reach: PersonalDataReach;
  readonly erasure: Erasure;
  /** The columns that hold personal data (with `mask`: the ones replaced by the pseudonym). */
  readonly columns?: readonly string[];
  /** JSON paths (`column.field`, `*` for any field named by the host) inside jsonb columns that hold personal data. */
  readonly jsonPaths?: readonly string[];
  /**
   * With reach `self`: the columns whose values identify the user elsewhere (an email, external
   * ids); erasure forgets them with the user's id, wherever the `identifier` reaches look.
   */
  readonly identifiers?: readonly string[];
}

/** Functions of a module the runtime role may run: always, or only when granted erasure. */
export interface FunctionPrivileges {
  /** Signatures as PostgreSQL prints them (`create_partitions(text, integer)`). */
  readonly runtime?: readonly string[];
  /** Signatures granted with `grantRuntimeAccess(db, { erasure: true })`. */
  readonly erasure?: readonly string[];
}

/**
 * Runs after every successful `migrateToLatest`, on the migrating connection, for an installed
 * module; `modules` are the descriptors of the catalog the runner migrated.
 */
export type AfterMigrate = (db: Kysely<unknown>, schema: string, modules: readonly ModuleDescriptor[]) => Promise<unknown>;

/**
 * One schema module: its name and dependencies, its migrations, tables, vocabularies, logs,
 * personal data and the privileges its tables need. Build it with `defineModule`.
 */
export interface ModuleDescriptor<Name extends string = string> {
  readonly name: Name;
  /** The modules installed before this one. */
  readonly dependsOn: readonly string[];
  /** One line: what the module holds. */
  readonly summary: string;
  /** Its migrations, in order (the shipped ones are inlined from `migrations/<name>/`). */
  readonly migrations: readonly MigrationFile[];
  /** Every table its migrations create, lookup tables included, with the runtime role's access. */
  readonly tables: Readonly<Record<string, TableDescriptor>>;
  /** Its host-owned vocabularies, by the name `VocabularyRepo` takes. */
  readonly vocabularies: Readonly<Record<string, VocabularyDescriptor>>;
  /** Tables whose rows are never changed or removed, enforced by the database. */
  readonly appendOnlyLogs: readonly string[];
  /** Logs range-partitioned by month. */
  readonly partitionedLogs: readonly PartitionedLog[];
  /** Every table holding personal data, and how erasure treats it. */
  readonly personalData: readonly PersonalData[];
  /** Functions the runtime role may run. */
  readonly functions: FunctionPrivileges;
  /** Upkeep after each successful migrate run (e.g. partitions created ahead). */
  readonly afterMigrate?: AfterMigrate;
}

/**
 * Declares a module: checks that its logs, vocabularies and personal data name its own tables,
 * and freezes it. The literal types are kept (`VocabularyName`, `Database` are built from them).
 */
export function defineModule<const Name extends string, const D extends ModuleDescriptor<Name>>(descriptor: D & { readonly name: Name }): D {
  const own = new Set(Object.keys(descriptor.tables));
  const named = [
    ...descriptor.appendOnlyLogs,
    ...descriptor.partitionedLogs.map((log) => log.table),
    ...Object.values(descriptor.vocabularies).map((v) => v.table),
    ...descriptor.personalData.map((p) => p.table),
  ];
  const foreign = named.filter((name) => !own.has(name));
  if (foreign.length > 0) throw new Error(`module ${descriptor.name}: ${foreign.join(', ')} is not one of its tables`);
  return Object.freeze(descriptor);
}

/**
 * The Kysely table interfaces of every module of the union `M`, keyed by table name (each module's
 * `tables`, their rows merged into one object type).
 */
export type DatabaseOf<M extends ModuleDescriptor> = (
  M extends { readonly tables: infer T } ? (tables: { -readonly [K in keyof T]: T[K] extends TableDescriptor<infer Row> ? Row : never }) => void : never
) extends (merged: infer D) => void
  ? D
  : never;

/** The host-owned vocabularies of every module of the union `M`, keyed by name, each with its module's name. */
export type VocabulariesOf<M extends ModuleDescriptor> = (
  M extends { readonly name: infer N; readonly vocabularies: infer V } ? (vocabularies: { readonly [K in keyof V]: { readonly module: N } & V[K] }) => void : never
) extends (merged: infer D) => void
  ? D
  : never;

/** The partitioned logs of every module of the union `M`, keyed by table name, each with its partition key. */
export type PartitionKeysOf<M extends ModuleDescriptor> = { readonly [L in M['partitionedLogs'][number] as L['table']]: L['partitionKey'] };
