import pg from 'pg';
import { SchemaKitError } from '../errors.js';
import { passwordOf, redactSecrets } from './redact.js';

/** How long the testing kit waits for a server to connect and authenticate, by default. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * Checks that `url` is a `postgres://` or `postgresql://` URL node-postgres can use, and returns
 * it. Otherwise throws a `configuration` {@link SchemaKitError} naming `label` (the option or
 * variable it came from, e.g. `'target.url'` or `'TEST_DATABASE_URL'`), with the password masked
 * in the message and in the cause (a URL parser's own error carries the whole input).
 */
export function checkConnectionUrl(url: unknown, label: string): string {
  const refuse = (reason: string, error?: unknown): never => {
    const text = typeof url === 'string' ? redactSecrets(url, passwordOf(url)) : typeof url;
    const cause = error instanceof Error
      ? Object.assign(new Error(redactSecrets(error.message, typeof url === 'string' ? passwordOf(url) : undefined)), {
          name: error.name,
          code: (error as NodeJS.ErrnoException).code,
        })
      : undefined;
    throw new SchemaKitError('configuration', `${label} is not a usable PostgreSQL URL (${text}): ${reason}`, cause ? { cause } : undefined);
  };
  if (typeof url !== 'string' || url.trim() === '') return refuse('expected a postgres:// or postgresql:// URL');
  if (!/^postgres(?:ql)?:\/\//i.test(url.trim())) {
    // not a PostgreSQL URL: its secret cannot be located, so none of it is shown but the scheme
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url.trim())?.[1];
    throw new SchemaKitError('configuration', `${label} is not a usable PostgreSQL URL (${scheme ? `a ${scheme}: URL` : 'no URL scheme'}): expected a postgres:// or postgresql:// URL`);
  }
  try {
    new URL(url);
    new pg.Client({ connectionString: url }); // parses the URL as node-postgres will; opens nothing
  } catch (error) {
    return refuse('it does not parse as a URL (a password with reserved characters must be percent-encoded)', error);
  }
  return url;
}

/** Checks a timeout option: a whole number of milliseconds, 1 or more. */
export function checkTimeout(value: unknown, label: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new SchemaKitError('configuration', `${label} must be a whole number of milliseconds, 1 or more`);
  }
  return value;
}
