// How the shop tests its bot with schema-kit/testing: one in-process PGlite for the file (schema-kit's
// modules and the shop's own migration), emptied after each test, and factories for the rows a
// test needs. Run: npx vitest run examples/grammy-shop (npm test runs it in its `pglite` project).
import { BotError } from 'grammy';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProcessedMessageRepo, SchemaKitConflictError, SessionRepo, UserRepo } from 'schema-kit';
import { createTestDatabase, type TestDatabase } from 'schema-kit/testing';
import { SHOP_BOT_INFO } from './bot-info.js';
import { createShopBot, ordersByUser } from './bot.js';
import { migrateShop, type ShopDB } from './shop-schema.js';
import { startTelegramApi, type LocalTelegramApi } from './telegram-api.js';
import { channelPostUpdate, reactionCountUpdate, textUpdate } from './updates.js';

describe('the shop bot', () => {
  let t: TestDatabase<ShopDB>;
  let api: LocalTelegramApi;
  const duplicates: number[] = [];

  beforeAll(async () => {
    t = await createTestDatabase<ShopDB>({ modules: ['core', 'audit', 'idempotency', 'sessions'] });
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
      sessionPrefix: 'shop:',
      onDuplicate: (id) => duplicates.push(id),
    });
  const replies = () => api.sent.map((message) => message.text);
  const claimOf = (updateId: number) => `bot:${SHOP_BOT_INFO.id}:update:${updateId}`;
  const inbox = () => new ProcessedMessageRepo(t.db, { consumer: 'shop' });
  const ada = { id: 7001, first_name: 'Ada', username: 'ada' };
  const channel = { id: -1_001_234_567_890, title: 'Shop news' };

  it('places one order and replies once for an update Telegram delivers twice', async () => {
    const bot = shop();
    await bot.handleUpdate(textUpdate(1, ada, '/buy coffee'));
    await bot.handleUpdate(textUpdate(1, ada, '/buy coffee'));
    expect(replies()).toEqual(['Order placed: coffee (3.50 EUR).']);
    expect(duplicates).toEqual([1]);
    const users = await t.db.selectFrom('schema_kit.users').select('id').execute();
    expect(await ordersByUser(t.db, users.map((u) => u.id))).toEqual([{ telegram_username: 'ada', orders: '1', cents: '350' }]);
    expect(await new SessionRepo(t.db).read(`shop:${ada.id}`)).toEqual({ lastProduct: 'coffee' });
  });

  it('keeps nothing of an update whose order the shop refuses: no claim, no new user, no session change, no reply', async () => {
    const error = await shop().handleUpdate(textUpdate(2, ada, '/buy cake')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BotError);
    expect((error as BotError).error).toBeInstanceOf(SchemaKitConflictError);
    expect(await inbox().isProcessed(claimOf(2))).toBe(false);
    expect(await new UserRepo(t.db).findByTelegramId(ada.id)).toBeUndefined();
    expect(await new SessionRepo(t.db).read(`shop:${ada.id}`)).toBeUndefined();
    expect(replies()).toEqual([]);
  });

  it('sends its reply only once the claim has committed', async () => {
    const bot = shop();
    // before each Bot API call, look from outside the update's transaction: on PGlite's single
    // connection this query would wait for a transaction still open, and fail saying so
    const claimedAtSend: boolean[] = [];
    bot.api.config.use(async (call, method, payload, signal) => {
      claimedAtSend.push(await inbox().isProcessed(claimOf(4)));
      return call(method, payload, signal);
    });
    await bot.handleUpdate(textUpdate(4, ada, '/start'));
    expect(claimedAtSend).toEqual([true]);
    expect(replies()).toEqual(['Welcome, Ada! Try /buy coffee.']);
  });

  it('sends nothing for an update whose handler fails after replying, and keeps no claim', async () => {
    const bot = shop();
    bot.command('refund', async (ctx) => {
      await ctx.reply('Refunded.');
      throw new Error('the payment provider is down');
    });
    const error = await bot.handleUpdate(textUpdate(5, ada, '/refund')).catch((e: unknown) => e);
    expect((error as BotError).error).toEqual(new Error('the payment provider is down'));
    expect(replies()).toEqual([]);
    expect(await inbox().isProcessed(claimOf(5))).toBe(false);
  });

  it('answers a channel post (no sender) in the channel, once, storing no user', async () => {
    const bot = shop();
    await bot.handleUpdate(channelPostUpdate(6, channel, '/start'));
    await bot.handleUpdate(channelPostUpdate(6, channel, '/start'));
    expect(replies()).toEqual(['Shop news: we sell coffee, tea, cake.']);
    expect(duplicates).toEqual([6]);
    expect(await t.db.selectFrom('schema_kit.users').select('id').execute()).toEqual([]);
  });

  it('claims a service update (reaction counts, no sender) once, with nothing to say', async () => {
    const bot = shop();
    await bot.handleUpdate(reactionCountUpdate(7, channel, 60));
    await bot.handleUpdate(reactionCountUpdate(7, channel, 60));
    expect(await inbox().isProcessed(claimOf(7))).toBe(true);
    expect(duplicates).toEqual([7]);
    expect(replies()).toEqual([]);
  });

  it("lists a returning customer's orders (the customer made by a factory), and orders again from the session", async () => {
    const grace = await t.make.telegramUser({ telegram_id: 7002, telegram_first_name: 'Grace', telegram_username: 'grace' });
    await t.db.insertInto('orders').values({ user_id: grace.id, product: 'tea', price_cents: 250 }).execute();
    const bot = shop();
    const from = { id: 7002, first_name: 'Grace', username: 'grace' };
    await bot.handleUpdate(textUpdate(3, from, '/orders'));
    await bot.handleUpdate(textUpdate(8, from, '/again'));
    await bot.handleUpdate(textUpdate(9, from, '/buy tea'));
    await bot.handleUpdate(textUpdate(10, from, '/again'));
    expect(replies()).toEqual(['Your orders: tea 2.50 EUR.', 'Nothing to order again yet.', 'Order placed: tea (2.50 EUR).', 'Order placed: tea (2.50 EUR).']);
  });
});
