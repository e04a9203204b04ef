// How the shop tests its bot with schema-kit/testing: one in-process PGlite for the file (schema-kit's
// modules and the shop's own migration), emptied after each test, and factories for the rows a
// test needs. Run: npx vitest run examples/grammy-shop (npm test runs it in its `pglite` project).
import { BotError } from 'grammy';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProcessedMessageRepo, SchemaKitConflictError, UserRepo } from 'schema-kit';
import { createTestDatabase, type TestDatabase } from 'schema-kit/testing';
import { SHOP_BOT_INFO } from './bot-info.js';
import { createShopBot, ordersByUser } from './bot.js';
import { migrateShop, type ShopDB } from './shop-schema.js';
import { startTelegramApi, type LocalTelegramApi } from './telegram-api.js';
import { textUpdate } from './updates.js';

describe('the shop bot', () => {
  let t: TestDatabase<ShopDB>;
  let api: LocalTelegramApi;
  const duplicates: number[] = [];

  beforeAll(async () => {
    t = await createTestDatabase<ShopDB>({ modules: ['core', 'audit', 'idempotency'] });
    await migrateShop(t.db);
    api = await startTelegramApi();
  });
  afterEach(async () => {
    // the shop's orders reference schema-kit's users: they are emptied in the same statement
    await t.reset({ alsoTruncate: ['public.orders'] });
    api.sent.length = 0;
    duplicates.length = 0;
  });
  afterAll(async () => {
    await api?.close();
    await t?.destroy();
  });

  const shop = () =>
    createShopBot(t.db, {
      token: '123456:offline-test',
      botInfo: SHOP_BOT_INFO,
      apiRoot: api.apiRoot,
      consumer: 'shop',
      onDuplicate: (id) => duplicates.push(id),
    });
  const replies = () => api.sent.map((message) => message.text);
  const ada = { id: 7001, first_name: 'Ada', username: 'ada' };

  it('places one order for an update Telegram delivers twice', async () => {
    const bot = shop();
    await bot.handleUpdate(textUpdate(1, ada, '/buy coffee'));
    await bot.handleUpdate(textUpdate(1, ada, '/buy coffee'));
    expect(replies()).toEqual(['Order placed: coffee (3.50 EUR).']);
    expect(duplicates).toEqual([1]);
    const users = await t.db.selectFrom('schema_kit.users').select('id').execute();
    expect(await ordersByUser(t.db, users.map((u) => u.id))).toEqual([{ telegram_username: 'ada', orders: '1', cents: '350' }]);
  });

  it('keeps nothing of an update whose order the shop refuses: no claim, no new user', async () => {
    const error = await shop().handleUpdate(textUpdate(2, ada, '/buy cake')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BotError);
    expect((error as BotError).error).toBeInstanceOf(SchemaKitConflictError);
    expect(await new ProcessedMessageRepo(t.db, { consumer: 'shop' }).isProcessed('tg:update:2')).toBe(false);
    expect(await new UserRepo(t.db).findByTelegramId(ada.id)).toBeUndefined();
  });

  it("lists a returning customer's orders (the customer made by a factory)", async () => {
    const grace = await t.make.telegramUser({ telegram_id: 7002, telegram_first_name: 'Grace', telegram_username: 'grace' });
    await t.db.insertInto('orders').values({ user_id: grace.id, product: 'tea', price_cents: 250 }).execute();
    await shop().handleUpdate(textUpdate(3, { id: 7002, first_name: 'Grace', username: 'grace' }, '/orders'));
    expect(replies()).toEqual(['Your orders: tea 2.50 EUR.']);
  });
});
