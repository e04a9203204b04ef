import { CamelCasePlugin, Kysely, PostgresDialect, sql, type LogEvent, type Transaction } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSchemaKit, EventLogRepo, ProcessedMessageRepo, SchemaKitError, SchemaKitValidationError, UserInterestRepo, type Database, type SchemaKit } from '../../src/index.js';
import { useInstalledDatabase } from '../helpers/installed.js';

/** What one statement sent: its SQL text, the name it ran under (null: unnamed) and its parameters. */
interface Sent {
  readonly text: string;
  readonly name: string | null;
  readonly parameters: readonly unknown[];
}

/** How a pool's clients hand SQL to PostgreSQL: pg as is, or a driver that only takes strings. */
type ClientKind = 'pg' | 'coerces to string' | 'refuses objects';

describe('named prepared statements', () => {
  const database = useInstalledDatabase(['core', 'interests', 'audit', 'idempotency']);
  const instances: Kysely<Database>[] = [];
  afterAll(async () => Promise.all(instances.map((db) => db.destroy())));

  /** The probe's text: a driver that reads the probe as a string runs it (pg answers it without sending anything). */
  const PROBE = 'select false as named';

  /** A Kysely over the file's pool whose clients behave like `kind`, recording what each statement sent (as the client received it). */
  function recording(kind: ClientKind = 'pg'): { db: Kysely<Database>; sent: Sent[]; logged: unknown[] } {
    const sent: Sent[] = [];
    const logged: unknown[] = [];
    const connect = async () => {
      const client = await database().pool.connect();
      const query = (statement: unknown, values: unknown[]) => {
        const named = typeof statement === 'object' && statement !== null && 'submit' in statement ? (statement as unknown as { text?: string; name?: string; values?: unknown[] }) : undefined;
        if (kind === 'pg') {
          sent.push(named ? { text: named.text ?? String(statement), name: named.name ?? null, parameters: named.values ?? [] } : { text: String(statement), name: null, parameters: values });
          return client.query(statement as string, values);
        }
        // another driver: it reads the SQL as a string, or refuses anything else
        if (kind === 'refuses objects' && typeof statement !== 'string') throw new TypeError('query text must be a string');
        sent.push({ text: String(statement), name: null, parameters: values });
        return client.query(String(statement), values);
      };
      return { query, release: (error?: Error) => client.release(error) } as unknown as pg.PoolClient;
    };
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: { connect, end: async () => undefined } }),
      log: (event: LogEvent) => {
        logged.push(event.query.sql);
      },
    });
    instances.push(db);
    return { db, sent, logged };
  }

  let n = 0;
  const fresh = () => `prepared:${++n}`;
  const event = (entityId: string) => ({ user_id: 'user:prepared', action: 'prepared.test', entity_type: 'doc', entity_id: entityId, details: { n } });

  /** Every prepared path, called on a repository built on `db` (the host's Kysely or transaction). */
  const paths: Record<string, (db: Kysely<Database> | Transaction<Database>, options: { preparedStatements?: boolean }) => Promise<unknown>> = {
    claim: (db, o) => new ProcessedMessageRepo(db, o).claim(fresh()),
    claimMany: (db, o) => new ProcessedMessageRepo(db, o).claimMany([fresh(), fresh()]),
    append: (db, o) => new EventLogRepo(db, o).append(event(fresh())),
    appendMany: (db, o) => new EventLogRepo(db, o).appendMany([event(fresh()), event(fresh())]),
    'processOnce (claim, keep the result)': (db, o) => new ProcessedMessageRepo(db, o).processOnce(fresh(), async () => ({ ok: true }), { keepResult: true }),
    'listByEntity, newest first': (db, o) => new EventLogRepo(db, o).listByEntity('doc', 'listed', { limit: 1 }),
    'listByEntity, after a cursor, oldest first': (db, o) => new EventLogRepo(db, o).listByEntity('doc', 'listed', { after: '1', order: 'asc', limit: 1 }),
    'listByUser, after a cursor': (db, o) => new EventLogRepo(db, o).listByUser('user:prepared', { after: '9007199254740991', limit: 1 }),
    // one batch: how many the whole feed takes depends on the transactions open anywhere on the
    // server (the feed stops below the oldest), which differs from one call to the next
    'stream, one batch': async (db, o) => {
      for await (const streamed of new EventLogRepo(db, o).stream({ batchSize: 2 })) return streamed;
      return undefined;
    },
  };

  beforeAll(async () => {
    // a processed duplicate, so processOnce's second statement (read the kept result) runs too
    const inbox = new ProcessedMessageRepo(database().db);
    await inbox.processOnce('prepared:duplicate', async () => 'kept', { keepResult: true });
    paths['processOnce of a duplicate (read the kept result)'] = (db, o) => new ProcessedMessageRepo(db, o).processOnce('prepared:duplicate', async () => 'never');
    await new EventLogRepo(database().db).appendMany([event('listed'), event('listed'), event('listed')]);
  });

  // this file sets the environment itself (npm test also runs the suite with it set to off)
  const outside = process.env.SCHEMA_KIT_PREPARED_STATEMENTS;
  beforeEach(() => {
    delete process.env.SCHEMA_KIT_PREPARED_STATEMENTS;
  });
  afterAll(() => {
    if (outside === undefined) delete process.env.SCHEMA_KIT_PREPARED_STATEMENTS;
    else process.env.SCHEMA_KIT_PREPARED_STATEMENTS = outside;
  });

  it.each(Object.keys(paths))('%s: named on pg, the same SQL and parameters as unnamed, in the host transaction', async (path) => {
    const named = recording();
    const unnamed = recording();
    await paths[path]!(named.db, {}); // the first call on a Kysely instance probes
    named.sent.length = 0;
    await paths[path]!(named.db, {});
    await paths[path]!(unnamed.db, { preparedStatements: false });

    const ownStatements = (sent: Sent[]) => sent.filter((s) => s.text !== PROBE && !/^(begin|commit|savepoint|release savepoint)/.test(s.text));
    const [withNames, withoutNames] = [ownStatements(named.sent), ownStatements(unnamed.sent)];
    expect(withNames.length).toBeGreaterThan(0);
    expect(withNames.map((s) => s.text)).toEqual(withoutNames.map((s) => s.text));
    expect(withNames.map((s) => s.parameters.length)).toEqual(withoutNames.map((s) => s.parameters.length));
    for (const s of withNames) expect(s.name).toMatch(/^schema_kit_[0-9a-z]+$/);
    for (const s of withoutNames) expect(s.name).toBeNull();

    // inside the host's transaction: the statements run on its connection, as prepared statements
    // of that session, and roll back with it
    await named.db.transaction().execute(async (trx) => {
      await sql`create temporary table marker (x int) on commit drop`.execute(trx); // only this session sees it
      named.sent.length = 0;
      await paths[path]!(trx, {});
      const mine = ownStatements(named.sent);
      expect(mine.map((s) => s.text)).toEqual(withNames.map((s) => s.text));
      const prepared = await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(trx);
      const sessionHasMarker = await sql<{ found: boolean }>`select to_regclass('pg_temp.marker') is not null as found`.execute(trx);
      expect(sessionHasMarker.rows[0]!.found).toBe(true);
      for (const s of mine) {
        expect(s.name).not.toBeNull();
        expect(prepared.rows).toContainEqual({ name: s.name, statement: s.text });
      }
    });
  });

  it('the writes join the host transaction: a rollback undoes them', async () => {
    const { db } = recording();
    const ids = [fresh(), fresh(), fresh()];
    const rolledBack = new Error('host rolls back');
    await expect(
      db.transaction().execute(async (trx) => {
        const inbox = new ProcessedMessageRepo(trx);
        const events = new EventLogRepo(trx);
        expect(await inbox.claim(ids[0]!)).toBe(true);
        expect(await inbox.claimMany([ids[1]!])).toEqual([ids[1]]);
        const appended = await events.append(event(ids[0]!));
        const many = await events.appendMany([event(ids[1]!)]);
        const outcome = await inbox.processOnce(ids[2]!, async () => 1, { keepResult: true });
        expect(outcome).toEqual({ processed: true, result: 1 });
        const { rows } = await sql<{ tx: string }>`select pg_current_xact_id()::text as tx`.execute(trx);
        expect([appended.tx_id, many[0]!.tx_id]).toEqual([rows[0]!.tx, rows[0]!.tx]);
        throw rolledBack;
      }),
    ).rejects.toBe(rolledBack);
    const left = await database().pool.query(
      'select (select count(*)::int from schema_kit.processed_messages where message_id = any($1)) as claims, (select count(*)::int from schema_kit.event_log where entity_id = any($1)) as events',
      [ids],
    );
    expect(left.rows[0]).toEqual({ claims: 0, events: 0 });
  });

  it.each(['coerces to string', 'refuses objects'] as const)('a driver that %s: the probe fails once, then every statement runs unnamed', async (kind) => {
    const { db, sent } = recording(kind);
    const inbox = new ProcessedMessageRepo(db);
    const id = fresh();
    expect(await inbox.claim(id)).toBe(true);
    expect(await inbox.claim(id)).toBe(false);
    expect(await new EventLogRepo(db).append(event(id))).toMatchObject({ entity_id: id });
    const probes = sent.filter((s) => s.text === PROBE);
    expect(probes).toHaveLength(kind === 'coerces to string' ? 1 : 0); // a refused object is never sent
    expect(sent.filter((s) => s.text !== PROBE).map((s) => s.name)).toEqual([null, null, null]);
  });

  it("keeps the host pool's own type parsers, and surfaces a statement's error as schema-kit's, named and unnamed", async () => {
    // a host that reads int8 as a number: pg applies it to the statements pg runs for schema-kit too
    const types = { getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === 20 ? Number : pg.types.getTypeParser(oid, format ?? 'text')) } as pg.CustomTypesConfig;
    const pool = new pg.Pool({ connectionString: database().url, max: 2, types });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    try {
      for (const preparedStatements of [true, false]) {
        const appended = await new EventLogRepo(db, { preparedStatements }).append(event(fresh()));
        expect(typeof appended.id).toBe('number');
        // a statement the server refuses (the host's transaction is aborted) rejects with the typed error, and the next runs
        const refused = await db
          .transaction()
          .execute(async (trx) => {
            await sql`select 1 / 0`.execute(trx).catch(() => undefined);
            return new ProcessedMessageRepo(trx, { preparedStatements }).claim(fresh());
          })
          .catch((error: unknown) => error);
        expect(refused).toMatchObject({ name: 'SchemaKitDatabaseError', code: 'transaction_aborted' });
        expect(await new ProcessedMessageRepo(db, { preparedStatements }).claim(fresh())).toBe(true);
      }
    } finally {
      await db.destroy();
    }
  });

  it('probes once per Kysely instance, whatever the number of repositories and transactions', async () => {
    const { db, sent } = recording();
    for (let i = 0; i < 3; i++) await new ProcessedMessageRepo(db).claim(fresh());
    await db.transaction().execute((trx) => new EventLogRepo(trx).append(event(fresh())));
    await Promise.all([1, 2, 3].map(() => new ProcessedMessageRepo(db.withSchema('public')).claim(fresh())));
    expect(sent.filter((s) => s.text === PROBE)).toHaveLength(1);
  });

  it('SCHEMA_KIT_PREPARED_STATEMENTS=off turns them off where the option is not given; the option wins', async () => {
    const { db, sent } = recording();
    process.env.SCHEMA_KIT_PREPARED_STATEMENTS = 'off';
    await new ProcessedMessageRepo(db).claim(fresh());
    await new ProcessedMessageRepo(db, { preparedStatements: true }).claim(fresh());
    expect(sent.filter((s) => s.text !== PROBE).map((s) => s.name !== null)).toEqual([false, true]);
  });

  it.each([true, false])('createSchemaKit({ preparedStatements: %s }) passes it to its repositories', async (preparedStatements) => {
    const pool = new pg.Pool({ connectionString: database().url, max: 1 }); // one connection: its statements are the kit's
    const kit = createSchemaKit({ pool, preparedStatements });
    try {
      await kit.processedMessages.claim(fresh());
      await kit.events.append(event(fresh()));
      const { rows } = await pool.query("select count(*)::int as named from pg_prepared_statements where name like 'schema\\_kit\\_%' ");
      expect(rows[0].named).toBe(preparedStatements ? 2 : 0);
    } finally {
      await kit.destroy();
      await pool.end();
    }
  });

  it('a keyset listing compiles one statement per shape (optional filters, cursor) and reuses it', async () => {
    const owner = database().owner.db.withSchema('schema_kit');
    const user = (await owner.insertInto('users').values({ role: 'public' }).returning('id').executeTakeFirstOrThrow()).id;
    const packages = await owner
      .insertInto('content_packages')
      .values([1, 2, 3].map((i) => ({ title: `p${i}`, category: 'course', package_type: 'free' })))
      .returning('id')
      .execute();
    for (const { id } of packages) await new UserInterestRepo(database().db).add(user, id);
    const named = recording();
    const unnamed = recording();
    const calls = async (interests: UserInterestRepo) => {
      const first = await interests.listForUser(user, { limit: 2 });
      const second = await interests.listForUser(user, { limit: 2, after: first.next! });
      await interests.listForUser(user, { limit: 1 }); // the first call's shape again
      await interests.listForPackage(packages[0]!.id, { attended: false });
      await interests.listForPackage(packages[1]!.id);
      return [...first.items, ...second.items].map((i) => i.package_id);
    };
    const pages = await calls(new UserInterestRepo(named.db));
    expect(new Set(pages)).toEqual(new Set(packages.map((p) => p.id))); // the two pages hold every interest once
    expect(await calls(new UserInterestRepo(unnamed.db, { preparedStatements: false }))).toEqual(pages);
    const sent = named.sent.filter((s) => s.text !== PROBE);
    expect(sent.map((s) => s.text)).toEqual(unnamed.sent.map((s) => s.text));
    const names = sent.map((s) => s.name);
    expect(names[2]).toBe(names[0]); // same shape, same statement
    expect(new Set(names).size).toBe(4); // user, user after a cursor, package with attended, package
    // the cursor carries the sort key and id themselves (issue 14): no lookup of the cursor's row
    expect(sent[1]!.text).toMatch(/\("created_at", "id"\) < \(\$2, \$3\)/);
  });

  it('a preparedStatements option that is not a boolean is refused, naming it', () => {
    expect(() => new EventLogRepo(database().db, { preparedStatements: 'no' as unknown as boolean })).toThrow(SchemaKitValidationError);
    expect(() => new EventLogRepo(database().db, { preparedStatements: 'no' as unknown as boolean })).toThrow(/options\.preparedStatements/);
  });

  describe("on createSchemaKit's own Kysely", () => {
    /** A kit over a pool of `max` connections on the file's database (one: its prepared statements are the kit's). */
    async function withKit(max: number, work: (kit: SchemaKit, pool: pg.Pool) => Promise<void>, options: pg.PoolConfig = {}): Promise<void> {
      const pool = new pg.Pool({ connectionString: database().url, max, ...options });
      const kit = createSchemaKit({ pool });
      try {
        await work(kit, pool);
      } finally {
        await kit.destroy();
        await pool.end();
      }
    }

    /** How many statements Kysely's executor ran (any instance) while `work` ran; it counts, it changes nothing. */
    async function throughKysely(kit: SchemaKit, work: () => Promise<unknown>): Promise<number> {
      const executeQuery = vi.spyOn(Object.getPrototypeOf(kit.db.getExecutor()) as { executeQuery: () => unknown }, 'executeQuery');
      try {
        await work();
        return executeQuery.mock.calls.length;
      } finally {
        executeQuery.mockRestore();
      }
    }

    const outsideTransactions = Object.keys(paths).filter((path) => !path.startsWith('processOnce'));

    it.each(outsideTransactions)('%s: runs on the pool itself, not through Kysely, named, the same SQL as through Kysely', async (path) => {
      const through = recording();
      await paths[path]!(through.db, {});
      through.sent.length = 0;
      await paths[path]!(through.db, {});
      const texts = through.sent.map((s) => s.text);
      expect(texts.length).toBeGreaterThan(0);

      await withKit(1, async (kit, pool) => {
        await paths[path]!(kit.db, {}); // the first call on the instance probes, through Kysely
        expect(await throughKysely(kit, () => paths[path]!(kit.db, {}))).toBe(0);
        const { rows } = await pool.query<{ statement: string }>("select statement from pg_prepared_statements where name like 'schema\\_kit\\_%' ");
        expect(rows.map((r) => r.statement).sort()).toEqual([...new Set(texts)].sort());
      });
    });

    it('its transactions, connection() and derived instances run them through Kysely, on their own connection', async () => {
      await withKit(2, async (kit) => {
        const ids = [fresh(), fresh(), fresh()];
        const rolledBack = new Error('host rolls back');
        const writes = (db: Kysely<Database> | Transaction<Database>, id: string) => Promise.all([new ProcessedMessageRepo(db).claim(id), new EventLogRepo(db).append(event(id))]);
        await writes(kit.db, fresh()); // the probe
        // a transaction rolls back what ran on its connection
        const inTransaction = kit.db.transaction().execute(async (trx) => {
          await writes(trx, ids[0]!);
          throw rolledBack;
        });
        await expect(inTransaction).rejects.toBe(rolledBack);
        // a pinned connection: the two writes and the host's begin and rollback, all through Kysely
        const pinned = await throughKysely(kit, () =>
          kit.db.connection().execute(async (connection) => {
            await sql`begin`.execute(connection);
            await writes(connection, ids[1]!);
            await sql`rollback`.execute(connection);
          }),
        );
        expect(pinned).toBe(4);
        // a derived instance has the host's plugins or schema: it goes through Kysely too, and writes
        const derived = await throughKysely(kit, () => writes(kit.db.withPlugin(new CamelCasePlugin()), ids[2]!));
        expect(derived).toBe(2);
        const left = await database().pool.query('select message_id from schema_kit.processed_messages where message_id = any($1) union all select entity_id from schema_kit.event_log where entity_id = any($1)', [ids]);
        expect(left.rows).toEqual([{ message_id: ids[2] }, { message_id: ids[2] }]);
      });
    });

    it("a statement's error on the pool is schema-kit's, and the client goes back to the pool", async () => {
      // one connection with a short lock_timeout: a claim behind a lock is cancelled (lock_timeout,
      // not statement_timeout: only the wait behind the lock can reach it, however slow the machine)
      await withKit(
        1,
        async (kit) => {
          const id = fresh();
          expect(await kit.processedMessages.claim(id)).toBe(true); // probed, then on the pool
          const locker = await database().owner.pool.connect();
          try {
            await locker.query('begin');
            await locker.query('lock table schema_kit.processed_messages in access exclusive mode');
            const refused = await kit.processedMessages.claim(fresh()).catch((error: unknown) => error);
            expect(refused).toBeInstanceOf(SchemaKitError);
            expect(refused).toMatchObject({ cause: { code: '55P03' } }); // lock_not_available
          } finally {
            await locker.query('rollback');
            locker.release();
          }
          // the one client was released: the next call gets it
          expect(await kit.processedMessages.claim(id)).toBe(false);
          expect(await kit.events.append(event(id))).toMatchObject({ entity_id: id });
        },
        { options: '-c lock_timeout=200' },
      );
    });

    it.each([true, false])('once destroyed (prepared statements %s), its repositories refuse every call with a typed error, and send nothing', async (preparedStatements) => {
      const pool = new pg.Pool({ connectionString: database().url, max: 1 });
      const kit = createSchemaKit({ pool, preparedStatements });
      try {
        const id = fresh();
        expect(await kit.processedMessages.claim(id)).toBe(true);
        await kit.destroy();
        for (const call of [() => kit.processedMessages.claim(fresh()), () => kit.events.append(event(id)), () => kit.events.listByEntity('doc', id)]) {
          const refused = await call().catch((error: unknown) => error);
          expect(refused).toBeInstanceOf(SchemaKitError);
          expect(String((refused as SchemaKitError).cause)).toMatch(/destroyed/);
        }
        const { rows } = await pool.query('select count(*)::int as events from schema_kit.event_log where entity_id = $1', [id]);
        expect(rows[0].events).toBe(0);
      } finally {
        await pool.end();
      }
    });
  });
});
