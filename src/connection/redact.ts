/**
 * Keeping secrets out of output: every message schema-kit prints or throws about a connection goes
 * through these helpers, so a password in a URL never reaches a log.
 */

/** Describes a connection URL as `user@host:port/database`, without its password. */
export function describeUrl(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    const user = url.username ? `${decodeURIComponent(url.username)}@` : '';
    const host = url.hostname || url.searchParams.get('host') || 'localhost';
    const database = url.pathname.replace(/^\//, '');
    return `${user}${host}:${url.port || '5432'}${database ? `/${database}` : ''}`;
  } catch {
    return '(unparseable connection string)';
  }
}

/** Replaces the password of every URL in `text` with `***`, and the `secret` itself if given. */
export function redactSecrets(text: string, secret?: string): string {
  let out = text.replace(/(postgres(?:ql)?:\/\/[^:/@\s]*:)[^@\s]*@/gi, '$1***@');
  if (secret) out = out.split(secret).join('***');
  return out;
}

/** The password of a connection URL, decoded, or `undefined` when it has none. */
export function passwordOf(connectionString: string): string | undefined {
  try {
    const password = new URL(connectionString).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}
