// The diagnostics channels themselves: what a repository call publishes, that a subscriber that
// throws does not change the call, and the CLI's --verbose lines.
import { execFile } from 'node:child_process';
import { tracingChannel } from 'node:diagnostics_channel';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ProcessedMessageRepo, UserRepo, REPO_CHANNEL, SchemaKitValidationError, type RepoCallMessage } from '../../src/index.js';
import { lines, runCli } from '../helpers/cli.js';
import { useInstalledDatabase } from '../helpers/installed.js';
import { useTestDatabase } from '../helpers/database.js';

const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
let unique = 0;
const id = (what: string) => `channels-test:${what}:${process.pid}:${++unique}`;

/** The messages of the repository calls `work` makes, as each ended. */
async function published(work: () => Promise<unknown>): Promise<RepoCallMessage[]> {
  const ended: RepoCallMessage[] = [];
  const handlers = { asyncEnd: (message: RepoCallMessage) => void ended.push({ ...message }) };
  const channels = tracingChannel<unknown, RepoCallMessage>(REPO_CHANNEL);
  channels.subscribe(handlers as never);
  try {
    await work();
  } finally {
    channels.unsubscribe(handlers as never);
  }
  return ended;
}

describe('the schema-kit:repo channel', () => {
  const database = useInstalledDatabase(['core', 'audit', 'idempotency'], { as: 'owner' });

  it('publishes repository, method, table, schema, transaction, operation, rows and result; a failure its typed error', async () => {
    const { db } = database();
    const inbox = new ProcessedMessageRepo(db);
    const messageId = id('claim');
    const [claim] = await published(() => inbox.claim(messageId));
    expect(claim).toMatchObject({ repository: 'ProcessedMessageRepo', method: 'claim', table: 'processed_messages', schema: 'schema_kit', inTransaction: false, operation: 'INSERT', rows: 1, result: true });
    expect('error' in claim!).toBe(false);

    const inTrx = await published(() => db.transaction().execute((trx) => new UserRepo(trx).findByEmail('nobody@example.com')));
    expect(inTrx[0]).toMatchObject({ repository: 'UserRepo', method: 'findByEmail', table: 'users', inTransaction: true, operation: 'SELECT', rows: 0 });

    const [failed] = await published(() => inbox.claim('').catch(() => undefined));
    expect(failed!.error).toBeInstanceOf(SchemaKitValidationError);
    // never the arguments
    expect(JSON.stringify(claim)).not.toContain(messageId);
  });

  it("a host's subclass: schema-kit's methods are traced under the repository's name, the host's own methods are not", async () => {
    class HostInbox extends ProcessedMessageRepo {
      async claimTwice(messageId: string): Promise<boolean> {
        return (await this.claim(messageId)) && !(await this.claim(messageId));
      }
    }
    const inbox = new HostInbox(database().db, { consumer: 'subclass' });
    const calls = await published(() => inbox.claimTwice(id('subclass')));
    expect(calls.map((m) => `${m.repository}.${m.method}=${String(m.result)}`)).toEqual(['ProcessedMessageRepo.claim=true', 'ProcessedMessageRepo.claim=false']);
  });

  it('a subscriber that throws does not change the call: Node reports its error as uncaught, the call returns as usual', async () => {
    // in a process of its own: node:diagnostics_channel raises a subscriber's throw as an uncaught exception
    const { url } = database();
    const script = `
      const dc = require('node:diagnostics_channel');
      const { Kysely, PostgresDialect } = require('kysely');
      const pg = require('pg');
      const uncaught = [];
      process.on('uncaughtException', (error) => uncaught.push(error.message));
      const fail = () => { throw new Error('subscriber failed'); };
      dc.tracingChannel(${JSON.stringify(REPO_CHANNEL)}).subscribe({ start: fail, end: fail, asyncStart: fail, asyncEnd: fail, error: fail });
      import(${JSON.stringify(DIST)}).then(async ({ ProcessedMessageRepo }) => {
        const db = new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: process.env.URL }) }) });
        const inbox = new ProcessedMessageRepo(db, { consumer: 'throwing-subscriber' });
        const id = 'throwing:' + process.pid;
        const first = await inbox.claim(id);
        const second = await inbox.claim(id);
        const refused = await inbox.claim('').then(() => 'resolved', (e) => e.code);
        await new Promise((resolve) => setImmediate(resolve));
        await db.destroy();
        console.log(JSON.stringify({ first, second, refused, uncaught }));
      });`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { env: { ...process.env, URL: url }, cwd: fileURLToPath(new URL('../..', import.meta.url)) });
    const outcome = JSON.parse(stdout) as { first: boolean; second: boolean; refused: string; uncaught: string[] };
    expect(outcome).toMatchObject({ first: true, second: false, refused: 'validation' });
    // start, end, asyncStart and asyncEnd of each call, and error of the refused one
    expect(outcome.uncaught.length).toBe(13);
    expect(new Set(outcome.uncaught)).toEqual(new Set(['subscriber failed']));
  });
});

describe('schema-kit --verbose', () => {
  const database = useTestDatabase();

  it('prints each migration and lifecycle step as one line', async () => {
    const run = await runCli(['migrate', '--modules', 'core,audit', '--database-url', database().url, '--verbose']);
    expect(run.code).toBe(0);
    const events = lines(run.stdout).filter((line) => line.startsWith('schema-kit:'));
    expect(events).toContainEqual(expect.stringMatching(/^schema-kit:migration core\/0001_core up ok \d+\.\d ms$/));
    expect(events).toContainEqual(expect.stringMatching(/^schema-kit:migration audit\/0004_partition_event_log up lock-heavy ok \d+\.\d ms$/));
    expect(events).toContainEqual(expect.stringMatching(/^schema-kit:lifecycle partitions count=\d+ ok \d+\.\d ms$/));
    const quiet = await runCli(['status', '--database-url', database().url]);
    expect(lines(quiet.stdout).filter((line) => line.startsWith('schema-kit:'))).toEqual([]);
  });
});
