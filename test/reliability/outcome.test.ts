import { randomInt } from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ProcessedMessageRepo,
  SchemaKitOutcomeUnknownError,
  SchemaKitTimeoutError,
  type Database,
} from '../../src/index.js';
import { useInstalledDatabase } from '../helpers/installed.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Timeouts and outcomes schema-kit cannot know (issue 27, item 2). Each statement is held by a
 * second session until the timeout under test has fired: the outcome never depends on how long
 * anything took, only on the order the test releases the second session in.
 */
describe('timeouts and unknown outcomes', () => {
  const database = useInstalledDatabase(['core', 'idempotency'], { as: 'owner' });
  const opened: Kysely<Database>[] = [];
  afterAll(async () => {
    for (const db of opened) await db.destroy();
  });

  /** A Kysely whose connections carry `config` (query_timeout, statement_timeout, lock_timeout). */
  function kysely(config: pg.PoolConfig): Kysely<Database> {
    const pool = new pg.Pool({ connectionString: database().url, max: 2, ...config });
    pool.on('error', () => undefined);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    opened.push(db);
    return db;
  }

  /** A second session holding an uncommitted claim of (consumer, id): a claim of it waits. */
  async function holdClaim(consumer: string, id: string): Promise<{ release(): Promise<void> }> {
    const client = new pg.Client({ connectionString: database().url });
    await client.connect();
    await client.query('begin');
    await client.query('insert into schema_kit.processed_messages (consumer, message_id) values ($1, $2)', [consumer, id]);
    return {
      release: async () => {
        await client.query('rollback');
        await client.end();
      },
    };
  }

  const fresh = (what: string) => `${what}-${randomInt(1e9)}`;

  it("a claim cut off by pg's query_timeout is outcome_unknown, and may indeed commit later", async () => {
    const consumer = fresh('qt');
    const db = kysely({ query_timeout: 300 });
    const blocker = await holdClaim(consumer, 'm1');
    const error = await new ProcessedMessageRepo(db, { consumer }).claim('m1').catch((e: unknown) => e);
    await blocker.release();
    expect(error).toBeInstanceOf(SchemaKitOutcomeUnknownError);
    expect(error).toMatchObject({ code: 'outcome_unknown', retryable: false });
    // the statement went on running: once the other session let go, the claim committed
    const observer = new ProcessedMessageRepo(database().db, { consumer });
    await waitFor(() => observer.isProcessed('m1'), 'the timed-out claim to commit');
  });

  it('processOnce whose COMMIT is cut off by query_timeout is outcome_unknown; retrying the same id is exactly-once', async () => {
    const consumer = fresh('commit');
    const key = randomInt(1e9);
    const owner = database().db;
    // a host table whose deferred trigger waits, at COMMIT, for an advisory lock the test holds
    await sql.raw(`
      create table if not exists public.outcome_orders (message_id text primary key);
      create or replace function public.outcome_wait() returns trigger language plpgsql as
        $$ begin perform pg_advisory_xact_lock(${key}); return null; end $$;
      drop trigger if exists outcome_wait on public.outcome_orders;
      create constraint trigger outcome_wait after insert on public.outcome_orders
        deferrable initially deferred for each row execute function public.outcome_wait();`).execute(owner);
    const holder = new pg.Client({ connectionString: database().url });
    await holder.connect();
    await holder.query('select pg_advisory_lock($1)', [key]);
    const db = kysely({ query_timeout: 300 });
    let runs = 0;
    const handler = async (trx: Kysely<Database>) => {
      runs++;
      await sql`insert into public.outcome_orders values (${'m1'})`.execute(trx);
      return 'done';
    };
    const error = await new ProcessedMessageRepo(db, { consumer }).processOnce('m1', handler).catch((e: unknown) => e);
    await holder.query('select pg_advisory_unlock($1)', [key]);
    await holder.end();
    expect(error).toBeInstanceOf(SchemaKitOutcomeUnknownError);
    const inbox = new ProcessedMessageRepo(owner, { consumer });
    await waitFor(() => inbox.isProcessed('m1'), 'the COMMIT to complete');
    // the documented recovery: the same id again finds it claimed and done, the handler ran once
    expect(await inbox.processOnce('m1', handler)).toEqual({ processed: false, result: null });
    expect(runs).toBe(1);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from public.outcome_orders`.execute(owner);
    expect(rows[0]!.n).toBe(1);
  });

  it.each([
    ['statement_timeout (57014)', { statement_timeout: 300 }, 'statement', '57014'],
    ['lock_timeout (55P03)', { lock_timeout: 300 }, 'lock', '55P03'],
  ] as const)('processOnce cut off by %s: a retryable SchemaKitTimeoutError, nothing claimed, a retry runs the handler', async (_name, config, kind, state) => {
    const consumer = fresh(kind);
    const blocker = await holdClaim(consumer, 'm1');
    const inbox = new ProcessedMessageRepo(kysely(config), { consumer });
    let runs = 0;
    const handler = async () => ++runs;
    const error = await inbox.processOnce('m1', handler).catch((e: unknown) => e);
    await blocker.release();
    expect(error).toBeInstanceOf(SchemaKitTimeoutError);
    expect(error).toMatchObject({ code: 'timeout', timeout: kind, sqlState: state, retryable: true });
    expect(await inbox.isProcessed('m1')).toBe(false);
    expect(await inbox.processOnce('m1', handler)).toEqual({ processed: true, result: 1 });
  });
});
