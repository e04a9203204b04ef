/**
 * What the migration linter reports. Each rule names a statement that takes a lock strong enough
 * to stop the host's writes on a table that exists before the file (or a marker or directive the
 * runner cannot honour); docs/online-migrations.md gives each rule's reason and online alternative.
 */
export type LintRule =
  /** ADD COLUMN whose default must be computed per row (a volatile function, identity, serial): rewrites the table. */
  | 'volatile-default'
  /** ADD COLUMN ... GENERATED ALWAYS AS (...) STORED: rewrites the table. */
  | 'stored-generated-column'
  /** ALTER COLUMN ... TYPE: rewrites the table (and its indexes) unless the types are binary-compatible. */
  | 'alter-column-type'
  /** SET TABLESPACE: copies the table. */
  | 'set-tablespace'
  /** VACUUM FULL: rewrites the table. */
  | 'vacuum-full'
  /** CLUSTER: rewrites the table. */
  | 'cluster'
  /** CREATE INDEX without CONCURRENTLY: writes wait for the whole build. */
  | 'create-index'
  /** CREATE or DROP INDEX CONCURRENTLY in a transactional file: PostgreSQL refuses it (never allowed). */
  | 'concurrently-in-transaction'
  /** ADD CONSTRAINT CHECK or FOREIGN KEY (or an inline one on ADD COLUMN) without NOT VALID: scans the table under the lock. */
  | 'constraint-without-not-valid'
  /** A UNIQUE, PRIMARY KEY or EXCLUDE constraint not added `USING INDEX`: builds its index under the lock. */
  | 'constraint-builds-index'
  /** VALIDATE CONSTRAINT in a transactional file: the scan runs while the file's earlier locks are held. */
  | 'validate-in-transaction'
  /** SET NOT NULL: scans the table under ACCESS EXCLUSIVE unless a validated CHECK proves it. */
  | 'set-not-null'
  /** UPDATE or DELETE of an existing table in one statement, not a `schema-kit:batch` step. */
  | 'unbatched-dml'
  /** LOCK TABLE. */
  | 'lock-table'
  /** DROP INDEX without CONCURRENTLY: ACCESS EXCLUSIVE on the index's table. */
  | 'drop-index'
  /** A call of lifecycle_rebuild_table: makes the table partitioned under ACCESS EXCLUSIVE (copying it when small, attaching it whole when prepared). */
  | 'rebuild-table'
  /** `schema-kit:batch` or `schema-kit:each` in a transactional file: the runner honours them only outside a transaction (never allowed). */
  | 'directive-in-transaction'
  /** `schema-kit:lock-heavy` without a reason (never allowed). */
  | 'marker-without-reason'
  /** `schema-kit:lock-heavy` before a statement with nothing to allow, or a directive not right before a statement (never allowed). */
  | 'stale-marker'
  /** A `schema-kit:` comment the runner does not know, e.g. a misspelt directive (never allowed). */
  | 'unknown-directive';

/** A PostgreSQL table lock mode, as the documentation spells it. */
export type LockMode =
  | 'ACCESS SHARE'
  | 'ROW SHARE'
  | 'ROW EXCLUSIVE'
  | 'SHARE UPDATE EXCLUSIVE'
  | 'SHARE'
  | 'SHARE ROW EXCLUSIVE'
  | 'EXCLUSIVE'
  | 'ACCESS EXCLUSIVE';

/** One finding of {@link lintMigration}. */
export interface LintFinding {
  /** The rule that found it. */
  readonly rule: LintRule;
  /** The statement, trimmed, without the comments before it. */
  readonly statement: string;
  /** The line of the file (from 1) on which the statement starts. */
  readonly line: number;
  /** The table the statement locks, without the schema placeholder (for DROP INDEX: the index); absent for marker findings. */
  readonly table?: string;
  /** The lock the statement takes on `table`; absent for marker findings. */
  readonly lock?: LockMode;
  /** Whether the statement rewrites (copies) the table. */
  readonly rewrites: boolean;
  /** What is wrong and the online alternative. */
  readonly message: string;
  /** True when a `-- schema-kit:lock-heavy <reason>` marker right before the statement allows it. */
  readonly allowed: boolean;
  /** The marker's reason, when allowed. */
  readonly reason?: string;
}

/** What {@link lintMigration} reads of a migration file (the runner's parsed migrations have it). */
export interface LintSource {
  /** The up section: the SQL between `-- schema-kit:up` and `-- schema-kit:down`. */
  readonly up: string;
  /** The line of the file (from 1) on which `up` starts: findings give file lines. */
  readonly upLine: number;
  /** False for a file marked `-- schema-kit:no-transaction`. */
  readonly transactional: boolean;
}

/** What {@link lintMigration} knows beyond the file. */
export interface LintContext {
  /**
   * Tables known to be new (empty) before the file, e.g. created by an earlier migration of the
   * same run on an empty schema; names without schema. Tables the file creates are always new.
   */
  readonly newTables?: Iterable<string>;
  /** Indexes known to be new before the file (built on a new table): DROP INDEX of one is not flagged. */
  readonly newIndexes?: Iterable<string>;
}
