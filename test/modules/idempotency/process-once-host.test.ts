import { CamelCasePlugin, Kysely, PostgresDialect, sql, type Generated, type Transaction } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventLogRepo, ProcessedMessageRepo, SchemaKitError, UserRepo, type Database } from '../../../src/index.js';
import { useInstalledDatabase } from '../../helpers/installed.js';
import { TEST_TARGET } from '../../helpers/target.js';

// A host service's own table, in its own schema (public), with a foreign key to schema-kit's users.
interface OrdersTable {
  id: Generated<string>;
  user_id: string;
  total_cents: number;
}
interface HostDB extends Database {
  orders: OrdersTable;
}
// The same host, written the way a CamelCasePlugin host writes its types.
interface CamelOrdersTable {
  id: Generated<string>;
  userId: string;
  totalCents: number;
}
interface CamelHostDB extends Database {
  orders: CamelOrdersTable;
}

describe('processOnce hands the handler the host transaction', () => {
  const database = useInstalledDatabase(['core', 'audit', 'idempotency']);
  let host: Kysely<HostDB>;
  let camel: Kysely<CamelHostDB>;

  beforeAll(async () => {
    const { owner, role } = database();
    await sql`create table public.orders (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references schema_kit.users (id),
      total_cents integer not null check (total_cents > 0))`.execute(owner.db);
    if (TEST_TARGET === 'pglite') {
      // one connection, one role: the host is the owner's Kysely with the host's tables added
      host = owner.db.withTables<{ orders: OrdersTable }>();
      camel = owner.db.withTables<{ orders: CamelOrdersTable }>().withPlugin(new CamelCasePlugin());
      return;
    }
    await sql.raw(`grant select, insert, delete on public.orders to "${role}"`).execute(owner.db);
    const { url } = database();
    host = new Kysely<HostDB>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 4 }) }) });
    camel = new Kysely<CamelHostDB>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 4 }) }),
      plugins: [new CamelCasePlugin()],
    });
  });
  afterAll(async () => {
    if (TEST_TARGET === 'pglite') return; // the PGlite database closes with the file
    await host?.destroy();
    await camel?.destroy();
  });

  const counts = async () => {
    const { rows } = await sql<{ orders: number; users: number; events: number; claims: number }>`
      select (select count(*)::int from public.orders) as orders,
             (select count(*)::int from schema_kit.users) as users,
             (select count(*)::int from schema_kit.event_log) as events,
             (select count(*)::int from schema_kit.processed_messages) as claims`.execute(database().owner.db);
    return rows[0]!;
  };

  /** The host's work for one update: a user (schema-kit), an order (the host's), an event (schema-kit). */
  async function work(trx: Transaction<HostDB>, telegramId: number, totalCents: number) {
    const { user } = await new UserRepo(trx).upsertTelegramUser({ telegram_id: telegramId });
    const order = await trx
      .insertInto('orders')
      .values({ user_id: user.id, total_cents: totalCents })
      .returning('id')
      .executeTakeFirstOrThrow();
    await new EventLogRepo(trx).append({ user_id: user.id, action: 'order.created', entity_type: 'order', entity_id: order.id });
    return order.id;
  }

  it('a throw undoes the host table write and schema-kit writes together', async () => {
    const before = await counts();
    const inbox = new ProcessedMessageRepo(host, { consumer: 'plain' });
    await expect(
      inbox.processOnce('tg:update:1', async (trx) => {
        await work(trx, 1001, 500);
        throw new Error('payment provider down');
      }),
    ).rejects.toThrow('payment provider down');
    expect(await counts()).toEqual(before);
    expect(await inbox.isProcessed('tg:update:1')).toBe(false);

    const outcome = await inbox.processOnce('tg:update:1', (trx) => work(trx, 1001, 500));
    expect(outcome.processed).toBe(true);
    expect(await counts()).toEqual({
      orders: before.orders + 1,
      users: before.users + 1,
      events: before.events + 1,
      claims: before.claims + 1,
    });
  });

  it('a failed statement of the host (its own CHECK) undoes everything too', async () => {
    const before = await counts();
    const inbox = new ProcessedMessageRepo(host, { consumer: 'check' });
    await expect(inbox.processOnce('tg:update:2', (trx) => work(trx, 1002, -1))).rejects.toThrow(/orders_total_cents_check/);
    expect(await counts()).toEqual(before);
  });

  it('keeps the host plugins: a CamelCasePlugin host writes its camelCase columns in the handler', async () => {
    const before = await counts();
    const inbox = new ProcessedMessageRepo(camel, { consumer: 'camel' });
    const handler = async (trx: Transaction<CamelHostDB>) => {
      const { user } = await new UserRepo(trx).upsertTelegramUser({ telegram_id: 2001 });
      const order = await trx
        .insertInto('orders')
        .values({ userId: user.id, totalCents: 700 })
        .returning(['id', 'totalCents'])
        .executeTakeFirstOrThrow();
      await new EventLogRepo(trx).append({ user_id: user.id, action: 'order.created', entity_type: 'order', entity_id: order.id });
      return order;
    };
    await expect(
      inbox.processOnce('tg:update:3', async (trx) => {
        await handler(trx);
        throw new Error('after the writes');
      }),
    ).rejects.toThrow('after the writes');
    expect(await counts()).toEqual(before);

    const outcome = await inbox.processOnce('tg:update:3', handler);
    expect(outcome.processed && outcome.result.totalCents).toBe(700);
    expect((await counts()).orders).toBe(before.orders + 1);
  });

  it('inside the host transaction: the handler gets that transaction, and a throw undoes only the handler', async () => {
    const before = await counts();
    await host.transaction().execute(async (outer) => {
      await work(outer, 3001, 100); // the host's own work before the handler: kept
      const inbox = new ProcessedMessageRepo(outer, { consumer: 'nested' });
      let seen: Transaction<HostDB> | undefined;
      await expect(
        inbox.processOnce('tg:update:4', async (trx) => {
          seen = trx;
          await work(trx, 3002, 200);
          throw new Error('inner');
        }),
      ).rejects.toThrow('inner');
      expect(seen).toBe(outer);
      expect(await inbox.processOnce('tg:update:4', (trx) => work(trx, 3002, 200))).toMatchObject({ processed: true });
    });
    const after = await counts();
    expect(after.orders).toBe(before.orders + 2);
    expect(after.users).toBe(before.users + 2);
    expect(after.claims).toBe(before.claims + 1);
  });

  it('the host transaction is not scoped to schema_kit: the host table resolves in its own schema', async () => {
    const inbox = new ProcessedMessageRepo(host, { consumer: 'scope' });
    const outcome = await inbox.processOnce('tg:update:5', async (trx) => {
      const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(trx);
      return rows[0]!.schema;
    });
    expect(outcome).toEqual({ processed: true, result: 'public' });
  });

  it('a repository built on the outer db, used inside the handler, is refused with a typed error: nothing escapes the handler transaction', async () => {
    const before = await counts();
    const outerUsers = new UserRepo(host); // built once at start-up, on the outer db
    const outerEvents = new EventLogRepo(host);
    const outerInbox = new ProcessedMessageRepo(host, { consumer: 'outer' });
    const inbox = new ProcessedMessageRepo(host, { consumer: 'escape' });
    for (const [index, misuse] of [
      () => outerUsers.upsertTelegramUser({ telegram_id: 4001 }), // the query builder
      () => outerEvents.append({ action: 'escaped', entity_type: 'x', entity_id: '1' }), // prepared SQL
      () => outerInbox.processOnce('tg:update:inner', async () => 'nested'), // a transaction of its own
    ].entries()) {
      const error = await inbox.processOnce(`tg:update:escape-${index}`, async () => misuse()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SchemaKitError);
      expect(error).toMatchObject({ code: 'outside_handler_transaction' });
      expect((error as Error).message).toMatch(/handler's transaction/);
    }
    expect(await counts()).toEqual(before); // nothing written, the claims rolled back with the handlers
    // outside a handler the same repositories work as before
    expect((await outerUsers.upsertTelegramUser({ telegram_id: 4001 })).created).toBe(true);
  });

  it('a repository built with allowOutsideTransaction writes on its own connection inside a handler, and keeps it when the handler fails', async () => {
    if (TEST_TARGET === 'pglite') return; // one connection: a second one cannot exist beside the handler's
    const before = await counts();
    const failures = new EventLogRepo(host, { allowOutsideTransaction: true });
    const inbox = new ProcessedMessageRepo(host, { consumer: 'deliberate' });
    await expect(
      inbox.processOnce('tg:update:deliberate', async (trx) => {
        await work(trx, 4101, 100);
        await failures.append({ action: 'order.attempted', entity_type: 'order', entity_id: 'deliberate' });
        throw new Error('payment declined');
      }),
    ).rejects.toThrow('payment declined');
    const after = await counts();
    expect(after).toEqual({ ...before, events: before.events + 1 }); // the deliberate write only
  });
});
