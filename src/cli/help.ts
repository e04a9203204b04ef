import type { ParseArgsConfig } from 'node:util';
import { MODULE_NAMES, MODULES, PARTITIONED_TABLES } from '../modules.js';

/** The months ahead the partitioned logs declare (`monthsAhead`), as the default of `--ahead`. */
const MONTHS_AHEAD = [...new Set(MODULES.flatMap((m) => m.partitionedLogs.map((l) => l.monthsAhead)))].join(' or ');

/** The options of the `schema-kit` CLI, as `parseArgs` reads them. */
export const OPTIONS = {
  'database-url': { type: 'string' },
  schema: { type: 'string' },
  modules: { type: 'string' },
  add: { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  'lock-timeout': { type: 'string' },
  'ddl-lock-timeout': { type: 'string' },
  'ddl-retries': { type: 'string' },
  steps: { type: 'string' },
  yes: { type: 'boolean', short: 'y', default: false },
  uninstall: { type: 'boolean', default: false },
  'exit-code': { type: 'boolean', default: false },
  role: { type: 'string' },
  also: { type: 'string', multiple: true },
  allow: { type: 'string', multiple: true },
  erasure: { type: 'boolean', default: false },
  ahead: { type: 'string' },
  table: { type: 'string' },
  before: { type: 'string' },
  detach: { type: 'boolean', default: false },
  user: { type: 'string' },
  identifiers: { type: 'string' },
  'max-lag': { type: 'string' },
  json: { type: 'boolean', default: false },
  verbose: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', short: 'v', default: false },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/** The name of one option, without its dashes. */
export type OptionName = keyof typeof OPTIONS;

/** Each option as the help shows it: the flag as typed, and what it does. */
const OPTION_HELP: Record<OptionName, readonly [flag: string, text: string]> = {
  'database-url': ['--database-url URL', 'a postgres:// URL (else DATABASE_URL; else an embedded PostgreSQL in ./.schema-kit)'],
  schema: ['--schema NAME', 'the target schema (else SCHEMA_KIT_SCHEMA; default schema_kit)'],
  modules: ['--modules a,b', `only these modules and their dependencies (${MODULE_NAMES.join(', ')}); on an installed schema they must be installed`],
  add: ['--add a,b', 'install these modules (and their dependencies) too'],
  'dry-run': ['--dry-run', 'print the SQL that would run and change nothing'],
  'lock-timeout': ['--lock-timeout MS', "how long to wait for a concurrent migration's lock (default 60000)"],
  'ddl-lock-timeout': ['--ddl-lock-timeout MS', 'lock_timeout of each migration statement: past it the step gives up and is retried, so the host\'s writes never queue behind it (default 2000)'],
  'ddl-retries': ['--ddl-retries N', 'tries of a migration step that lost a lock race (lock timeout, deadlock) before the migration fails (default 10)'],
  steps: ['--steps N', 'how many migrations to revert (default 1)'],
  yes: ['-y, --yes', 'revert without asking'],
  uninstall: ['--uninstall', 'also uninstall the modules left with no applied migration (else the next migrate re-applies them)'],
  'exit-code': ['--exit-code', 'exit 3 when an installed module has pending or changed migrations'],
  role: ['--role NAME', 'the existing role your service connects as'],
  allow: ['--allow OBJECT', "an object you added on purpose, e.g. users.users_seen_idx (repeat for more): with any --allow, an addition not listed is drift"],
  also: ['--also SCHEMA.TABLE', "one of your own tables the role uses, e.g. public.orders (repeat for more): granted (grants) or checked (doctor --role) like schema-kit's"],
  erasure: ['--erasure', 'also let the role forget users'],
  ahead: ['--ahead N', `months ahead to cover (default ${MONTHS_AHEAD})`],
  table: ['--table T', `the partitioned log: ${Object.keys(PARTITIONED_TABLES).join(' or ')}`],
  before: ['--before TIME', 'remove the partitions that end at or before this date or time'],
  detach: ['--detach', 'detach the partitions (to archive them) instead of dropping them'],
  user: ['--user UUID', "the user's id"],
  identifiers: ['--identifiers a,b', 'how the logs name the user besides their id, e.g. tg:42'],
  'max-lag': ['--max-lag N', 'exit 3 when a consumer is more than N seconds behind the end of the feed (a health check)'],
  json: ['--json', 'print one JSON document on stdout, whatever the outcome'],
  verbose: ['--verbose', 'print each migration, lifecycle step and repository call as it ends, one line each; on failure, also the stack and causes (so does DEBUG=schema-kit)'],
  help: ['-h, --help', 'show help (schema-kit help <command>: a command\'s own)'],
  version: ['-v, --version', 'show the version'],
};

/** One command's help: what the command list says and what `schema-kit help <command>` prints. */
interface CommandHelp {
  /** The synopsis, after `schema-kit `. */
  readonly usage: string;
  /** What it does, in one line. */
  readonly summary: string;
  /** The options it takes besides {@link COMMON_OPTIONS}. */
  readonly options: readonly OptionName[];
  /** Its exit codes, one line each (`0 ...`). */
  readonly exits: readonly string[];
  readonly example: string;
}

/** The options every command that works on a database takes. */
const COMMON_OPTIONS: readonly OptionName[] = ['database-url', 'schema', 'json', 'verbose'];
const USAGE_EXIT = '2 bad usage (an unknown option, a missing value, a URL that is not PostgreSQL\'s)';
const CONNECTION = 'the database did not answer or refused the connection (within 5 s)';
const CONNECTION_EXIT = `1 ${CONNECTION}`;

/** Every command of the CLI, in the order the help lists them. */
export const COMMAND_HELP = {
  migrate: {
    usage: 'migrate [--modules a,b] [--add a,b] [--dry-run] [--lock-timeout MS] [--ddl-lock-timeout MS] [--ddl-retries N]',
    summary: 'upgrade the installed modules; an empty schema gets --modules, else every module',
    options: ['modules', 'add', 'dry-run', 'lock-timeout', 'ddl-lock-timeout', 'ddl-retries'],
    exits: [
      '0 applied, or nothing to do',
      `${CONNECTION_EXIT}; a migration failed (nothing of it applied); the lock was not free in time; applied files changed`,
      `${USAGE_EXIT}; --modules names a module that is not installed (install it with --add)`,
    ],
    example: 'schema-kit migrate --database-url postgres://app@localhost/app --modules core,audit',
  },
  status: {
    usage: 'status [--modules a,b] [--add a,b] [--exit-code]',
    summary: 'installed, pending and not-installed modules and each migration\'s state',
    options: ['modules', 'add', 'exit-code'],
    exits: ['0 listed (without --exit-code, whatever is pending)', `${CONNECTION_EXIT}; the history cannot be read`, USAGE_EXIT, '3 with --exit-code: migrations pending or changed'],
    example: 'schema-kit status --exit-code',
  },
  down: {
    usage: 'down [--steps N] [--yes] [--uninstall] [--dry-run] [--modules a,b] [--lock-timeout MS] [--ddl-lock-timeout MS] [--ddl-retries N]',
    summary: 'revert the newest migration(s): shows the tables and rows it would drop, asks or needs --yes',
    options: ['steps', 'yes', 'uninstall', 'dry-run', 'modules', 'lock-timeout', 'ddl-lock-timeout', 'ddl-retries'],
    exits: [
      '0 reverted, or nothing to revert',
      `${CONNECTION_EXIT}; an object outside the schema depends on a table it would drop; a down failed (rolled back)`,
      `${USAGE_EXIT}; without --yes and no terminal to ask on, or the answer was no (nothing changed)`,
    ],
    example: 'schema-kit down --steps 2 --yes',
  },
  grants: {
    usage: 'grants --role NAME [--also SCHEMA.TABLE]... [--erasure] [--dry-run]',
    summary: 'grant a runtime role exactly what the repositories need (no DDL, append-only logs stay so)',
    options: ['role', 'also', 'erasure', 'dry-run'],
    exits: ['0 granted', `${CONNECTION_EXIT}; the role does not exist`, `${USAGE_EXIT}; no --role`],
    example: 'schema-kit grants --role app_runtime --dry-run',
  },
  doctor: {
    usage: 'doctor [--role NAME [--also SCHEMA.TABLE]...] [--allow OBJECT]...',
    summary: "compare the live schema of the installed modules (and a role's privileges) with the package's; report your additions",
    options: ['role', 'also', 'allow'],
    exits: ['0 no drift', `1 drift found (one line per difference); ${CONNECTION}`, USAGE_EXIT],
    example: 'schema-kit doctor --role app_runtime',
  },
  lint: {
    usage: 'lint [dir]',
    summary: "check migration files for statements that stop the host's writes on existing tables (default: schema-kit's own); reads no database",
    options: ['json', 'verbose'],
    exits: [
      '0 no finding, or each allowed by a -- schema-kit:lock-heavy <reason> marker',
      '1 a finding not allowed (one line each: file:line rule message); a file without -- schema-kit:up and -- schema-kit:down',
      `${USAGE_EXIT}; dir is not a folder`,
    ],
    example: 'schema-kit lint db/migrations',
  },
  partitions: {
    usage: 'partitions [--ahead N]',
    summary: `create the logs' missing monthly partitions up to --ahead N months (default ${MONTHS_AHEAD})`,
    options: ['ahead'],
    exits: ['0 created (or none missing)', CONNECTION_EXIT, USAGE_EXIT],
    example: 'schema-kit partitions --ahead 6',
  },
  retention: {
    usage: 'retention --table T --before TIME [--detach]',
    summary: 'drop (--detach: detach) the partitions of T that end at or before TIME (owner only)',
    options: ['table', 'before', 'detach'],
    exits: ['0 dropped or detached (maybe none)', `${CONNECTION_EXIT}; not the owner`, `${USAGE_EXIT}; no --table or --before`],
    example: 'schema-kit retention --table event_log --before 2025-01-01',
  },
  forget: {
    usage: 'forget --user UUID [--identifiers a,b]',
    summary: 'forget a user across every installed module (their ids in the logs become a pseudonym)',
    options: ['user', 'identifiers'],
    exits: ['0 forgotten', CONNECTION_EXIT, `${USAGE_EXIT}; neither --user nor --identifiers`],
    example: 'schema-kit forget --user 0b9c5e3a-0000-4000-8000-000000000000 --identifiers tg:42',
  },
  consumers: {
    usage: 'consumers [--max-lag N]',
    summary: 'list the durable feed consumers: position, events and seconds behind, mode, last error, active',
    options: ['max-lag'],
    exits: ['0 listed (none past --max-lag)', CONNECTION_EXIT, USAGE_EXIT, '3 with --max-lag N: a consumer is more than N seconds behind'],
    example: 'schema-kit consumers --max-lag 60 --json',
  },
  'prune-sessions': {
    usage: 'prune-sessions',
    summary: 'delete the expired bot sessions (sessions module), in bounded batches',
    options: [],
    exits: ['0 pruned (maybe none)', `${CONNECTION_EXIT}; the sessions module is not installed`, USAGE_EXIT],
    example: 'schema-kit prune-sessions --json',
  },
  help: {
    usage: 'help [command]',
    summary: "show this help, or a command's usage, options, exit codes and an example",
    options: ['json', 'verbose'],
    exits: ['0 shown', '2 no such command'],
    example: 'schema-kit help down',
  },
} as const satisfies Record<string, CommandHelp>;

/** A command of the CLI, `help` included. */
export type CommandName = keyof typeof COMMAND_HELP;

/** The commands, in the order the help lists them. */
export const COMMAND_NAMES = Object.keys(COMMAND_HELP) as CommandName[];

/** The options `command` takes: its own, the common ones (but for `help` and `lint`, which use no database), and `--help`. */
export function optionsOf(command: CommandName): readonly OptionName[] {
  const own: readonly OptionName[] = COMMAND_HELP[command].options;
  return [...own, ...(command === 'help' || command === 'lint' ? [] : COMMON_OPTIONS), 'help'];
}

function table(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`);
}

/** The text of `schema-kit --help`: the commands, every option, the exit codes. */
export function generalHelp(): string {
  return [
    'Usage: schema-kit <command> [options]',
    '',
    'Commands:',
    ...table(COMMAND_NAMES.map((name) => [name, COMMAND_HELP[name].summary])),
    '',
    'Options:',
    ...table(Object.values(OPTION_HELP)),
    '',
    'Exit codes: 0 ok; 1 failure (connection, migration, drift found by doctor, a finding lint does not allow);',
    '2 bad usage (also: down without --yes, a module not installed); 3 status --exit-code with pending or',
    'changed migrations, consumers --max-lag with a consumer behind more.',
    'A failure prints one line with the error and one with a hint; --verbose adds the stack.',
    '',
    "Run 'schema-kit help <command>' (or 'schema-kit <command> --help') for a command's options, exit codes and an example.",
  ].join('\n');
}

/** The text of `schema-kit help <command>`: usage, options, exit codes, an example. */
export function commandHelp(command: CommandName): string {
  const help: CommandHelp = COMMAND_HELP[command];
  return [
    `Usage: schema-kit ${help.usage}`,
    '',
    `${help.summary[0]!.toUpperCase()}${help.summary.slice(1)}.`,
    '',
    'Options:',
    ...table(optionsOf(command).map((option) => OPTION_HELP[option])),
    '',
    'Exit codes:',
    ...help.exits.map((line) => `  ${line}`),
    '',
    'Example:',
    `  ${help.example}`,
  ].join('\n');
}
