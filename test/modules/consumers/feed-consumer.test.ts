import { CamelCasePlugin, Kysely, PostgresDialect, sql, type Generated, type Transaction } from 'kysely';
import pg from 'pg';
import { channel } from 'node:diagnostics_channel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONSUMER_CHANNEL,
  EventLogRepo,
  FeedConsumer,
  FeedConsumerRepo,
  SchemaKitError,
  SchemaKitValidationError,
  type ConsumerLagMessage,
  type Database,
  type StreamedEvent,
} from '../../../src/index.js';
import { useInstalledDatabase } from '../../helpers/installed.js';
import { TEST_TARGET } from '../../helpers/target.js';
import { signal, waitFor } from '../../helpers/wait.js';

interface HostDB extends Database {
  projection: { consumer: string; event_id: string; action: string };
  orders_view: { orderId: string; status: string; eventCount: Generated<number> };
}

// several connections, pools and a second role: the PGlite target runs feed-consumer-kit.test.ts
describe.skipIf(TEST_TARGET === 'pglite')('FeedConsumer on PostgreSQL', () => {
  const database = useInstalledDatabase(['audit', 'consumers']);
  let seq = 0;
  const uniqueName = (what: string) => `${what}-${++seq}`;
  const host = () => database().db as unknown as Kysely<HostDB>;
  const events = () => new EventLogRepo(database().db);
  const append = (consumer: string, n: number, action = 'order.placed') =>
    events().appendMany(Array.from({ length: n }, (_, i) => ({ action, entity_type: consumer, entity_id: `${consumer}-${i}` })));
  /** The feed's end for events of entity type `consumer` (the file's other tests append too). */
  const projected = async (consumer: string) =>
    (await sql<{ event_id: string; n: number }>`select event_id, count(*)::int as n from projection where consumer = ${consumer} group by event_id`.execute(database().db)).rows;
  const project = (consumer: string) => async (batch: StreamedEvent[], trx: Transaction<HostDB>) => {
    const mine = batch.filter((e) => e.entity_type === consumer);
    if (mine.length > 0) await trx.insertInto('projection').values(mine.map((e) => ({ consumer, event_id: e.id, action: e.action }))).execute();
  };

  beforeAll(async () => {
    const owner = database().owner.pool;
    await owner.query('create table public.projection (consumer text not null, event_id bigint not null, action text not null)');
    await owner.query('create table public.orders_view (order_id text primary key, status text not null, event_count int not null default 0)');
    if (database().role !== 'owner') await owner.query(`grant select, insert, update, delete on public.projection, public.orders_view to "${database().role}"`);
  });

  /** Runs `consumer` until `done()` holds, then aborts it and returns what run settled with. */
  async function runUntil(consumer: FeedConsumer<HostDB>, handler: Parameters<FeedConsumer<HostDB>['run']>[0], done: () => Promise<boolean>): Promise<unknown> {
    const controller = new AbortController();
    const running = consumer.run(handler, { signal: controller.signal }).then(() => 'resolved', (error: unknown) => error);
    await waitFor(async () => (await done()) || (await Promise.race([running, Promise.resolve(undefined)])) !== undefined, 'the consumer to get there');
    controller.abort();
    return running;
  }

  it('moves the checkpoint in the handler transaction: host writes and checkpoint commit together', async () => {
    const name = uniqueName('atomic');
    await append(name, 250);
    const consumer = new FeedConsumer(host(), { name, batchSize: 100 });
    const outcome = await runUntil(consumer, project(name), async () => (await projected(name)).length === 250);
    expect(outcome).toBe('resolved');
    const rows = await projected(name);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    const status = (await consumer.status())!;
    expect(status).toMatchObject({ name, attempts: 0, lastError: null, active: false, mode: 'poll' });
    // the checkpoint is at (or past, for the other tests' events) the last event of ours
    const last = (await sql<{ position: string }>`select tx_id::text || ':' || id::text as position from schema_kit.event_log where entity_type = ${name} order by tx_id desc, id desc limit 1`.execute(database().db)).rows[0]!;
    const [ptx, pid] = status.position.split(':').map(BigInt);
    const [ltx, lid] = last.position.split(':').map(BigInt);
    expect(ptx! > ltx! || (ptx === ltx && pid! >= lid!)).toBe(true);
  });

  it('retries a throwing handler with backoff, stops at the failing event with the error recorded, never skips it; skip moves past it', async () => {
    const name = uniqueName('failing');
    const [, , poison] = await append(name, 5);
    const attempts: number[] = [];
    const handler = async (batch: StreamedEvent[], trx: Transaction<HostDB>) => {
      await project(name)(batch, trx);
      if (batch.some((e) => e.id === poison!.id)) {
        attempts.push(batch.length);
        throw new Error('cannot project order 2');
      }
    };
    const consumer = new FeedConsumer(host(), { name, batchSize: 100, maxAttempts: 3, retryDelayMs: 1 });
    const error = await consumer.run(handler).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaKitError);
    expect(error).toMatchObject({ code: 'consumer_stopped' });
    expect((error as Error).cause).toMatchObject({ message: 'cannot project order 2' });
    expect(attempts[0]).toBeGreaterThan(1);
    expect(attempts.slice(1)).toEqual([1, 1, 1]); // after the first failure, one event at a time: 3 attempts at the poison itself
    // the events before the poison are projected and committed; the poison and after are not
    expect((await projected(name)).map((r) => r.event_id).sort()).toEqual([BigInt(poison!.id) - 2n, BigInt(poison!.id) - 1n].map(String).sort());
    const stopped = (await consumer.status())!;
    expect(stopped).toMatchObject({ attempts: 3, lastError: 'Error: cannot project order 2', active: false });
    expect(stopped.eventsBehind).toBeGreaterThanOrEqual(3);

    await consumer.skip(`${poison!.tx_id}:${poison!.id}`);
    expect((await consumer.status())!).toMatchObject({ attempts: 0, lastError: null, position: `${poison!.tx_id}:${poison!.id}` });
    expect(await runUntil(consumer, handler, async () => (await projected(name)).length === 4)).toBe('resolved');
    expect((await projected(name)).map((r) => r.event_id)).not.toContain(poison!.id);
  });

  it('resets to the beginning or to a position and replays', async () => {
    const name = uniqueName('reset');
    const rows = await append(name, 30);
    const consumer = new FeedConsumer(host(), { name, batchSize: 7, filter: { entityTypes: [name] } });
    await runUntil(consumer, project(name), async () => (await projected(name)).length === 30);
    await sql`delete from projection where consumer = ${name}`.execute(database().db);
    await consumer.reset({ to: `${rows[9]!.tx_id}:${rows[9]!.id}` });
    await runUntil(consumer, project(name), async () => (await projected(name)).length === 20);
    expect((await projected(name)).map((r) => Number(r.event_id)).sort((a, b) => a - b)).toEqual(rows.slice(10).map((r) => Number(r.id)));
    await sql`delete from projection where consumer = ${name}`.execute(database().db);
    await consumer.reset();
    expect((await consumer.status())!.position).toBe('0:0');
    await runUntil(consumer, project(name), async () => (await projected(name)).length === 30);
    expect((await projected(name)).every((r) => r.n === 1)).toBe(true);
  });

  it('rejects bad options and positions naming the field, writing nothing', async () => {
    expect(() => new FeedConsumer(host(), { name: '' })).toThrow(SchemaKitValidationError);
    expect(() => new FeedConsumer(host(), { name: 'x', batchSize: 0 })).toThrow(expect.objectContaining({ field: 'options.batchSize' }));
    const consumer = new FeedConsumer(host(), { name: uniqueName('bad') });
    await expect(consumer.skip('nope')).rejects.toMatchObject({ field: 'position' });
    await expect(consumer.reset({ to: '1' })).rejects.toMatchObject({ field: 'options.to' });
    expect(await consumer.status()).toBeUndefined();
    await host().transaction().execute(async (trx) => {
      expect(() => new FeedConsumer(trx as unknown as Kysely<HostDB>, { name: 'x' })).toThrow(expect.objectContaining({ field: 'db' }));
    });
  });

  it('resolves run on abort only after the batch in hand is committed', async () => {
    const name = uniqueName('abort');
    await append(name, 3);
    const inHandler = signal();
    const release = signal();
    const controller = new AbortController();
    const consumer = new FeedConsumer(host(), { name, filter: { entityTypes: [name] } });
    let settled = false;
    const running = consumer
      .run(
        async (batch, trx) => {
          inHandler.resolve();
          await release.promise;
          await project(name)(batch, trx);
        },
        { signal: controller.signal },
      )
      .finally(() => (settled = true));
    await inHandler.promise;
    controller.abort();
    await Promise.resolve();
    expect(settled).toBe(false);
    release.resolve();
    await running;
    expect(await projected(name)).toHaveLength(3);
    expect((await consumer.status())!.active).toBe(false);
  });

  it('keeps one active runner per name; the other waits as a standby and takes over when the active one stops', async () => {
    const name = uniqueName('pair');
    const seen = new Map<string, number>();
    const handlerOf = (who: string) => async (batch: StreamedEvent[], trx: Transaction<HostDB>) => {
      await project(name)(batch, trx);
      for (const e of batch) if (e.entity_type === name) seen.set(who, (seen.get(who) ?? 0) + 1);
    };
    const kysely = (application: string) => {
      const pool = new pg.Pool({ connectionString: database().url, max: 4, application_name: application });
      pool.on('error', () => undefined);
      // a checked-out client whose backend is killed between two statements of a transaction
      pool.on('connect', (client) => client.on('error', () => undefined));
      return new Kysely<HostDB>({ dialect: new PostgresDialect({ pool }) });
    };
    const dbs = { first: kysely(`${name}-first`), second: kysely(`${name}-second`) };
    const a = new AbortController();
    const b = new AbortController();
    const first = new FeedConsumer(dbs.first, { name, leaseMs: 1000 });
    const second = new FeedConsumer(dbs.second, { name, leaseMs: 1000 });
    const runs = [first.run(handlerOf('first'), { signal: a.signal }), second.run(handlerOf('second'), { signal: b.signal })];
    try {
      await waitFor(async () => (await first.status())?.active, 'a runner to hold the lease');
      await append(name, 20);
      await waitFor(async () => (await projected(name)).length === 20, 'the active runner to project 20 events');
      expect(seen.size).toBe(1);
      const [active] = [...seen.keys()] as ['first' | 'second'];
      // kill the active runner's backends: it reconnects and keeps its lease (the standby may only
      // take over once the lease lapses, and every move is fenced by it), nothing doubles
      const kill = () => database().owner.pool.query('select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where application_name = $1', [`${name}-${active}`]);
      await kill();
      await append(name, 20);
      await kill();
      await waitFor(async () => (await projected(name)).length === 40, 'the projection to reach 40 events after the connections were killed');
      // the active one stops: the standby takes over
      (active === 'first' ? a : b).abort();
      await runs[active === 'first' ? 0 : 1];
      await append(name, 20);
      await waitFor(async () => (await projected(name)).length === 60, 'the standby to take over and project the rest');
      expect([...seen.keys()].sort()).toEqual(['first', 'second']);
      expect((await projected(name)).every((r) => r.n === 1)).toBe(true);
    } finally {
      a.abort();
      b.abort();
      await Promise.allSettled(runs);
      await Promise.all([dbs.first.destroy(), dbs.second.destroy()]);
    }
  });

  it('wakes on LISTEN/NOTIFY when given the pool, with the mode in its status, and publishes each batch on the diagnostics channel', async () => {
    const name = uniqueName('listen');
    const messages: ConsumerLagMessage[] = [];
    const subscriber = (message: unknown) => {
      if ((message as ConsumerLagMessage).name === name) messages.push(message as ConsumerLagMessage);
    };
    channel(CONSUMER_CHANNEL).subscribe(subscriber);
    try {
      // a long poll interval: the events arrive on notifications
      const consumer = new FeedConsumer(host(), { name, pool: database().pool, pollIntervalMs: 60_000, leaseMs: 180_000, filter: { entityTypes: [name] } });
      const controller = new AbortController();
      const running = consumer.run(project(name), { signal: controller.signal });
      await waitFor(async () => (await consumer.status())?.mode === 'listen', 'the consumer to LISTEN');
      for (let i = 0; i < 5; i++) {
        await append(name, 1);
        await waitFor(async () => (await projected(name)).length === i + 1, `event ${i + 1} to be projected on its notification`);
      }
      await waitFor(() => messages.some((m) => m.handled === 1), 'a diagnostics message of a batch of one event');
      expect(messages.find((m) => m.handled === 1)).toMatchObject({ name, mode: 'listen', position: expect.stringMatching(/^\d+:\d+$/), eventsBehind: expect.any(Number), secondsBehind: expect.any(Number) });
      expect((await new FeedConsumerRepo(database().db).status()).find((c) => c.name === name)).toMatchObject({ mode: 'listen', active: true });
      controller.abort();
      await running;
    } finally {
      channel(CONSUMER_CHANNEL).unsubscribe(subscriber);
    }
  });

  it("hands the host's own Kysely transaction, plugins kept (CamelCasePlugin)", async () => {
    const name = uniqueName('camel');
    const pool = new pg.Pool({ connectionString: database().url, max: 4 });
    pool.on('error', () => undefined);
    const camel = new Kysely<HostDB>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] });
    try {
      await events().appendMany([
        { action: 'order.placed', entity_type: name, entity_id: 'o1' },
        { action: 'order.paid', entity_type: name, entity_id: 'o1' },
        { action: 'order.placed', entity_type: name, entity_id: 'o2' },
      ]);
      const consumer = new FeedConsumer(camel, { name, pool, filter: { entityTypes: [name] } });
      await runUntil(
        consumer,
        async (batch, trx) => {
          for (const e of batch) {
            await trx
              .insertInto('orders_view')
              .values({ orderId: `${name}:${e.entity_id}`, status: e.action })
              .onConflict((oc) => oc.column('orderId').doUpdateSet((eb) => ({ status: eb.ref('excluded.status'), eventCount: eb('orders_view.eventCount', '+', 1) })))
              .execute();
          }
        },
        async () => (await consumer.status())?.eventsBehind === 0 && (await consumer.status())?.position !== '0:0',
      );
      const view = await camel.selectFrom('orders_view').selectAll().where('orderId', 'like', `${name}:%`).orderBy('orderId').execute();
      expect(view).toEqual([
        { orderId: `${name}:o1`, status: 'order.paid', eventCount: 1 },
        { orderId: `${name}:o2`, status: 'order.placed', eventCount: 0 },
      ]);
    } finally {
      await camel.destroy();
    }
  });
});

describe.skipIf(TEST_TARGET === 'pglite')('FeedConsumer status across consumers', () => {
  const database = useInstalledDatabase(['audit', 'consumers']);
  let pool: pg.Pool;
  beforeAll(() => {
    pool = database().pool;
  });
  afterAll(() => undefined);

  it('lists every consumer by name with its lag', async () => {
    const db = database().db;
    await new EventLogRepo(db).appendMany([{ action: 'a', entity_type: 't', entity_id: '1' }, { action: 'a', entity_type: 't', entity_id: '2' }]);
    await new FeedConsumer(db, { name: 'zeta' }).reset();
    await new FeedConsumer(db, { name: 'alpha' }).reset();
    const status = await new FeedConsumerRepo(db).status();
    expect(status.map((s) => s.name)).toEqual(['alpha', 'zeta']);
    expect(status[0]).toMatchObject({ position: '0:0', eventsBehind: 2, active: false, attempts: 0, lastError: null });
    expect(status[0]!.secondsBehind).toBeGreaterThanOrEqual(0);
    expect(pool).toBeDefined();
  });
});
