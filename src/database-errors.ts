import { SchemaKitConflictError, SchemaKitConnectionError, SchemaKitDatabaseError, SchemaKitError, SchemaKitValidationError } from './errors.js';
import { vocabularyReference } from './vocabulary/registry.js';

interface PgLikeError {
  code?: string;
  constraint?: string;
  detail?: string;
  message?: string;
}

/** A value missing from a host-owned vocabulary's lookup table, as a validation error naming the
 * column; undefined for any other error. Deleting a value still in use (which no repository does)
 * stays a conflict. */
function vocabularyViolation(error: PgLikeError, cause: unknown, argument: string | undefined): SchemaKitValidationError | undefined {
  const reference = error.code === '23503' ? vocabularyReference(error.constraint) : undefined;
  if (!reference || /still referenced/.test(error.detail ?? '')) return undefined;
  const { vocabulary, column } = reference;
  return new SchemaKitValidationError(
    argument ? `${argument}.${column}` : column,
    `is not in the ${vocabulary} vocabulary: add the value first (VocabularyRepo.add('${vocabulary}', value), or an INSERT in the host's migration)`,
    undefined,
    { cause },
  );
}

const CONSTRAINT_CODES: Record<string, string> = {
  '23505': 'unique',
  '23503': 'foreign key',
  '23514': 'check',
  '23502': 'not-null',
  '23P01': 'exclusion',
};

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', 'EHOSTUNREACH', '57P01', '57P02', '57P03']);

function isConnectionFailure(error: PgLikeError): boolean {
  const code = error.code ?? '';
  return (
    CONNECTION_CODES.has(code) ||
    code.startsWith('08') || // connection exception
    code.startsWith('28') || // invalid authorization: wrong password, unknown role
    code === '3D000' || // the database does not exist
    TLS_CODES.test(code) ||
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended|does not support SSL|SSL|TLS|certificate/i.test(error.message ?? '')
  );
}

/** Kysely's AbortedTransactionError (COMMIT answered ROLLBACK), recognized as Kysely does, by a
 * registered symbol: not every Kysely in the peer range exports the class. */
function isAbortedTransaction(error: object): boolean {
  return Symbol.for('kysely.AbortedTransactionError') in error;
}

/** Node's TLS failures: a certificate that does not verify, a host name it does not cover. */
const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_|CERT_|ERR_OSSL)/;

/**
 * Turns anything a database call threw into schema-kit's typed errors, the original attached as
 * `cause`: a value outside a host-owned vocabulary into {@link SchemaKitValidationError} naming
 * the field (`argument.column`, or the column without an argument), any other constraint violation into {@link SchemaKitConflictError} naming the constraint, a
 * lost, refused or TLS-refused connection into {@link SchemaKitConnectionError}, a statement in an
 * aborted transaction into {@link SchemaKitDatabaseError} `transaction_aborted`, anything else
 * into {@link SchemaKitDatabaseError}. schema-kit's own errors pass through.
 */
export function toSchemaKitError(error: unknown, argument?: string): SchemaKitError {
  if (error instanceof SchemaKitError) return error;
  if (typeof error !== 'object' || error === null) return new SchemaKitDatabaseError('database', `The database call failed: ${String(error)}`, undefined, error);
  const pgError = error as PgLikeError;
  const vocabulary = vocabularyViolation(pgError, error, argument);
  if (vocabulary) return vocabulary;
  const sqlState = sqlStateOf(error);
  if (sqlState === '25P02' || isAbortedTransaction(error)) {
    return new SchemaKitDatabaseError(
      'transaction_aborted',
      'The transaction was aborted by an earlier failed statement (e.g. one a handler caught and did not rethrow); it was rolled back.',
      sqlState,
      error,
    );
  }
  const kind = pgError.code ? CONSTRAINT_CODES[pgError.code] : undefined;
  if (kind) {
    return new SchemaKitConflictError(
      `${kind} constraint ${pgError.constraint ?? '(unnamed)'} refused the write: ${pgError.message ?? ''}`.trim(),
      pgError.constraint,
      error,
    );
  }
  if (pgError.code === '42501') {
    return new SchemaKitError('permission_denied', `The database refused the call: ${pgError.message ?? 'permission denied'}`, { cause: error });
  }
  if (isConnectionFailure(pgError)) {
    return new SchemaKitConnectionError(`The database connection failed: ${pgError.message || pgError.code}`, error);
  }
  return new SchemaKitDatabaseError('database', `The database refused the statement: ${pgError.message || sqlState || 'unknown error'}`, sqlState, error);
}

/** The SQLSTATE of a driver error, or of the cause of a schema-kit error wrapping one. */
export function sqlStateOf(error: unknown): string | undefined {
  const { code, cause } = (error ?? {}) as { code?: unknown; cause?: unknown };
  if (error instanceof SchemaKitError) return sqlStateOf(cause);
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Whether `error` came from the database or the driver: a SQLSTATE, a lost or refused
 * connection, or Kysely's aborted transaction. */
export function isDatabaseError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || error instanceof SchemaKitError) return false;
  return sqlStateOf(error) !== undefined || isConnectionFailure(error as PgLikeError) || isAbortedTransaction(error);
}
