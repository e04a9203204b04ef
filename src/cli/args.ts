import { parseArgs } from 'node:util';
import { SchemaKitValidationError } from '../errors.js';
import { MODULE_NAMES, type ModuleName } from '../modules.js';
import { validateSchemaName } from '../migrate/schema-name.js';
import { PARTITIONED_TABLES, type PartitionedTable } from '../modules/lifecycle/index.js';

/** The commands the `schema-kit` CLI knows. */
export const COMMANDS = ['migrate', 'status', 'down', 'grants', 'doctor', 'partitions', 'retention', 'forget'] as const;

/** A parsed, validated command line. */
export interface CliArgs {
  readonly command: (typeof COMMANDS)[number] | 'help' | 'version';
  readonly databaseUrl: string | undefined;
  readonly schema: string;
  readonly modules: readonly ModuleName[] | undefined;
  /** With migrate and status: modules to install in addition to the installed ones. */
  readonly add: readonly ModuleName[] | undefined;
  /** With down: go ahead without asking. */
  readonly yes: boolean;
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly lockTimeoutMs: number | undefined;
  readonly steps: number | undefined;
  readonly exitCode: boolean;
  /** With `grants`: the runtime role to grant; with `doctor`: the role whose privileges to check. */
  readonly role: string | undefined;
  /** With `grants`: also grant erasure (`forgetUser`). */
  readonly erasure: boolean;
  /** With `partitions`: months ahead to cover. */
  readonly ahead: number | undefined;
  /** With `retention`: the partitioned log to trim. */
  readonly table: PartitionedTable | undefined;
  /** With `retention`: drop the partitions that end at or before this time. */
  readonly before: Date | undefined;
  /** With `retention`: detach instead of dropping. */
  readonly detach: boolean;
  /** With `forget`: the user's id. */
  readonly user: string | undefined;
  /** With `forget`: other identifiers of the user in the logs. */
  readonly identifiers: readonly string[];
}

/** The text `schema-kit --help` prints. */
export const HELP = `Usage: schema-kit <command> [options]

Commands:
  migrate            upgrade the installed modules; an empty schema gets --modules, else every module
  status             installed, pending and not-installed modules; --exit-code fails when any
                     installed module has pending or changed migrations
  down               revert the most recent migration (--steps N for more); shows the tables and
                     rows it would drop and asks, or needs --yes; refuses when a host object depends on them
  grants --role NAME grant a runtime role exactly what the repositories need (no DDL,
                     no UPDATE/DELETE/TRUNCATE on the append-only logs); --erasure lets it forget users
  doctor             compare the live schema of the installed modules with the package's
                     (--role NAME: and that role's privileges with what grants gives)
  partitions         create the logs' missing monthly partitions up to --ahead N months (default 3)
  retention --table T --before TIME
                     drop (--detach: detach) the partitions of T that end at or before TIME (owner only)
  forget --user UUID forget a user across every installed module (--identifiers a,b: their other
                     ids in the logs, e.g. tg:42)

Options:
  --database-url URL   a postgres:// URL (else DATABASE_URL; else an embedded PostgreSQL in ./.schema-kit)
  --schema NAME        the target schema (else SCHEMA_KIT_SCHEMA; default schema_kit)
  --modules a,b        only these modules and their dependencies (${MODULE_NAMES.join(', ')});
                       on an installed schema they must be installed
  --add a,b            with migrate and status: install these modules (and dependencies) too
  --dry-run            print the SQL that would run and change nothing
  --json               print one JSON document instead of text
  --lock-timeout MS    how long to wait for a concurrent migration's lock (default 60000)
  --steps N            with down: how many migrations to revert (default 1)
  --yes                with down: revert without asking
  --exit-code          with status: exit 3 when migrations are pending or files changed
  --role NAME          with grants and doctor: the existing role your service connects as
  -h, --help           show this help
  -v, --version        show the version

Exit codes: 0 ok; 1 failure (connection, migration, drift found by doctor); 2 bad usage (also: down
without --yes, a module not installed); 3 status --exit-code with pending or changed migrations.
`;

function moduleList(flag: string, text: string | undefined): ModuleName[] | undefined {
  if (text === undefined) return undefined;
  const modules = text.split(',').map((m) => m.trim()).filter(Boolean) as ModuleName[];
  const unknown = modules.filter((m) => !MODULE_NAMES.includes(m));
  if (modules.length === 0 || unknown.length > 0) {
    throw new SchemaKitValidationError(flag, `unknown module(s) ${JSON.stringify(unknown.join(','))}; known: ${MODULE_NAMES.join(', ')}`);
  }
  return modules;
}

/** Refuses anything but a `postgres://` or `postgresql://` URL, naming only its scheme (never a password). */
function checkPostgresUrl(text: string, field: string): void {
  let protocol: string;
  try {
    protocol = new URL(text).protocol;
  } catch {
    throw new SchemaKitValidationError(field, 'is not a URL: expected a postgres:// or postgresql:// URL');
  }
  if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
    throw new SchemaKitValidationError(field, `is a ${JSON.stringify(protocol.slice(0, -1))} URL, not a PostgreSQL one: expected a postgres:// or postgresql:// URL`);
  }
}

function positiveInt(field: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min) throw new SchemaKitValidationError(field, `expected a whole number >= ${min}, got ${JSON.stringify(text)}`);
  return Number(text);
}

/** Parses `argv` (without node and the script) with `env` fallbacks; throws {@link SchemaKitValidationError}. */
export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        'database-url': { type: 'string' },
        schema: { type: 'string' },
        modules: { type: 'string' },
        add: { type: 'string' },
        yes: { type: 'boolean', short: 'y', default: false },
        'dry-run': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        'lock-timeout': { type: 'string' },
        steps: { type: 'string' },
        'exit-code': { type: 'boolean', default: false },
        role: { type: 'string' },
        erasure: { type: 'boolean', default: false },
        ahead: { type: 'string' },
        table: { type: 'string' },
        before: { type: 'string' },
        detach: { type: 'boolean', default: false },
        user: { type: 'string' },
        identifiers: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
  } catch (error) {
    throw new SchemaKitValidationError('arguments', (error as Error).message);
  }
  const { values, positionals } = parsed;
  const [name, ...extra] = positionals;
  if (extra.length > 0) throw new SchemaKitValidationError('arguments', `unexpected ${JSON.stringify(extra.join(' '))}`);
  let command: CliArgs['command'];
  if (values.help) command = 'help';
  else if (values.version) command = 'version';
  else if (name === undefined) command = 'help';
  else if ((COMMANDS as readonly string[]).includes(name)) command = name as CliArgs['command'];
  else throw new SchemaKitValidationError('command', `unknown command ${JSON.stringify(name)}; expected one of ${COMMANDS.join(', ')}`);

  const only = (flag: string, given: boolean, commands: readonly string[]): void => {
    if (given && !commands.includes(command)) throw new SchemaKitValidationError(flag, `only goes with ${commands.join(' and ')}`);
  };
  only('--steps', values.steps !== undefined, ['down']);
  only('--yes', values.yes, ['down']);
  only('--exit-code', values['exit-code'], ['status']);
  only('--add', values.add !== undefined, ['migrate', 'status']);
  only('--role', values.role !== undefined, ['grants', 'doctor']);
  if (command === 'grants' && values.role === undefined) throw new SchemaKitValidationError('--role', 'grants needs --role NAME');
  only('--erasure', values.erasure, ['grants']);
  only('--ahead', values.ahead !== undefined, ['partitions']);
  for (const flag of ['table', 'before'] as const) {
    only(`--${flag}`, values[flag] !== undefined, ['retention']);
    if (command === 'retention' && values[flag] === undefined) throw new SchemaKitValidationError(`--${flag}`, 'retention needs --table and --before');
  }
  only('--detach', values.detach, ['retention']);
  only('--user', values.user !== undefined, ['forget']);
  only('--identifiers', values.identifiers !== undefined, ['forget']);
  if (command === 'forget' && values.user === undefined && values.identifiers === undefined) {
    throw new SchemaKitValidationError('--user', 'forget needs --user UUID or --identifiers a,b');
  }
  if (values.table !== undefined && !(values.table in PARTITIONED_TABLES)) {
    throw new SchemaKitValidationError('--table', `expected one of ${Object.keys(PARTITIONED_TABLES).join(', ')}, got ${JSON.stringify(values.table)}`);
  }
  const before = values.before === undefined ? undefined : new Date(values.before);
  if (before && Number.isNaN(before.getTime())) throw new SchemaKitValidationError('--before', `expected a date or time, got ${JSON.stringify(values.before)}`);
  const databaseUrl = values['database-url'] ?? (env.DATABASE_URL || undefined);
  if (databaseUrl !== undefined) checkPostgresUrl(databaseUrl, values['database-url'] !== undefined ? '--database-url' : 'DATABASE_URL');
  return {
    command,
    databaseUrl,
    schema: validateSchemaName(values.schema ?? (env.SCHEMA_KIT_SCHEMA || 'schema_kit'), '--schema'),
    modules: moduleList('--modules', values.modules),
    add: moduleList('--add', values.add),
    yes: values.yes,
    dryRun: values['dry-run'],
    json: values.json,
    lockTimeoutMs: positiveInt('--lock-timeout', values['lock-timeout'], 0),
    steps: positiveInt('--steps', values.steps, 1),
    exitCode: values['exit-code'],
    role: values.role === undefined ? undefined : validateSchemaName(values.role, '--role'),
    erasure: values.erasure,
    ahead: positiveInt('--ahead', values.ahead, 0),
    table: values.table as PartitionedTable | undefined,
    before,
    detach: values.detach,
    user: values.user,
    identifiers: (values.identifiers ?? '').split(',').map((i) => i.trim()).filter(Boolean),
  };
}
