/**
 * The errors schema-kit raises. Every one extends {@link SchemaKitError}, so a host can catch the
 * family with one `instanceof`, and carries what the caller needs as readonly fields.
 */

/** The base class of every error schema-kit raises. `code` is stable and machine-readable. */
export class SchemaKitError extends Error {
  /** A stable, machine-readable code, e.g. `'validation'` or `'conflict'`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An input was refused: before any SQL ran, or by the database when a value is not in a host-owned
 * vocabulary (the statement wrote nothing; `cause` is the driver's error). `field` names the
 * offending input, e.g. `'user_id'`. */
export class SchemaKitValidationError extends SchemaKitError {
  /** The path of the offending field, dotted for nested inputs (`'details.items.0'`). */
  readonly field: string;
  /** Every problem found, each with its field path and message. */
  readonly issues: readonly { readonly field: string; readonly message: string }[];

  constructor(field: string, message: string, issues?: readonly { field: string; message: string }[], options?: { cause?: unknown }) {
    super('validation', `Invalid ${field}: ${message}`, options);
    this.field = field;
    this.issues = issues ?? [{ field, message }];
  }
}

/** A write broke a unique, foreign-key or check constraint. `constraint` names it. */
export class SchemaKitConflictError extends SchemaKitError {
  /** The name of the violated constraint, as PostgreSQL reports it. */
  readonly constraint: string | undefined;

  constructor(message: string, constraint: string | undefined, cause: unknown) {
    super('conflict', message, { cause });
    this.constraint = constraint;
  }
}

/** A row the call needs does not exist (e.g. the user whose role is being changed). */
export class SchemaKitNotFoundError extends SchemaKitError {
  /** The table the row was looked up in. */
  readonly table: string;

  constructor(table: string, message: string) {
    super('not_found', message);
    this.table = table;
  }
}

/** The database could not be reached, or the call was cut off (connection lost, timeout). */
export class SchemaKitConnectionError extends SchemaKitError {
  constructor(message: string, cause?: unknown) {
    super('connection', message, { cause });
  }
}

/**
 * The database refused a statement for a reason no other class names (e.g. a missing table when a
 * module is not installed, or a statement after a failed one in an aborted transaction: code
 * `'transaction_aborted'`). `sqlState` is PostgreSQL's SQLSTATE when it sent one; the driver's
 * error is the `cause`.
 */
export class SchemaKitDatabaseError extends SchemaKitError {
  /** PostgreSQL's SQLSTATE (e.g. `'42P01'`), when the server sent one. */
  readonly sqlState: string | undefined;

  constructor(code: 'database' | 'transaction_aborted', message: string, sqlState: string | undefined, cause: unknown) {
    super(code, message, { cause });
    this.sqlState = sqlState;
  }
}

/** A migration could not run: the lock was not acquired in time, history and files disagree, or
 * a migration's SQL failed. `module` and `migration` name the migration when there is one. */
export class SchemaKitMigrationError extends SchemaKitError {
  /** The module of the migration concerned, when one is. */
  readonly module: string | undefined;
  /** The migration concerned (`NNNN_name`), when one is. */
  readonly migration: string | undefined;

  constructor(
    code:
      | 'lock_timeout'
      | 'checksum_mismatch'
      | 'missing_migration'
      | 'migration_failed'
      | 'database_ahead'
      | 'not_installed'
      | 'down_blocked',
    message: string,
    details: { module?: string; migration?: string; cause?: unknown } = {},
  ) {
    super(code, message, { cause: details.cause });
    this.module = details.module;
    this.migration = details.migration;
  }
}
