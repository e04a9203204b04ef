import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { resolveModules } from '../../src/migrate/catalog.js';
import { SHIPPED_CATALOG } from '../../src/shipped.js';
import { HANG_LIMIT_MS } from './wait.js';

/** The built CLI: `npm test` builds before running vitest. */
export const CLI_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli.js');

/** What one run of the CLI produced. */
export interface CliRun {
  /** The exit code, or `null` when the process was killed (by the hang guard). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options for {@link runCli}. */
export interface RunCliOptions {
  /** Variables added to a clean environment (no DATABASE_URL or SCHEMA_KIT_* inherited). */
  readonly env?: Record<string, string | undefined>;
  readonly cwd?: string;
  /** Kill the process if it runs this long: a hang guard, not a budget; default {@link HANG_LIMIT_MS}. */
  readonly timeoutMs?: number;
  /** Close the reading end of stdout after the first chunk, as `schema-kit ... | head -1` does. */
  readonly closeStdoutEarly?: boolean;
  /** The CLI script to run; default {@link CLI_PATH}. */
  readonly script?: string;
}

/** The parent environment without anything that would steer the CLI. */
function baseEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  for (const key of Object.keys(env)) if (key.startsWith('SCHEMA_KIT_')) delete env[key];
  return env;
}

/** Runs `node dist/cli.js ...args` (never through a shell) and collects its output. */
export function runCli(args: readonly string[], options: RunCliOptions = {}): Promise<CliRun> {
  const script = options.script ?? CLI_PATH;
  if (!existsSync(script)) throw new Error(`${script} is missing: run \`npm run build\` first`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: { ...baseEnv(), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (options.closeStdoutEarly) child.stdout.destroy();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? HANG_LIMIT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The non-empty lines of `text`. */
export function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

/** A failure's stderr: `schema-kit: <message>` and `hint: ...`, as the CLI prints every failure. */
export interface FailureLines {
  readonly error: string;
  readonly hint: string;
}

/** Splits the stderr of a failed run into its two lines; throws unless it is exactly those. */
export function failureOf(stderr: string): FailureLines {
  const [error, hint, ...rest] = lines(stderr);
  if (!error?.startsWith('schema-kit: ') || !hint?.startsWith('hint: ') || rest.length > 0) {
    throw new Error(`expected "schema-kit: ..." and "hint: ..." on stderr, got:\n${stderr}`);
  }
  return { error, hint };
}

/** One migration schema-kit ships, with the tables its up creates. */
export interface ShippedMigration {
  readonly module: string;
  readonly name: string;
  /** `module/name`, as the history and the progress lines show it. */
  readonly key: string;
  readonly tables: readonly string[];
}

/** The shipped migrations of `modules` (default: all) and their dependencies, in the order they apply. */
export function shippedMigrations(modules?: readonly string[]): ShippedMigration[] {
  return resolveModules(SHIPPED_CATALOG, modules).flatMap((module) =>
    module.migrations.map((m) => ({
      module: m.module,
      name: m.name,
      key: `${m.module}/${m.name}`,
      tables: [...m.up.matchAll(/create\s+table\s+(?:if\s+not\s+exists\s+)?:SCHEMA_KIT_SCHEMA\.(\w+)/gi)].map((match) => match[1] as string),
    })),
  );
}

/** The tables of `schema` (partitioned ones by their parent), sorted. */
export async function tablesIn(pool: pg.Pool, schema: string): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and c.relkind in ('r', 'p') and not c.relispartition order by 1`,
    [schema],
  );
  return rows.map((r) => r.name);
}

/** Whether `schema` exists. */
export async function schemaExists(pool: pg.Pool, schema: string): Promise<boolean> {
  const { rows } = await pool.query('select 1 from pg_namespace where nspname = $1', [schema]);
  return rows.length > 0;
}

/** The `module/name` of every migration recorded in `schema`'s history, in the order applied. */
export async function historyIn(pool: pg.Pool, schema: string): Promise<string[]> {
  const { rows } = await pool.query<{ key: string }>(
    `select module || '/' || name as key from "${schema.replace(/"/g, '""')}".schema_kit_migrations order by id`,
  );
  return rows.map((r) => r.key);
}

/** The progress lines (`  ✓ module/name up (12 ms)`) of a run's stdout, as `module/name`. */
export function progressKeys(stdout: string, mark = '✓', direction = 'up'): string[] {
  const pattern = new RegExp(`^ {2}${mark} (\\w+/\\w+) ${direction} \\((?:\\d+ ms|\\d+\\.\\d{2} s)\\)$`);
  return lines(stdout).flatMap((line) => pattern.exec(line)?.[1] ?? []);
}
