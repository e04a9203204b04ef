import { SchemaKitConflictError, SchemaKitConnectionError, SchemaKitError } from './errors.js';

interface PgLikeError {
  code?: string;
  constraint?: string;
  message?: string;
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
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended/i.test(error.message ?? '')
  );
}

/**
 * Turns an error thrown by the driver into schema-kit's typed errors: a constraint violation into
 * {@link SchemaKitConflictError} naming the constraint, a lost or refused connection into
 * {@link SchemaKitConnectionError}. Anything else, and schema-kit's own errors, pass through.
 */
export function toSchemaKitError(error: unknown): unknown {
  if (error instanceof SchemaKitError || typeof error !== 'object' || error === null) return error;
  const pgError = error as PgLikeError;
  const kind = pgError.code ? CONSTRAINT_CODES[pgError.code] : undefined;
  if (kind) {
    return new SchemaKitConflictError(
      `${kind} constraint ${pgError.constraint ?? '(unnamed)'} refused the write: ${pgError.message ?? ''}`.trim(),
      pgError.constraint,
      error,
    );
  }
  if (isConnectionFailure(pgError)) {
    return new SchemaKitConnectionError(`The database connection failed: ${pgError.message || pgError.code}`, error);
  }
  return error;
}

/** The SQLSTATE of a driver error, or of the cause of a schema-kit error wrapping one. */
export function sqlStateOf(error: unknown): string | undefined {
  const { code, cause } = (error ?? {}) as { code?: unknown; cause?: unknown };
  if (error instanceof SchemaKitError) return sqlStateOf(cause);
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}
