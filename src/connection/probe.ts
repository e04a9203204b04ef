import pg from 'pg';
import { SchemaKitConnectionError } from '../errors.js';
import { checkConnectionUrl } from './config.js';
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
 * the reason but never the password. A malformed URL is a `configuration` `SchemaKitError` naming
 * `label` (default `'connection string'`), its password masked.
 */
export async function probeConnection(connectionString: string, options: ProbeOptions = {}): Promise<string> {
  checkConnectionUrl(connectionString, options.label ?? 'connection string');
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

/** The hint added when no password was given and the server may have asked for one. */
export const PASSWORD_HINT = 'no password was given: if the server asks for one, put it in the URL or set PGPASSWORD';

/**
 * The one-line, password-free error for a failed connection to `connectionString`; when the URL
 * and PGPASSWORD give no password and the failure may be the server asking for one, it says so.
 */
export function connectFailure(connectionString: string, error: unknown, label?: string): SchemaKitConnectionError {
  const reason = redactSecrets(
    error instanceof Error ? error.message || (error as NodeJS.ErrnoException).code || error.name : String(error),
    passwordOf(connectionString),
  );
  const noPassword = !passwordOf(connectionString) && !process.env.PGPASSWORD;
  const hint = noPassword && /password|SASL|authenticat/i.test(reason) ? `; ${PASSWORD_HINT}` : '';
  return new SchemaKitConnectionError(
    `${label ? `${label}: ` : ''}cannot connect to PostgreSQL at ${describeUrl(connectionString)}: ${reason}${hint}`,
    error,
  );
}
