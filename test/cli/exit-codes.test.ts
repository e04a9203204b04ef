import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../src/embedded/start-embedded.js';
import { EMBEDDED_DIR } from '../../src/cli/connect.js';
import { runCli } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/database.js';
import { tempFolder } from '../helpers/temp.js';
import { HANG_LIMIT_MS } from '../helpers/wait.js';

/** One process run: what to prepare in the database first, the arguments, and the exit code. */
interface Case {
  readonly name: string;
  readonly prepare?: string;
  readonly args: readonly string[];
  readonly code: number;
}

const ROLE = 'sk_exit_codes_runtime';
/** A folder of host migrations for `lint`, absolute: the embedded runs start elsewhere. */
const LINT_FIXTURES = (name: string): string => join(process.cwd(), 'test', 'fixtures', 'lint', name);

/**
 * Every exit code of every command, in an order where each run finds the state the ones before
 * left: 0 success, 1 failure, 2 bad usage (or a refusal that needs the user), 3 pending.
 */
const CASES: readonly Case[] = [
  { name: 'status: pending on an empty schema', args: ['status', '--exit-code'], code: 3 },
  { name: 'status: bad usage', args: ['status', '--steps', '1'], code: 2 },
  { name: 'migrate: installs the named modules', args: ['migrate', '--modules', 'core,audit'], code: 0 },
  { name: 'migrate: bad usage', args: ['migrate', '--exit-code'], code: 2 },
  { name: 'migrate: a module not installed, without --add', args: ['migrate', '--modules', 'telegram'], code: 2 },
  { name: 'status: up to date', args: ['status', '--exit-code'], code: 0 },
  {
    name: 'status: an unreadable history',
    prepare: 'create schema broken; create table broken.schema_kit_migrations (id int)',
    args: ['status', '--schema', 'broken'],
    code: 1,
  },
  { name: 'doctor: no drift', args: ['doctor'], code: 0 },
  { name: 'doctor: bad usage', args: ['doctor', '--yes'], code: 2 },
  { name: 'down: needs --yes', args: ['down'], code: 2 },
  { name: 'down: with --yes', args: ['down', '--yes'], code: 0 },
  { name: 'grants: no such role', args: ['grants', '--role', 'sk_no_such_role'], code: 1 },
  { name: 'grants: bad usage', args: ['grants'], code: 2 },
  { name: 'grants: granted', prepare: `drop role if exists ${ROLE}; create role ${ROLE}`, args: ['grants', '--role', ROLE], code: 0 },
  {
    name: 'migrate: a failing migration',
    prepare: 'create table schema_kit.guides (id int)',
    args: ['migrate', '--add', 'telegram'],
    code: 1,
  },
  { name: 'doctor: drift', prepare: 'alter table schema_kit.users add column nickname text', args: ['doctor'], code: 1 },
  {
    name: 'down: blocked by a host foreign key',
    prepare: 'create table public.orders (user_id uuid references schema_kit.users (id))',
    args: ['down', '--yes', '--steps', '99'], // down to core, whatever the number of migrations above it
    code: 1,
  },
  { name: 'lint: every finding allowed', args: ['lint', LINT_FIXTURES('online')], code: 0 },
  { name: 'lint: a finding not allowed', args: ['lint', LINT_FIXTURES('blocking')], code: 1 },
  { name: 'lint: no such folder', args: ['lint', LINT_FIXTURES('nosuch')], code: 2 },
  { name: 'help', args: ['--help'], code: 0 },
  { name: 'unknown command', args: ['frobnicate'], code: 2 },
];

/** A hang guard for one run of every case (some twenty CLI processes, one after another): not a budget. */
const CASES_LIMIT_MS = 5 * HANG_LIMIT_MS;

async function runCases(run: (c: Case) => Promise<{ code: number | null; stderr: string }>): Promise<void> {
  for (const c of CASES) {
    const result = await run(c);
    expect(result.code, `${c.name}: ${result.stderr}`).toBe(c.code);
  }
}

describe('exit codes, on every path', () => {
  const database = useTestDatabase();

  it('with a database URL', async () => {
    const url = database().url;
    await runCases(async (c) => {
      if (c.prepare) await database().pool.query(c.prepare);
      return runCli(c.args, { env: { DATABASE_URL: url } });
    });
    await database().pool.query(`drop owned by ${ROLE}; drop role ${ROLE}`);
  }, CASES_LIMIT_MS);

  it('with the embedded default (its exit hook must not turn failures into 0)', async () => {
    const folder = tempFolder('exit-codes-');
    const dataDir = join(folder, EMBEDDED_DIR, 'data');
    await runCases(async (c) => {
      if (c.prepare) {
        // the CLI must start the server itself (that is the path under test): stop it again after
        const server = await startEmbeddedPostgres({ dataDir, persistent: true });
        const client = new pg.Client({ connectionString: server.url });
        await client.connect();
        try {
          await client.query(c.prepare);
        } finally {
          await client.end();
          await server.stop();
        }
      }
      return runCli(c.args, { cwd: folder });
    });
  }, CASES_LIMIT_MS);
});
