import { passwordOf, redactSecrets } from '../connection/redact.js';
import { SchemaKitError } from '../errors.js';

/**
 * Whether the user asked for a failure's details: `--verbose`, or a `DEBUG` list (as the `debug`
 * package reads it: comma or space separated, `*` wildcards, `-name` excludes) naming schema-kit.
 */
export function wantsDetails(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  if (argv.includes('--verbose')) return true;
  const names = (env.DEBUG ?? '').split(/[\s,]+/).filter(Boolean);
  const matches = (name: string): boolean =>
    new RegExp(`^${name.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test('schema-kit');
  return names.some((n) => !n.startsWith('-') && matches(n)) && !names.some((n) => n.startsWith('-') && matches(n.slice(1)));
}

/** The exit code of a failure: 2 when the command line asked for something it must not, else 1. */
export function failureExitCode(code: string): number {
  return ['usage', 'validation', 'not_installed', 'confirmation_required'].includes(code) ? 2 : 1;
}

/** `error` as a {@link SchemaKitError}: itself, a package that did not load, or an unexpected failure. */
function asSchemaKitError(error: unknown): SchemaKitError {
  if (error instanceof SchemaKitError) return error;
  const message = error instanceof Error ? error.message || error.name : String(error);
  if ((error as NodeJS.ErrnoException | undefined)?.code === 'ERR_MODULE_NOT_FOUND') {
    return new SchemaKitError('missing_dependency', `a dependency did not load: ${message}`, { cause: error });
  }
  return new SchemaKitError('unexpected', `unexpected failure: ${message}`, { cause: error });
}

const HINTS: Record<string, string> = {
  connection: 'check the URL (--database-url or DATABASE_URL) and that the server is up; --verbose shows the driver\'s error',
  embedded_unavailable: 'pass --database-url to use a PostgreSQL of your own; --verbose shows why the embedded one failed',
  missing_dependency: 'install schema-kit with its peers: npm install schema-kit kysely pg',
  lock_timeout: 'another migration holds the lock: wait for it to finish, or raise --lock-timeout',
  checksum_mismatch: 'schema-kit status shows the state of each migration',
  missing_migration: 'schema-kit status shows the state of each migration',
  database_ahead: 'schema-kit status shows the state of each migration',
  invalid_migration: 'a migration file has -- schema-kit:up, then its SQL, then -- schema-kit:down and the SQL that reverts it',
  migration_failed: 'nothing of that migration was applied: fix the cause and run again; --verbose shows the database\'s error',
  not_installed: 'schema-kit status lists the installed modules',
  down_blocked: 'drop or change the objects named above first, or revert fewer steps',
  confirmation_required: 'run again with --yes to go ahead (--dry-run shows the SQL)',
  unexpected: 'this is a bug in schema-kit or a state it did not foresee: run again with --verbose and report the stack',
  timeout: 'a limit ran out and nothing took effect: run it again (end long or idle transactions first)',
  serialization_failure: 'the transaction lost a race and was rolled back: run it again',
  contention: 'it lost a race with concurrent work and wrote nothing: run it again',
  outcome_unknown: 'the server may or may not have done it: check the state (schema-kit status) before running it again',
  permission_denied: 'connect as the owner, or grant the role what it lacks (schema-kit grants --help)',
  user_forgotten: 'the write names a user forgetUser forgot: it stays refused (docs/lifecycle.md)',
};

/** The hint line for a failure with `code`, during `command` when known. */
export function hintFor(code: string, command: string | undefined): string {
  if (code === 'usage' || code === 'validation') return `see schema-kit ${command && command !== 'help' ? `${command} ` : ''}--help`;
  return HINTS[code] ?? 'run again with --verbose for details';
}

/** The stack of `error` and of each of its causes (and an AggregateError's errors), for `--verbose`. */
function details(error: unknown): string[] {
  const lines: string[] = [];
  const seen = new Set<unknown>();
  const walk = (current: unknown, label: string): void => {
    if (current === undefined || seen.has(current)) return;
    seen.add(current);
    lines.push(`${label}${current instanceof Error ? (current.stack ?? `${current.name}: ${current.message}`) : String(current)}`);
    if (current instanceof AggregateError) current.errors.forEach((e) => walk(e, 'one of: '));
    if (current instanceof Error) walk(current.cause, 'caused by: ');
  };
  walk(error, '');
  return lines;
}

/** What the CLI writes: every line redacted, the failures in one shape, one JSON document at most. */
export interface Reporter {
  /** `--json` was given: stdout holds one JSON document, whatever the outcome. */
  readonly json: boolean;
  /** `--verbose` or `DEBUG=schema-kit`: failures come with their stack and causes. */
  readonly verbose: boolean;
  /** Prints a line on stdout. */
  out(line: string): void;
  /** Prints a line on stderr. */
  err(line: string): void;
  /** Prints the `--json` document on stdout. */
  document(doc: Record<string, unknown>): void;
  /**
   * Reports `error` and returns the exit code: with `--json`, as the document (`fields` and
   * `error: { code, message, hint }`) unless one was printed; else as `schema-kit: <message>` and
   * `hint: ...` on stderr. The stack and causes follow on stderr when details were asked for.
   */
  fail(error: unknown, command: string | undefined, fields?: Record<string, unknown>): number;
}

/** The reporter of one run of the CLI with `argv` and `env`. */
export function createReporter(argv: readonly string[], env: NodeJS.ProcessEnv): Reporter {
  const secret = passwordOf(argv[argv.indexOf('--database-url') + 1] ?? '') ?? passwordOf(env.DATABASE_URL ?? '');
  const write = (stream: NodeJS.WriteStream, line: string): void => void stream.write(`${redactSecrets(line, secret)}\n`);
  const json = argv.includes('--json');
  const verbose = wantsDetails(argv, env);
  let documented = false;
  const reporter: Reporter = {
    json,
    verbose,
    out: (line) => write(process.stdout, line),
    err: (line) => write(process.stderr, line),
    document(doc) {
      documented = true;
      reporter.out(JSON.stringify(doc, null, 2));
    },
    fail(error, command, fields = { command }) {
      const failure = asSchemaKitError(error);
      const shown = { code: failure.code, message: failure.message.replace(/\s*\n\s*/g, ' '), hint: hintFor(failure.code, command) };
      if (json && !documented) reporter.document({ ...fields, ok: false, error: shown });
      else [`schema-kit: ${shown.message}`, `hint: ${shown.hint}`].forEach(reporter.err);
      if (verbose) details(error).forEach(reporter.err);
      return failureExitCode(failure.code);
    },
  };
  return reporter;
}
