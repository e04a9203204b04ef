/**
 * Keeping secrets out of output: every message schema-kit prints or throws about a connection goes
 * through these helpers, so a password in a URL never reaches a log.
 */

/**
 * The parts of a connection URL as its author meant them. A password that is not percent-encoded
 * may hold `/`, `?`, `#` or `@` (base64 passwords often do): a strict URL parser then takes its
 * start for the host and port and its end for the database. The credentials end at the last `@`
 * of the URL, whatever precedes it.
 */
function parseLeniently(connectionString: string): { user: string; password: string | undefined; rest: string } | undefined {
  const match = /^(postgres(?:ql)?:\/\/)(.*)$/is.exec(connectionString.trim());
  if (!match) return undefined;
  const body = match[2]!;
  const at = body.lastIndexOf('@');
  if (at < 0) return { user: '', password: undefined, rest: body };
  const credentials = body.slice(0, at);
  const colon = credentials.indexOf(':');
  return {
    user: colon < 0 ? credentials : credentials.slice(0, colon),
    password: colon < 0 ? undefined : credentials.slice(colon + 1),
    rest: body.slice(at + 1),
  };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Describes a connection URL as `user@host:port/database`, without its password. */
export function describeUrl(connectionString: string): string {
  const parts = parseLeniently(connectionString);
  if (!parts) return '(unparseable connection string)';
  try {
    const url = new URL(`postgresql://${parts.rest}`);
    const user = parts.user ? `${decode(parts.user)}@` : '';
    const host = url.hostname || url.searchParams.get('host') || 'localhost';
    const database = url.pathname.replace(/^\//, '');
    return `${user}${host}:${url.port || '5432'}${database ? `/${decode(database)}` : ''}`;
  } catch {
    return '(unparseable connection string)';
  }
}

/** The shortest piece of a password redacted on its own (shorter pieces would blank out ordinary text). */
const MIN_PIECE = 4;

/**
 * Replaces the password of every URL in `text` with `***`, and the `secret` itself if given, with
 * each piece of it between `/ ? # @ :` (a URL parser may have split the password there and echoed
 * a piece back, e.g. as a database name).
 */
export function redactSecrets(text: string, secret?: string): string {
  let out = text.replace(/(postgres(?:ql)?:\/\/[^:/@\s]*:)[^\s"'<>]*@/gi, '$1***@');
  if (secret) {
    const pieces = [secret, ...secret.split(/[/?#@:]/).filter((piece) => piece.length >= MIN_PIECE && piece !== secret)];
    for (const piece of pieces) out = out.split(piece).join('***');
  }
  return out;
}

/** The password of a connection URL, decoded (read up to the URL's last `@`, so a password holding
 * `/` counts whole), or `undefined` when it has none. */
export function passwordOf(connectionString: string): string | undefined {
  const password = parseLeniently(connectionString)?.password;
  return password ? decode(password) : undefined;
}
