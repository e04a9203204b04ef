import { cpSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_PATH, failureOf, lines, runCli, type CliRun } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/database.js';
import { tempFolder } from '../helpers/temp.js';

const PASSWORD = 'TopSecret123';
const UNREACHABLE = `postgres://postgres:${PASSWORD}@127.0.0.1:1/x`;
const FRAME = /^\s+at /;

/** Checks the short report: the error and the hint on stderr, no stack, no long line, no password. */
function expectShort(run: CliRun): { error: string; hint: string } {
  const failure = failureOf(run.stderr);
  for (const line of lines(run.stdout + run.stderr)) {
    expect(line.length).toBeLessThanOrEqual(500);
    expect(line).not.toMatch(FRAME);
  }
  expect(run.stdout + run.stderr).not.toContain(PASSWORD);
  return failure;
}

/** Checks the details a verbose run adds after the same two lines: stacks that name src/ (source maps), causes, no password. */
function expectDetails(run: CliRun, short: { error: string; hint: string }, cause: RegExp): void {
  const [error, hint, ...details] = lines(run.stderr);
  expect({ error, hint }).toEqual(short);
  expect(details.some((line) => FRAME.test(line))).toBe(true);
  expect(details.some((line) => /\/src\/cli\/\w+\.ts:\d+:\d+\)?$/.test(line))).toBe(true);
  // no frame in the bundle's chunks (the entry, read before the maps were enabled, may show)
  expect(details.filter((line) => line.includes(`${dirname(CLI_PATH)}/`) && !line.includes('/cli.js:'))).toEqual([]);
  expect(details.some((line) => cause.test(line))).toBe(true);
  expect(run.stdout + run.stderr).not.toContain(PASSWORD);
}

describe('schema-kit failures: one line and a hint, details on request', () => {
  const database = useTestDatabase();

  it('an unreachable database: short by default; --verbose and DEBUG lists naming schema-kit add the stack and cause', async () => {
    const plain = await runCli(['status', '--database-url', UNREACHABLE]);
    expect(plain.code).toBe(1);
    const short = expectShort(plain);
    expect(short.error).toMatch(/^schema-kit: cannot connect to PostgreSQL at postgres@127\.0\.0\.1:1\/x: /);
    expect(short.hint).toMatch(/^hint: check the URL/);

    const asked: [string[], Record<string, string>][] = [
      [['--verbose'], {}],
      [[], { DEBUG: 'schema-kit' }],
      [[], { DEBUG: 'foo,schema-kit' }],
      [[], { DEBUG: '*' }],
    ];
    for (const [flags, env] of asked) {
      const run = await runCli(['status', '--database-url', UNREACHABLE, ...flags], { env });
      expect(run.code).toBe(1);
      expectDetails(run, short, /^caused by: Error: connect ECONNREFUSED/);
    }
    for (const DEBUG of ['foo', 'schema-kit-other', '*,-schema-kit']) {
      expectShort(await runCli(['status', '--database-url', UNREACHABLE], { env: { DEBUG } }));
    }
  });

  it('a failing migration: the error and a hint; --verbose adds the database error', async () => {
    const { url, pool } = database();
    expect((await runCli(['migrate', '--modules', 'core', '--database-url', url])).code).toBe(0);
    await pool.query('create table schema_kit.event_log (id int)');
    const plain = await runCli(['migrate', '--add', 'audit', '--database-url', url]);
    expect(plain.code).toBe(1);
    const short = expectShort(plain);
    expect(short.error).toMatch(/^schema-kit: Migration audit\/0001_audit \(up\) failed: relation "event_log" already exists$/);
    const verbose = await runCli(['migrate', '--add', 'audit', '--database-url', url, '--verbose']);
    expect(verbose.code).toBe(1);
    expectDetails(verbose, short, /^caused by: error: relation "event_log" already exists/);
  });

  it('bad usage: the error and a hint naming the help; --verbose adds the stack', async () => {
    const plain = await runCli(['down', '--steps', 'none']);
    expect(plain.code).toBe(2);
    expect(expectShort(plain)).toEqual({ error: 'schema-kit: Invalid --steps: expected a whole number >= 1, got "none"', hint: 'hint: see schema-kit down --help' });
    const verbose = await runCli(['down', '--steps', 'none', '--verbose']);
    expect(verbose.code).toBe(2);
    expectDetails(verbose, failureOf(plain.stderr), /^caused by: SchemaKitValidationError: Invalid --steps/);
  });

  it('a dependency that does not load (the package without kysely and pg): the error and a hint, never Node\'s report', async () => {
    const folder = tempFolder('cli-no-deps-');
    cpSync(dirname(CLI_PATH), join(folder, 'dist'), { recursive: true });
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ type: 'module' }));
    const script = join(folder, 'dist', 'cli.js');
    const plain = await runCli(['status', '--database-url', UNREACHABLE], { script });
    expect(plain.code).toBe(1);
    expect(expectShort(plain)).toEqual({
      error: expect.stringMatching(/^schema-kit: a dependency did not load: Cannot find package '(kysely|pg|zod)'/),
      hint: 'hint: install schema-kit with its peers: npm install schema-kit kysely pg',
    });
    const verbose = await runCli(['status', '--database-url', UNREACHABLE], { script, env: { DEBUG: 'schema-kit' } });
    const [error, hint, stack] = lines(verbose.stderr);
    expect({ error, hint }).toEqual(failureOf(plain.stderr));
    expect(stack).toMatch(/^Error \[ERR_MODULE_NOT_FOUND\]: Cannot find package/);
  });
});
