import { SchemaKitConflictError, SchemaKitConnectionError, SchemaKitError, SchemaKitValidationError } from './errors.js';
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
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended/i.test(error.message ?? '')
  );
}

/**
 * Turns an error thrown by the driver into schema-kit's typed errors: a value outside a host-owned
 * vocabulary into {@link SchemaKitValidationError} naming the field (`argument.column`, or the
 * column when no argument is given), any other constraint violation into
 * {@link SchemaKitConflictError} naming the constraint, a lost or refused connection into
 * {@link SchemaKitConnectionError}. Anything else, and schema-kit's own errors, pass through.
 */
export function toSchemaKitError(error: unknown, argument?: string): unknown {
  if (error instanceof SchemaKitError || typeof error !== 'object' || error === null) return error;
  const pgError = error as PgLikeError;
  const vocabulary = vocabularyViolation(pgError, error, argument);
  if (vocabulary) return vocabulary;
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
  return error;
}
