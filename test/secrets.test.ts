import { inspect } from 'node:util';
import fc from 'fast-check';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { probeConnection } from '../src/connection/probe.js';
import { describeUrl, passwordOf, redactSecrets } from '../src/connection/redact.js';
import { createSchemaKit, migrateToLatest, migrationStatus, SchemaKitConnectionError, type Database } from '../src/index.js';
import { useTestDatabase } from './helpers/database.js';
import { runCli } from './helpers/cli.js';
import { HANG_LIMIT_MS } from './helpers/wait.js';

const SECRET = 'S3cr3t-Pa55word';

/** Every way an error can reach a log: its message, its JSON, and a deep inspection with causes. */
function everyRendering(value: unknown): string {
  return [String(value), JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) ?? '', inspect(value, { depth: 8, showHidden: false })].join('\n');
}

describe('secrets: no password in any output, error, --json result or log line', () => {
  const database = useTestDatabase();
  const urls = () => {
    const good = new URL(database().url);
    const wrongDb = new URL(good);
    wrongDb.username = 'nosuchrole';
    wrongDb.password = SECRET;
    const unreachable = `postgres://postgres:${SECRET}@127.0.0.1:1/db`;
    const withPassword = new URL(good);
    withPassword.password = SECRET; // trust auth ignores it, but it must never be printed
    return { wrongDb: wrongDb.toString(), unreachable, withPassword: withPassword.toString() };
  };

  it('the CLI, in text and --json, on success and on every kind of failure', async () => {
    const { wrongDb, unreachable, withPassword } = urls();
    const runs = [
      ['migrate', '--database-url', withPassword, '--modules', 'audit'],
      ['status', '--database-url', withPassword, '--json'],
      ['migrate', '--database-url', withPassword, '--dry-run'],
      ['migrate', '--database-url', wrongDb],
      ['migrate', '--database-url', wrongDb, '--json'],
      ['status', '--database-url', unreachable],
      ['status', '--database-url', unreachable, '--json'],
      ['down', '--database-url', withPassword, '--steps', 'x'],
      ['migrate', '--database-url', withPassword, '--schema', 'bad name'],
      ['migrate', `--database-url=${unreachable}`],
    ];
    const outputs = await Promise.all(runs.map((args) => runCli(args)));
    outputs.push(await runCli(['status'], { env: { DATABASE_URL: wrongDb } }));
    for (const [i, out] of outputs.entries()) {
      expect(`${out.stdout}\n${out.stderr}`, (runs[i] ?? ['DATABASE_URL']).join(' ')).not.toContain(SECRET);
    }
    expect(outputs[0]!.code).toBe(0);
    expect(outputs[3]!.code).toBe(1);
  });

  it('library errors and results, inspected deeply with their causes', async () => {
    const { wrongDb, unreachable } = urls();
    const rendered: string[] = [];
    for (const url of [wrongDb, unreachable]) {
      rendered.push(everyRendering(await probeConnection(url).catch((e: unknown) => e)));
      const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: HANG_LIMIT_MS });
      const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
      rendered.push(everyRendering(await migrateToLatest(db)));
      rendered.push(everyRendering(await migrationStatus(db).catch((e: unknown) => e)));
      await db.destroy();
      const kitPool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: HANG_LIMIT_MS });
      const kit = createSchemaKit({ pool: kitPool });
      const refused = await kit.processedMessages.claim('x').catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(SchemaKitConnectionError);
      rendered.push(everyRendering(refused));
      rendered.push(everyRendering(await kit.events.append({ action: 'a', entity_type: 't', entity_id: '1' }).catch((e: unknown) => e)));
      await kit.destroy();
      await kitPool.end();
    }
    for (const text of rendered) expect(text).not.toContain(SECRET);
    expect(rendered.join('\n')).toContain('nosuchrole'); // the failures were real and rendered
  });

  it('a password that is not percent-encoded and holds / (issue 14 item 7), in text and --json', async () => {
    const port = new URL(database().url).port;
    const url = `postgresql://app:4242/xyZleakA@127.0.0.1:${port}/db`;
    for (const args of [['status', '--database-url', url], ['status', '--database-url', url, '--json'], ['migrate', '--database-url', url, '--dry-run']]) {
      const out = await runCli(args);
      expect(`${out.stdout}\n${out.stderr}`, args.join(' ')).not.toMatch(/xyZleakA|4242\//);
      expect(out.code).not.toBe(0); // pg reads host "app", port 4242: the connection fails, and says so without the password
    }
  });

  it('every password a URL can hold un-encoded: describeUrl never shows it, redactSecrets removes it', () => {
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/=@:?#&!$*';
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...alphabet), minLength: 8, maxLength: 40 }), fc.constantFrom('', '/db', '/db?sslmode=disable'), (password, tail) => {
        fc.pre(/[A-Za-z0-9]{4}/.test(password)); // a password with a piece long enough to be told from ordinary text
        const url = `postgresql://app:${password}@db.example.com:5432${tail}`;
        const secret = passwordOf(url);
        expect(secret === undefined ? password : secret).toBe(decodeOrSelf(password));
        const rendered = redactSecrets(`${url} ${describeUrl(url)} database "${password.split('/').at(-1)}" does not exist`, secret);
        for (const piece of password.split(/[/?#@:]/).filter((p) => p.length >= 4)) expect(rendered).not.toContain(piece);
        expect(describeUrl(url)).toBe(`app@db.example.com:5432${tail.replace(/\?.*$/, '')}`);
      }),
      { numRuns: 2000 },
    );
  });
});

function decodeOrSelf(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

