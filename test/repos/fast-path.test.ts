import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql, type LogEvent } from 'kysely';
import { KyselyPGlite } from 'kysely-pglite';
import pg from 'pg';
import { readFileSync } from 'node:fs';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSchemaKit, EventLogRepo, ProcessedMessageRepo, SchemaKitConnectionError, SchemaKitDatabaseError, SchemaKitError, SchemaKitOutcomeUnknownError, migrateToLatest, type Database } from '../../src/index.js';
import { createTestDatabase, type TestDatabaseTarget } from '../../src/testing/index.js';
import { directPoolOf } from '../../src/repos/direct-pool.js';
import { PreparedSql } from '../../src/repos/prepared.js';
import { useInstalledDatabase } from '../helpers/installed.js';
import { waitFor } from '../helpers/wait.js';

// The contract at the top of src/repos/prepared.ts, item by item (docs/guarantees.md cites these).
describe('the fast path (src/repos/prepared.ts)', () => {
  // owner: the stale-plan test alters a column type in this file's own database
  const database = useInstalledDatabase(['core', 'interests', 'audit', 'idempotency'], { as: 'owner' });
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  const outside = process.env.SCHEMA_KIT_PREPARED_STATEMENTS;
  beforeEach(() => {
    delete process.env.SCHEMA_KIT_PREPARED_STATEMENTS; // npm test also runs the suite with it off
  });
  afterAll(() => {
    if (outside === undefined) delete process.env.SCHEMA_KIT_PREPARED_STATEMENTS;
    else process.env.SCHEMA_KIT_PREPARED_STATEMENTS = outside;
  });

  let n = 0;
  const fresh = (prefix = 'fast') => `${prefix}:${++n}`;
  const event = (entityId: string) => ({ user_id: 'user:fast', action: 'fast.test', entity_type: 'doc', entity_id: entityId, details: { n } });

  function pool(max: number, options: pg.PoolConfig = {}): pg.Pool {
    const created = new pg.Pool({ connectionString: database().url, max, ...options });
    created.on('error', () => undefined);
    cleanups.push(() => created.end().catch(() => undefined)); // a host Kysely over it may have ended it
    return created;
  }

  function hostKysely(over: pg.Pool, log?: (event: LogEvent) => void): Kysely<Database> {
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: over }), ...(log ? { log } : {}) });
    cleanups.push(() => db.destroy().catch(() => undefined)); // another Kysely over the same pool may have ended it
    return db;
  }

  /** The names of schema-kit's statements prepared on the sessions of a pool of one connection. */
  async function preparedOn(one: pg.Pool): Promise<string[]> {
    const { rows } = await one.query<{ name: string }>("select name from pg_prepared_statements where name like 'schema\\_kit\\_%' order by name");
    return rows.map((r) => r.name);
  }

  /** 100 concurrent hot calls of every kind on `db`, the first calls of a fresh instance (so they race its probe). */
  function burst(db: Kysely<Database>): Promise<unknown>[] {
    const inbox = new ProcessedMessageRepo(db);
    const events = new EventLogRepo(db);
    const calls: (() => Promise<unknown>)[] = [
      () => inbox.claim(fresh()),
      () => events.append(event(fresh())),
      () => inbox.processOnce(fresh(), async (trx) => new EventLogRepo(trx).append(event(fresh()))),
      () => events.listByEntity('doc', 'listed', { limit: 2 }),
      () => events.listByUser('user:fast', { limit: 2 }),
    ];
    return Array.from({ length: 100 }, (_, i) => calls[i % calls.length]!());
  }

  it('every point of the contract at the top of prepared.ts has its tests here (a describe numbered for it)', () => {
    const source = readFileSync(new URL('../../src/repos/prepared.ts', import.meta.url), 'utf8');
    const contract = source.slice(0, source.indexOf('*/'));
    const points = [...contract.matchAll(/^ \* (\d+)\. /gm)].map((m) => Number(m[1]));
    expect(points).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const mine = readFileSync(new URL(import.meta.url), 'utf8');
    const covered = new Set<number>();
    for (const [, from, to] of mine.matchAll(/describe\(["'](\d+)(?:-(\d+))?\. /g)) {
      for (let i = Number(from); i <= Number(to ?? from); i++) covered.add(i);
    }
    expect(points.filter((p) => !covered.has(p))).toEqual([]);
  });

  describe('2. a burst of calls at startup never deadlocks', () => {
    it.each([1, 2])('100 concurrent calls on a fresh Kysely over a pool of %i: all settle, named afterwards', async (max) => {
      const over = pool(max);
      const db = hostKysely(over);
      const settled = await Promise.allSettled(burst(db));
      expect(settled.filter((s) => s.status === 'rejected')).toEqual([]);
      if (max === 1) {
        await new ProcessedMessageRepo(db).claim(fresh());
        expect((await preparedOn(over)).length).toBeGreaterThan(0);
      }
    });

    it.each([1, 2])('100 concurrent calls on a fresh createSchemaKit over a pool of %i: all settle, named afterwards', async (max) => {
      const over = pool(max);
      const kit = createSchemaKit({ pool: over });
      cleanups.push(() => kit.destroy());
      const settled = await Promise.allSettled([...burst(kit.db), ...Array.from({ length: 20 }, () => kit.processedMessages.claim(fresh()))]);
      expect(settled.filter((s) => s.status === 'rejected')).toEqual([]);
      if (max === 1) {
        await kit.processedMessages.claim(fresh());
        expect((await preparedOn(over)).length).toBeGreaterThan(0);
      }
    });

    it('100 processOnce calls at once on createSchemaKit over a pool of 2 (each holds a connection for its transaction): all settle', async () => {
      const over = pool(2);
      const kit = createSchemaKit({ pool: over });
      cleanups.push(() => kit.destroy());
      const settled = await Promise.allSettled(Array.from({ length: 100 }, () => kit.processedMessages.processOnce(fresh(), async (trx) => new EventLogRepo(trx).append(event(fresh())))));
      expect(settled.filter((s) => s.status === 'rejected')).toEqual([]);
    });
  });

  describe('3. a failed probe poisons nothing', () => {
    it("the process's first probe runs inside an aborted transaction: the call fails typed; that instance and every other run named afterwards", async () => {
      // a fresh copy of the library: this probe is the first its module state sees
      vi.resetModules();
      const library = (await import('../../src/index.js')) as typeof import('../../src/index.js');
      const one = pool(1);
      const first = hostKysely(one);
      const refused = await first
        .transaction()
        .execute(async (trx) => {
          await sql`select 1 / 0`.execute(trx).catch(() => undefined);
          return new library.ProcessedMessageRepo(trx).claim(fresh());
        })
        .catch((error: unknown) => error);
      expect(refused).toMatchObject({ name: 'SchemaKitDatabaseError', code: 'transaction_aborted' });
      const second = hostKysely(one);
      for (const db of [first, second]) {
        expect(await new library.ProcessedMessageRepo(db).claim(fresh())).toBe(true);
        expect(await new library.EventLogRepo(db).append(event(fresh()))).toMatchObject({ action: 'fast.test' });
      }
      const names = await preparedOn(one);
      expect(names.length).toBeGreaterThanOrEqual(2); // claim and append, named on the one session
    });

    it('a driver that sends the probe as text: a probe failing in an aborted transaction is asked again, on that instance only', async () => {
      const over = pool(1);
      const texts: string[] = [];
      // a pool whose clients read the SQL as a string (as a driver other than pg does)
      const stringPool = {
        connect: async () => {
          const client = await over.connect();
          return {
            query: (statement: unknown, values: unknown[]) => {
              texts.push(String(statement));
              return client.query(String(statement), values);
            },
            release: () => client.release(),
          };
        },
        end: async () => undefined,
      };
      const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: stringPool as unknown as pg.Pool }) });
      cleanups.push(() => db.destroy());
      const refused = await db
        .transaction()
        .execute(async (trx) => {
          await sql`select 1 / 0`.execute(trx).catch(() => undefined);
          return new ProcessedMessageRepo(trx).claim(fresh());
        })
        .catch((error: unknown) => error);
      expect(refused).toMatchObject({ code: 'transaction_aborted' });
      texts.length = 0;
      expect(await new ProcessedMessageRepo(db).claim(fresh())).toBe(true);
      expect(await new ProcessedMessageRepo(db).claim(fresh())).toBe(true);
      expect(texts.filter((t) => t === 'select false as named')).toHaveLength(1); // asked again once, then known
      expect(texts.filter((t) => t.startsWith('insert'))).toHaveLength(2);
      // and a pg instance on the same pool is not affected
      const pgDb = hostKysely(over);
      await new ProcessedMessageRepo(pgDb).claim(fresh());
      expect(await preparedOn(over)).not.toEqual([]);
    });
  });

  describe('4. a stale named statement is prepared again', () => {
    /** A table of its own in a test schema, whose column `v` the tests change the type of. */
    async function staleTable(): Promise<{ table: string; alter: (to: 'int' | 'text') => Promise<void> }> {
      const table = `fastpath_stale.t${++n}`;
      await database().pool.query(`create schema if not exists fastpath_stale; create table ${table} (id int primary key, v int); insert into ${table} values (1, 10)`);
      return { table, alter: async (to) => void (await database().pool.query(`alter table ${table} alter column v type ${to} using v::${to}`)) };
    }

    it.each(['host Kysely', 'createSchemaKit'] as const)('%s, outside a transaction: after a returned column changes type, the next call succeeds (pool of 1)', async (through) => {
      const one = pool(1);
      const kit = through === 'createSchemaKit' ? createSchemaKit({ pool: one }) : undefined;
      if (kit) cleanups.push(() => kit.destroy());
      const db = kit ? kit.db : hostKysely(one);
      const direct = directPoolOf(db);
      expect(direct !== undefined).toBe(through === 'createSchemaKit');
      const { table, alter } = await staleTable();
      const read = new PreparedSql(`select v from ${table} where id = $1`);
      const run = () => read.run<{ v: unknown }>(db, [1], true, direct);
      expect(await run()).toEqual([{ v: 10 }]);
      expect(await run()).toEqual([{ v: 10 }]);
      const before = read.name;
      expect(await preparedOn(one)).toContain(before);
      await alter('text');
      expect(await run()).toEqual([{ v: '10' }]);
      expect(await run()).toEqual([{ v: '10' }]);
      expect(read.name).not.toBe(before); // renamed process-wide: other connections prepare it afresh
      // another PreparedSql of the same text (a repository built per request) takes the new name
      expect(new PreparedSql(read.text).name).toBe(read.name);
      const left = await preparedOn(one);
      expect(left).toContain(read.name);
      if (through === 'createSchemaKit') expect(left).not.toContain(before); // deallocated on the connection it failed on
      await alter('int');
      expect(await run()).toEqual([{ v: 10 }]);
    });

    it('inside a transaction: a typed error says the transaction was aborted; retrying the transaction succeeds', async () => {
      const one = pool(1);
      const db = hostKysely(one);
      const { table, alter } = await staleTable();
      const read = new PreparedSql(`select v from ${table} where id = $1`);
      const inTransaction = () => db.transaction().execute((trx) => read.run<{ v: unknown }>(trx, [1], true));
      expect(await inTransaction()).toEqual([{ v: 10 }]);
      await alter('text');
      const refused = await inTransaction().catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(SchemaKitDatabaseError);
      expect(refused).toMatchObject({ code: 'transaction_aborted', sqlState: '0A000', cause: { code: '0A000' } });
      expect((refused as Error).message).toMatch(/aborted the transaction/);
      expect(await inTransaction()).toEqual([{ v: '10' }]);
    });

    it('a statement deallocated under it (26000, e.g. DISCARD ALL by a pooler): the next call succeeds', async () => {
      const one = pool(1);
      const kit = createSchemaKit({ pool: one });
      cleanups.push(() => kit.destroy());
      await kit.processedMessages.claim(fresh());
      await one.query('deallocate all');
      expect(await kit.processedMessages.claim(fresh())).toBe(true);
      const db = hostKysely(one);
      await new ProcessedMessageRepo(db).claim(fresh());
      await one.query('deallocate all');
      expect(await new ProcessedMessageRepo(db).claim(fresh())).toBe(true);
    });
  });

  describe('1. named statements only where node-postgres runs them: every dialect', () => {
    const targets: [string, TestDatabaseTarget][] = [
      ['PGlite (schema-kit/testing)', 'pglite'],
      ['a database on a server (schema-kit/testing, url)', { url: process.env.TEST_DATABASE_URL ?? '' }],
      ['embedded PostgreSQL (schema-kit/testing)', 'embedded'],
    ];

    async function hotCalls(db: Kysely<Database>): Promise<void> {
      const inbox = new ProcessedMessageRepo(db);
      const events = new EventLogRepo(db);
      for (let i = 0; i < 3; i++) {
        const id = fresh('dialect');
        expect(await inbox.claim(id)).toBe(true);
        expect(await inbox.claim(id)).toBe(false);
        expect(await inbox.claimMany([id, fresh('dialect')])).toHaveLength(1);
        expect(await events.append(event(id))).toMatchObject({ entity_id: id });
        expect(await events.appendMany([event(id)])).toHaveLength(1);
        expect(await inbox.processOnce(fresh('dialect'), async () => 1, { keepResult: true })).toEqual({ processed: true, result: 1 });
        expect((await events.listByEntity('doc', id)).items.length).toBe(2);
        await db.transaction().execute(async (trx) => {
          expect(await new ProcessedMessageRepo(trx).claim(fresh('dialect'))).toBe(true);
        });
      }
    }

    it.each(targets)('%s: every hot call works, named only on a pg pool', async (_, target) => {
      if (typeof target === 'object' && !target.url) return; // no server configured
      const testDb = await createTestDatabase({ target, modules: ['core', 'audit', 'idempotency'] });
      try {
        await hotCalls(testDb.db);
        if (testDb.url) {
          const one = new pg.Pool({ connectionString: testDb.url, max: 1 });
          one.on('error', () => undefined); // a client still closing when the database goes away
          try {
            const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: one }) });
            await hotCalls(db);
            expect(await preparedOn(one)).not.toEqual([]);
            await db.destroy();
          } finally {
            await one.end().catch(() => undefined);
          }
        } else {
          const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements`.execute(testDb.db);
          expect(rows[0]!.n).toBe(0);
        }
      } finally {
        await testDb.destroy();
      }
    });

    it("kysely-pglite's own dialect: every hot call works, unnamed", async () => {
      const pglite = await PGlite.create();
      const db = new Kysely<Database>({ dialect: new KyselyPGlite(pglite).dialect });
      try {
        expect((await migrateToLatest(db, { modules: ['core', 'audit', 'idempotency'] })).error).toBeUndefined();
        await hotCalls(db);
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements`.execute(db);
        expect(rows[0]!.n).toBe(0);
      } finally {
        await db.destroy();
      }
    });
  });

  describe("5. a host's Kysely log sees the SQL text", () => {
    it('event.query.sql is a string for every hot call, named on pg', async () => {
      const one = pool(1);
      const seen: { sql: unknown; level: string }[] = [];
      const db = hostKysely(one, (logged) => {
        // a logger that relies on Kysely's type: it would print [object Object] or throw otherwise
        if (typeof logged.query.sql !== 'string') throw new TypeError(`query.sql is a ${typeof logged.query.sql}`);
        seen.push({ sql: logged.query.sql, level: logged.level });
      });
      const inbox = new ProcessedMessageRepo(db);
      const events = new EventLogRepo(db);
      const id = fresh();
      for (let i = 0; i < 2; i++) {
        await inbox.claim(fresh());
        await inbox.claimMany([fresh()]);
        await events.append(event(id));
        await events.appendMany([event(id)]);
        await inbox.processOnce(fresh(), async () => 1, { keepResult: true });
        await events.listByEntity('doc', id);
        await events.listByUser('user:fast', { limit: 1 });
        for await (const streamed of events.stream({ batchSize: 2 })) if (streamed) break;
      }
      expect(seen.length).toBeGreaterThan(10);
      expect(seen.every((s) => typeof s.sql === 'string')).toBe(true);
      expect(seen.some((s) => String(s.sql).startsWith('insert into "schema_kit"."processed_messages"'))).toBe(true);
      expect((await preparedOn(one)).length).toBeGreaterThanOrEqual(5); // and they ran named
    });
  });

  describe("6-8. createSchemaKit and the host's pool; every failure typed, with its cause", () => {
    it('a connection-class failure (a read timeout while the statement still runs) releases the client with the error: pg-pool discards it', async () => {
      const over = pool(1, { query_timeout: 300 });
      const kit = createSchemaKit({ pool: over });
      cleanups.push(() => kit.destroy());
      expect(await kit.processedMessages.claim(fresh())).toBe(true);
      expect(over.totalCount).toBe(1);
      const locker = await database().owner.pool.connect();
      try {
        await locker.query('begin');
        await locker.query('lock table schema_kit.processed_messages in access exclusive mode');
        const failed = await kit.processedMessages.claim(fresh()).catch((error: unknown) => error);
        expect(failed).toBeInstanceOf(SchemaKitError);
        expect(failed).toMatchObject({ cause: { message: 'Query read timeout' } });
        // the client still waits on its statement: it left the pool instead of serving the next call
        expect(over.totalCount).toBe(0);
      } finally {
        await locker.query('rollback');
        locker.release();
      }
      expect(await kit.processedMessages.claim(fresh())).toBe(true);
    });

    it('a connection killed under a checked-out client: the call fails typed and the next one gets a new connection', async () => {
      const over = pool(1);
      const kit = createSchemaKit({ pool: over });
      cleanups.push(() => kit.destroy());
      const { rows } = await kit.db.transaction().execute(async (trx) => {
        await new ProcessedMessageRepo(trx).claim(fresh());
        return sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
      });
      await database().owner.pool.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
      const failures: unknown[] = [];
      await waitFor(async () => {
        try {
          return await kit.processedMessages.claim(fresh());
        } catch (error) {
          failures.push(error);
          return false;
        }
      }, 'a call on a new connection');
      // a claim sent on the dying connection cannot know whether it committed: outcome unknown
      // (docs/guarantees.md); one that failed before it was sent is a connection error
      for (const failure of failures) {
        expect(failure instanceof SchemaKitConnectionError || failure instanceof SchemaKitOutcomeUnknownError).toBe(true);
        expect((failure as Error).cause).toBeDefined();
      }
    });

    it("the pool's 'error': the host's own listener sees it and schema-kit adds nothing; without one, no crash and a process warning", async () => {
      const warnings: Error[] = [];
      const onWarning = (warning: Error) => warnings.push(warning);
      process.on('warning', onWarning);
      try {
        const withListener = new pg.Pool({ connectionString: database().url, max: 1 });
        const hostSaw: Error[] = [];
        withListener.on('error', (error) => hostSaw.push(error));
        const kitA = createSchemaKit({ pool: withListener });
        withListener.emit('error', new Error('idle client lost (host listens)'));
        expect(hostSaw.map((e) => e.message)).toEqual(['idle client lost (host listens)']);
        const bare = new pg.Pool({ connectionString: database().url, max: 1 });
        const kitB = createSchemaKit({ pool: bare });
        bare.emit('error', new Error('idle client lost (no listener)'));
        await waitFor(() => warnings.length > 0, 'the process warning');
        expect(warnings.map((w) => w.message)).toEqual([expect.stringContaining('idle client lost (no listener)')]);
        expect(warnings[0]).toMatchObject({ code: 'SCHEMA_KIT_POOL_ERROR' });
        await Promise.all([kitA.destroy(), kitB.destroy(), withListener.end(), bare.end()]);
      } finally {
        process.off('warning', onWarning);
      }
    });
  });
});
