import pg from 'pg';
import { SchemaKitConnectionError } from '../errors.js';
import { describeUrl, passwordOf, redactSecrets } from './redact.js';

/** Options for {@link probeConnection}. */
export interface ProbeOptions {
  /** How long to wait for the server to answer, in milliseconds. Default 5000. */
  readonly timeoutMs?: number;
  /** A prefix naming where the URL came from (e.g. `'TEST_DATABASE_URL'`), for the message. */
  readonly label?: string;
}

/**
 * Connects once to `connectionString` and returns the server's version, or throws a
 * {@link SchemaKitConnectionError} within `timeoutMs` whose one-line message names the host and
 * the reason but never the password.
 */
export async function probeConnection(connectionString: string, options: ProbeOptions = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('show server_version');
    return rows[0]?.server_version ?? 'unknown';
  } catch (error) {
    throw connectFailure(connectionString, error, options.label);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The one-line, password-free error for a failed connection to `connectionString`. */
export function connectFailure(connectionString: string, error: unknown, label?: string): SchemaKitConnectionError {
  const reason = redactSecrets(
    error instanceof Error ? error.message || (error as NodeJS.ErrnoException).code || error.name : String(error),
    passwordOf(connectionString),
  );
  return new SchemaKitConnectionError(
    `${label ? `${label}: ` : ''}cannot connect to PostgreSQL at ${describeUrl(connectionString)}: ${reason}`,
    error,
  );
}
