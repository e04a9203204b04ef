import { parseArgs } from 'node:util';
import { SchemaKitValidationError } from '../errors.js';
import { MODULE_NAMES, type ModuleName } from '../modules.js';
import { validateSchemaName } from '../migrate/schema-name.js';

/** The commands the `schema-kit` CLI knows. */
export const COMMANDS = ['migrate', 'status', 'down', 'grants'] as const;

/** A parsed, validated command line. */
export interface CliArgs {
  readonly command: (typeof COMMANDS)[number] | 'help' | 'version';
  readonly databaseUrl: string | undefined;
  readonly schema: string;
  readonly modules: readonly ModuleName[] | undefined;
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly lockTimeoutMs: number | undefined;
  readonly steps: number | undefined;
  readonly exitCode: boolean;
  /** With `grants`: the runtime role to grant. */
  readonly role: string | undefined;
}

/** The text `schema-kit --help` prints. */
export const HELP = `Usage: schema-kit <command> [options]

Commands:
  migrate            apply every pending migration (the default modules: all)
  status             list migrations and their state; --exit-code fails when any is pending
  down               revert the most recent migration (--steps N for more)
  grants --role NAME grant a runtime role exactly what the repositories need (no DDL,
                     no UPDATE/DELETE/TRUNCATE on the append-only logs)

Options:
  --database-url URL   the database (else DATABASE_URL; else an embedded PostgreSQL in ./.schema-kit)
  --schema NAME        the target schema (else SCHEMA_KIT_SCHEMA; default schema_kit)
  --modules a,b        only these modules and their dependencies (${MODULE_NAMES.join(', ')})
  --dry-run            print the SQL that would run and change nothing
  --json               print one JSON document instead of text
  --lock-timeout MS    how long to wait for a concurrent migration's lock (default 60000)
  --steps N            with down: how many migrations to revert (default 1)
  --exit-code          with status: exit 3 when migrations are pending or files changed
  --role NAME          with grants: the existing role your service connects as
  -h, --help           show this help
  -v, --version        show the version
`;

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
        'dry-run': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        'lock-timeout': { type: 'string' },
        steps: { type: 'string' },
        'exit-code': { type: 'boolean', default: false },
        role: { type: 'string' },
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

  let modules: ModuleName[] | undefined;
  if (values.modules !== undefined) {
    modules = values.modules.split(',').map((m) => m.trim()).filter(Boolean) as ModuleName[];
    const unknown = modules.filter((m) => !MODULE_NAMES.includes(m));
    if (modules.length === 0 || unknown.length > 0) {
      throw new SchemaKitValidationError('--modules', `unknown module(s) ${JSON.stringify(unknown.join(','))}; known: ${MODULE_NAMES.join(', ')}`);
    }
  }
  if (values.steps !== undefined && command !== 'down') throw new SchemaKitValidationError('--steps', 'only goes with down');
  if (values['exit-code'] && command !== 'status') throw new SchemaKitValidationError('--exit-code', 'only goes with status');
  if (values.role !== undefined && command !== 'grants') throw new SchemaKitValidationError('--role', 'only goes with grants');
  if (command === 'grants' && values.role === undefined) throw new SchemaKitValidationError('--role', 'grants needs --role NAME');
  return {
    command,
    databaseUrl: values['database-url'] ?? (env.DATABASE_URL || undefined),
    schema: validateSchemaName(values.schema ?? (env.SCHEMA_KIT_SCHEMA || 'schema_kit'), '--schema'),
    modules,
    dryRun: values['dry-run'],
    json: values.json,
    lockTimeoutMs: positiveInt('--lock-timeout', values['lock-timeout'], 0),
    steps: positiveInt('--steps', values.steps, 1),
    exitCode: values['exit-code'],
    role: values.role === undefined ? undefined : validateSchemaName(values.role, '--role'),
  };
}
