import {
  SchemaKitConflictError,
  SchemaKitConnectionError,
  SchemaKitDatabaseError,
  SchemaKitError,
  SchemaKitOutcomeUnknownError,
  SchemaKitTimeoutError,
  SchemaKitValidationError,
} from './errors.js';
import type { WrittenInput } from './vocabulary/references.js';

interface PgLikeError {
  code?: string;
  constraint?: string;
  table?: string;
  detail?: string;
  message?: string;
}

/** A value missing from a host-owned vocabulary's lookup table, among those guarding the written
 * `input`, as a validation error naming its field; undefined for any other error. Deleting a value still in use (which no repository does)
 * stays a conflict. */
function vocabularyViolation(error: PgLikeError, cause: unknown, input: WrittenInput | undefined): SchemaKitValidationError | undefined {
  const reference = error.code === '23503' && error.constraint !== undefined ? input?.references.get(error.constraint) : undefined;
  if (!input || !reference || /still referenced/.test(error.detail ?? '')) return undefined;
  const { vocabulary, column } = reference;
  return new SchemaKitValidationError(
    `${input.name}.${column}`,
    `is not in the ${vocabulary} vocabulary: add the value first (VocabularyRepo.add('${vocabulary}', value), or an INSERT in the host's migration)`,
    undefined,
    { cause },
  );
}

/**
 * Whether `error` (a driver's, or a schema-kit error wrapping one) is an insert that lost a race
 * with the attach of a partition (`createPartitions`, or the host's own for its tables): the row
 * was routed to a DEFAULT partition (a table named `<parent>_default`), waited for
 * its lock while the partition of the row's month was attached, and then no longer fit the
 * DEFAULT partition's bounds. PostgreSQL reports it as 23514 on that partition with no constraint
 * name (a CHECK constraint's violation always names it). The statement wrote nothing, and the
 * same statement, run again, goes to the new partition.
 */
export function isPartitionRace(error: unknown): boolean {
  const driver = (error instanceof SchemaKitError ? error.cause : error) as PgLikeError | undefined;
  return sqlStateOf(driver) === '23514' && driver?.constraint === undefined && /_default$/.test(String(driver?.table));
}

const CONSTRAINT_CODES: Record<string, string> = {
  '23505': 'unique',
  '23503': 'foreign key',
  '23514': 'check',
  '23502': 'not-null',
  '23P01': 'exclusion',
  '23001': 'restrict',
};

/** The SQLSTATE of schema-kit's erasure guards: the write names a user forgetUser forgot. */
const FORGOTTEN_STATE = 'SKF01';

/** SQLSTATEs of a connection the server ended or would not start: a new connection may work. */
const CONNECTION_STATES = new Set(['57P01', '57P02', '57P03', '57P05', '53300']);
/** Node's network failures (no SQLSTATE): the server was not reached or the socket dropped. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);
/** Node's TLS failures: a certificate that does not verify, a host name it does not cover. */
const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_|CERT_|ERR_OSSL)/;
/** node-postgres's own connection failures, which carry no code: matched by their exact, whole
 * wording, and only on errors without a SQLSTATE or a code. */
const DRIVER_CONNECTION_MESSAGES = new Set([
  'Connection terminated',
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
]);
/** node-postgres's TLS refusals, which carry no code: a retry cannot fix them. */
const DRIVER_TLS_MESSAGES = new Set(['The server does not support SSL connections', 'There was an error establishing an SSL connection']);
/** node-postgres's client-side `query_timeout`: the statement was sent and goes on running. */
const QUERY_READ_TIMEOUT = 'Query read timeout';

/** What a failure without a SQLSTATE is: a connection failure (and whether a retry may help),
 * pg's query read timeout, or none of these (not the database's). */
function driverFailure(error: PgLikeError): { connection: boolean; retryable: boolean } | 'query_timeout' | undefined {
  const code = typeof error.code === 'string' ? error.code : '';
  if (NETWORK_CODES.has(code)) return { connection: true, retryable: true };
  if (TLS_CODES.test(code)) return { connection: true, retryable: false };
  if (code !== '') return undefined;
  const message = typeof error.message === 'string' ? error.message : '';
  if (message === QUERY_READ_TIMEOUT) return 'query_timeout';
  if (DRIVER_TLS_MESSAGES.has(message)) return { connection: true, retryable: false };
  if (DRIVER_CONNECTION_MESSAGES.has(message)) return { connection: true, retryable: true };
  return undefined;
}

/** Kysely's AbortedTransactionError (COMMIT answered ROLLBACK), recognized as Kysely does, by a
 * registered symbol: not every Kysely in the peer range exports the class. */
function isAbortedTransaction(error: object): boolean {
  return Symbol.for('kysely.AbortedTransactionError') in error;
}

/**
 * Turns anything a database call threw into schema-kit's typed errors, the original attached as
 * `cause`. The SQLSTATE decides, never the message text: a value outside a host-owned vocabulary
 * (23503 on a key of a vocabulary guarding the written `input`) into
 * {@link SchemaKitValidationError} naming the field (`input.column`), any other integrity violation (class 23) into
 * {@link SchemaKitConflictError} naming the constraint (except an insert that met the creation of a
 * partition, {@link isPartitionRace}: a retryable {@link SchemaKitError} `contention`), 42501 into
 * `permission_denied`, SKF01 (a write naming a forgotten user, refused by the erasure guards) into
 * `user_forgotten`, class 08,
 * 57P01-57P03, 57P05 and 53300 into a retryable {@link SchemaKitConnectionError}, class 28 and
 * 3D000 into a non-retryable one, 57014 and 55P03 into {@link SchemaKitTimeoutError}, 40001 and
 * 40P01 into a retryable {@link SchemaKitDatabaseError} `serialization_failure`, 25P02 into
 * `transaction_aborted`, 40003 into {@link SchemaKitOutcomeUnknownError}, any other SQLSTATE into
 * {@link SchemaKitDatabaseError} `database`. Without a SQLSTATE: node's network and TLS error
 * codes and node-postgres's own connection messages into {@link SchemaKitConnectionError}, its
 * client-side `query_timeout` into {@link SchemaKitOutcomeUnknownError}, Kysely's aborted
 * transaction into `transaction_aborted`, and anything else (not the database's: a plugin's or a
 * driver's bug) into a {@link SchemaKitError} `unexpected` whose message is the original's.
 * schema-kit's own errors pass through.
 */
export function toSchemaKitError(error: unknown, input?: WrittenInput): SchemaKitError {
  if (error instanceof SchemaKitError) return error;
  if (typeof error !== 'object' || error === null) return new SchemaKitError('unexpected', `The database call failed: ${String(error)}`, { cause: error });
  const pgError = error as PgLikeError;
  const sqlState = sqlStateOf(error);
  if (sqlState === undefined) return fromDriverFailure(pgError, error);
  const vocabulary = vocabularyViolation(pgError, error, input);
  if (vocabulary) return vocabulary;
  const message = pgError.message || sqlState;
  if (sqlState === '25P02') {
    return new SchemaKitDatabaseError(
      'transaction_aborted',
      'The transaction was aborted by an earlier failed statement (e.g. one a handler caught and did not rethrow); it was rolled back.',
      sqlState,
      error,
    );
  }
  if (isPartitionRace(error)) {
    return new SchemaKitError(
      'contention',
      `The insert into ${pgError.table} met the attach of a new partition and wrote nothing: run it again (schema-kit does, outside a transaction).`,
      { cause: error, retryable: true },
    );
  }
  if (sqlState.startsWith('23')) {
    const kind = CONSTRAINT_CODES[sqlState] ?? 'integrity';
    return new SchemaKitConflictError(`${kind} constraint ${pgError.constraint ?? '(unnamed)'} refused the write: ${pgError.message ?? ''}`.trim(), pgError.constraint, error);
  }
  if (sqlState === '42501') return new SchemaKitError('permission_denied', `The database refused the call: ${message}`, { cause: error });
  if (sqlState === FORGOTTEN_STATE) return new SchemaKitError('user_forgotten', `The database refused the write: ${message}`, { cause: error });
  if (sqlState.startsWith('08') || CONNECTION_STATES.has(sqlState)) return new SchemaKitConnectionError(`The database connection failed: ${message}`, error, true);
  if (sqlState.startsWith('28') || sqlState === '3D000') return new SchemaKitConnectionError(`The database refused the connection: ${message}`, error, false);
  if (sqlState === '57014') return new SchemaKitTimeoutError('statement', `The statement was cancelled (statement_timeout or a cancel request): ${message}`, sqlState, error);
  if (sqlState === '55P03') return new SchemaKitTimeoutError('lock', `A lock was not available (lock_timeout or NOWAIT): ${message}`, sqlState, error);
  if (sqlState === '40001' || sqlState === '40P01') {
    return new SchemaKitDatabaseError('serialization_failure', `The transaction was rolled back (serialization failure or deadlock): ${message}`, sqlState, error);
  }
  if (sqlState === '40003') return new SchemaKitOutcomeUnknownError(`The server does not know whether the statement completed: ${message}`, error);
  return new SchemaKitDatabaseError('database', `The database refused the statement: ${message}`, sqlState, error);
}

function fromDriverFailure(pgError: PgLikeError, error: object): SchemaKitError {
  if (isAbortedTransaction(error)) {
    return new SchemaKitDatabaseError(
      'transaction_aborted',
      'The transaction was aborted by an earlier failed statement (e.g. one a handler caught and did not rethrow); it was rolled back.',
      undefined,
      error,
    );
  }
  const failure = driverFailure(pgError);
  if (failure === 'query_timeout') {
    return new SchemaKitOutcomeUnknownError(
      "pg's query_timeout ran out after the statement was sent: it goes on running on the server and may still commit.",
      error,
    );
  }
  const message = pgError.message || pgError.code || 'unknown error';
  if (failure) return new SchemaKitConnectionError(`The database connection failed: ${message}`, error, failure.retryable);
  return new SchemaKitError('unexpected', `The database call failed with an error that is not the database's: ${message}`, { cause: error });
}

/** Failures that happen before a statement reaches the server: the connection was never made. */
const CONNECT_PHASE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', '57P03', '53300']);

/**
 * The error of a write schema-kit sent on its own (a COMMIT, or a statement outside any
 * transaction), typed: a lost connection there, unless it was lost before anything was sent, is
 * {@link SchemaKitOutcomeUnknownError}: the server may have committed before the connection
 * dropped. The server's own refusals (a rollback it reports with a SQLSTATE) keep their type.
 */
export function writeOutcome(error: unknown, input?: WrittenInput): SchemaKitError {
  const typed = toSchemaKitError(error, input);
  if (!(typed instanceof SchemaKitConnectionError) || !typed.retryable) return typed;
  const cause = typed.cause as PgLikeError | undefined;
  if (CONNECT_PHASE.has(String(cause?.code ?? '')) || /^timeout exceeded when trying to connect/.test(String(cause?.message ?? ''))) return typed;
  return new SchemaKitOutcomeUnknownError(
    `The connection was lost after the write was sent: it may have committed (${typed.message.replace(/^The database connection failed: /, '')}).`,
    typed.cause,
  );
}

/**
 * Whether a failure leaves its connection unusable, so a pool must discard the client: no SQLSTATE
 * (lost, timed out, refused by the driver), class 08, or a session the server ended (the states
 * {@link toSchemaKitError} calls connection failures).
 */
export function leavesConnectionUnusable(error: unknown): boolean {
  const state = sqlStateOf(error);
  return state === undefined || state.startsWith('08') || CONNECTION_STATES.has(state);
}

/** The SQLSTATE of a driver error, or of the cause of a schema-kit error wrapping one. */
export function sqlStateOf(error: unknown): string | undefined {
  const { code, cause } = (error ?? {}) as { code?: unknown; cause?: unknown };
  if (error instanceof SchemaKitError) return sqlStateOf(cause);
  // a class of two digits, or one of the lettered classes (F0, HV, P0, XX): node's five-letter
  // codes (EPIPE, EPERM, EBUSY) are not SQLSTATEs; SK is schema-kit's own class (SKF01)
  return typeof code === 'string' && /^([0-9][0-9A-Z]|F0|HV|P0|XX|SK)[0-9A-Z]{3}$/.test(code) ? code : undefined;
}

/**
 * Whether `error`, thrown by a host's handler, came from the database: a SQLSTATE, one of
 * node-postgres's own failures (which carry no code), or Kysely's aborted transaction. A node
 * network or TLS error (ECONNRESET, a certificate) is not taken for the database's: a handler's
 * own HTTP call raises those too, and keeps its identity (if the database's connection dropped,
 * the rollback or the next statement reports it).
 */
export function isDatabaseError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || error instanceof SchemaKitError) return false;
  if (sqlStateOf(error) !== undefined || isAbortedTransaction(error)) return true;
  const code = (error as PgLikeError).code;
  return (code === undefined || code === '') && driverFailure(error as PgLikeError) !== undefined;
}
