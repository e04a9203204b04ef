import { parseArgs } from 'node:util';
import { SchemaKitValidationError } from '../errors.js';
import { MODULE_NAMES, type ModuleName } from '../modules.js';
import { COMMAND_NAMES, OPTIONS, optionsOf, type CommandName, type OptionName } from './help.js';
import { validateSchemaName } from '../migrate/schema-name.js';
import { PARTITIONED_TABLES, type PartitionedTable } from '../modules.js';

/** A parsed, validated command line. */
export interface CliArgs {
  readonly command: CommandName | 'version';
  /** With `help`: the command to explain; undefined for the general help. */
  readonly topic: CommandName | undefined;
  readonly databaseUrl: string | undefined;
  readonly schema: string;
  readonly modules: readonly ModuleName[] | undefined;
  /** With migrate and status: modules to install in addition to the installed ones. */
  readonly add: readonly ModuleName[] | undefined;
  /** With down: go ahead without asking. */
  readonly yes: boolean;
  /** With down: modules left with no applied migration leave the intended set. */
  readonly uninstall: boolean;
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly lockTimeoutMs: number | undefined;
  /** With migrate and down: the `lock_timeout` of each migration statement. */
  readonly ddlLockTimeoutMs: number | undefined;
  /** With migrate and down: tries of a step that lost a lock race. */
  readonly ddlRetries: number | undefined;
  readonly steps: number | undefined;
  readonly exitCode: boolean;
  /** With `grants`: the runtime role to grant; with `doctor`: the role whose privileges to check. */
  readonly role: string | undefined;
  /** With `grants` and `doctor --role`: the host's own tables (`public.orders`) to grant or check too. */
  readonly also: readonly string[];
  /** With `doctor`: the additions the host made on purpose; any makes the others drift. */
  readonly allow: readonly string[];
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
  /** With `consumers`: the seconds behind past which it exits 3. */
  readonly maxLag: number | undefined;
  /** With `lint`: the folder of migrations to lint; undefined for schema-kit's own. */
  readonly directory: string | undefined;
}

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

/** The arguments of `help` and `version`, which run nothing: every option at its default. */
const NOTHING_TO_RUN = {
  databaseUrl: undefined,
  schema: 'schema_kit',
  modules: undefined,
  add: undefined,
  yes: false,
  uninstall: false,
  dryRun: false,
  lockTimeoutMs: undefined,
  ddlLockTimeoutMs: undefined,
  ddlRetries: undefined,
  steps: undefined,
  exitCode: false,
  role: undefined,
  also: [],
  allow: [],
  erasure: false,
  ahead: undefined,
  table: undefined,
  before: undefined,
  detach: false,
  user: undefined,
  identifiers: [],
  maxLag: undefined,
  directory: undefined,
} as const satisfies Omit<CliArgs, 'command' | 'topic' | 'json'>;

/** Parses `argv` (without node and the script) with `env` fallbacks; throws {@link SchemaKitValidationError}. */
export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: OPTIONS });
  } catch (error) {
    throw new SchemaKitValidationError('arguments', (error as Error).message);
  }
  const { values, positionals } = parsed;
  const [name, ...extra] = positionals;
  /** `word` as a command: undefined when absent; a word that names none is bad usage. */
  const known = (word: string | undefined): CommandName | undefined => {
    if (word === undefined || (COMMAND_NAMES as readonly string[]).includes(word)) return word as CommandName | undefined;
    throw new SchemaKitValidationError('command', `unknown command ${JSON.stringify(word)}; expected one of ${COMMAND_NAMES.join(', ')}`);
  };
  const asked = known(name);
  // `help X`, `X --help`: X's help; `help --help`: help's own
  const topic = asked === 'help' ? (known(extra.shift()) ?? (values.help ? 'help' : undefined)) : values.help ? asked : undefined;
  const directory = asked === 'lint' ? extra.shift() : undefined;
  if (extra.length > 0) throw new SchemaKitValidationError('arguments', `unexpected ${JSON.stringify(extra.join(' '))}`);
  const command: CliArgs['command'] = values.help ? 'help' : values.version ? 'version' : (asked ?? 'help');

  // help and version run nothing: they take any option and read no value (a bad DATABASE_URL
  // must not stand between a user and the help)
  if (command === 'help' || command === 'version') return { ...NOTHING_TO_RUN, command, topic, json: values.json };
  const takes = optionsOf(command);
  for (const [option, value] of Object.entries(values) as [OptionName, unknown][]) {
    if (value === undefined || value === false || takes.includes(option)) continue;
    const commands = COMMAND_NAMES.filter((c) => c !== 'help' && optionsOf(c).includes(option));
    throw new SchemaKitValidationError(`--${option}`, `only goes with ${commands.join(', ')}`);
  }
  // lint reads files, not a database: no URL to read or check
  if (command === 'lint') return { ...NOTHING_TO_RUN, command, topic, json: values.json, directory };
  if (command === 'grants' && values.role === undefined) throw new SchemaKitValidationError('--role', 'grants needs --role NAME');
  if (command === 'doctor' && values.also !== undefined && values.role === undefined) {
    throw new SchemaKitValidationError('--also', 'doctor checks the --also tables with --role NAME');
  }
  for (const flag of ['table', 'before'] as const) {
    if (command === 'retention' && values[flag] === undefined) throw new SchemaKitValidationError(`--${flag}`, 'retention needs --table and --before');
  }
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
    topic,
    databaseUrl,
    schema: validateSchemaName(values.schema ?? (env.SCHEMA_KIT_SCHEMA || 'schema_kit'), '--schema'),
    modules: moduleList('--modules', values.modules),
    add: moduleList('--add', values.add),
    yes: values.yes,
    uninstall: values.uninstall,
    dryRun: values['dry-run'],
    json: values.json,
    lockTimeoutMs: positiveInt('--lock-timeout', values['lock-timeout'], 0),
    ddlLockTimeoutMs: positiveInt('--ddl-lock-timeout', values['ddl-lock-timeout'], 1),
    ddlRetries: positiveInt('--ddl-retries', values['ddl-retries'], 1),
    steps: positiveInt('--steps', values.steps, 1),
    exitCode: values['exit-code'],
    role: values.role === undefined ? undefined : validateSchemaName(values.role, '--role'),
    also: values.also ?? [],
    allow: values.allow ?? [],
    erasure: values.erasure,
    ahead: positiveInt('--ahead', values.ahead, 0),
    table: values.table as PartitionedTable | undefined,
    before,
    detach: values.detach,
    user: values.user,
    identifiers: (values.identifiers ?? '').split(',').map((i) => i.trim()).filter(Boolean),
    maxLag: positiveInt('--max-lag', values['max-lag'], 0),
    directory: undefined,
  };
}
