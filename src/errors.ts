/**
 * The errors schema-kit raises. Every one extends {@link SchemaKitError}, so a host can catch the
 * family with one `instanceof`, and carries what the caller needs as readonly fields.
 */

/** The base class of every error schema-kit raises. `code` is stable and machine-readable. */
export class SchemaKitError extends Error {
  /** A stable, machine-readable code, e.g. `'validation'` or `'conflict'`. */
  readonly code: string;
  /**
   * Whether the same call, made again as is, may succeed and cannot do the work twice: the failed
   * call did not take effect (it was refused, cancelled, rolled back, or never reached the
   * server) and the cause is transient (a lost connection, a timeout, a serialization failure or
   * deadlock). Inside your own transaction, retry the whole transaction: the failure aborted it.
   * `false` for everything a retry cannot fix (bad input, a constraint, a missing table, a refused
   * password) and for {@link SchemaKitOutcomeUnknownError}, whose call may have taken effect.
   * See docs/guarantees.md, "Timeouts and retries".
   */
  readonly retryable: boolean;

  constructor(code: string, message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, options && 'cause' in options ? { cause: options.cause } : undefined);
    this.name = new.target.name;
    this.code = code;
    this.retryable = options?.retryable ?? false;
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

/**
 * The database could not be reached, or the connection was lost before the call took effect (a
 * refused or dropped connection, a server shutting down: SQLSTATE class 08, 57P01-57P03).
 * `retryable` is true for those, false for a refusal a retry cannot fix (a wrong password:
 * class 28, a missing database: 3D000, a certificate that does not verify).
 */
export class SchemaKitConnectionError extends SchemaKitError {
  constructor(message: string, cause?: unknown, retryable = true) {
    super('connection', message, { cause, retryable });
  }
}

/**
 * The server gave up on a statement: `statement_timeout` or a cancel request (SQLSTATE 57014,
 * `timeout: 'statement'`), `lock_timeout` or NOWAIT (55P03, `timeout: 'lock'`). Code `'timeout'`.
 * The statement did not take effect (a transaction it ran in is aborted), so `retryable` is true:
 * retry the call, or your whole transaction. pg's client-side `query_timeout` is not this error:
 * the statement goes on running on the server, so it raises {@link SchemaKitOutcomeUnknownError}.
 */
export class SchemaKitTimeoutError extends SchemaKitError {
  /** Which limit ran out. */
  readonly timeout: 'statement' | 'lock';
  /** PostgreSQL's SQLSTATE: `'57014'` or `'55P03'`. */
  readonly sqlState: string;

  constructor(timeout: 'statement' | 'lock', message: string, sqlState: string, cause: unknown) {
    super('timeout', message, { cause, retryable: true });
    this.timeout = timeout;
    this.sqlState = sqlState;
  }
}

/**
 * schema-kit cannot know whether the call took effect: pg's client-side `query_timeout` ran out
 * (the statement was sent and goes on running; it may still commit), the connection was lost
 * during a COMMIT schema-kit sent (`processOnce` and every call that runs in a transaction of its
 * own) or during a claim outside a transaction, or the server reported 40003 (statement
 * completion unknown). Code
 * `'outcome_unknown'`; `retryable` is false, because the work may be done.
 *
 * Recovery that keeps exactly-once: call `processOnce` again with the same message id (and the
 * same consumer). It claims and runs the handler in one transaction, so only its COMMIT can have
 * an unknown outcome: the retry either finds the message claimed (the first run committed, with
 * its handler's writes; `processed: false` and the kept result) or claims it and runs the handler
 * (nothing of the first run committed). A bare `claim` whose outcome is unknown cannot be
 * recovered that way (a retry returns false whether or not you handled it): hand messages to
 * `processOnce` when a timeout or a lost connection must not lose one. Other writes: read back
 * what you wrote before writing it again. See docs/guarantees.md, "Outcome unknown".
 */
export class SchemaKitOutcomeUnknownError extends SchemaKitError {
  constructor(message: string, cause: unknown) {
    super('outcome_unknown', message, { cause, retryable: false });
  }
}

/**
 * The database refused a statement for a reason no other class names (e.g. a missing table when a
 * module is not installed, or a statement after a failed one in an aborted transaction: code
 * `'transaction_aborted'`; a serialization failure or deadlock, 40001 / 40P01: code
 * `'serialization_failure'`, the only retryable one). `sqlState` is PostgreSQL's SQLSTATE when it sent one; the driver's
 * error is the `cause`.
 */
export class SchemaKitDatabaseError extends SchemaKitError {
  /** PostgreSQL's SQLSTATE (e.g. `'42P01'`), when the server sent one. */
  readonly sqlState: string | undefined;

  constructor(code: 'database' | 'transaction_aborted' | 'serialization_failure', message: string, sqlState: string | undefined, cause: unknown) {
    super(code, message, { cause, retryable: code === 'serialization_failure' });
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
