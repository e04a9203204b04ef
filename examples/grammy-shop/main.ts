// A grammY shop bot hosted on schema-kit: the shop's own orders table and migration, schema-kit's
// users, audit log, sessions and exactly-once updates (schema-kit/grammy), one transaction per
// update, no casts.
import { BotError } from 'grammy';
import { Kysely, PostgresDialect } from 'kysely';
import { migrateToLatest, ProcessedMessageRepo, SchemaKitConflictError, UserRepo } from 'schema-kit';
import { RUN, runExample } from '../shared/open-database.mjs';
import { SHOP_BOT_INFO } from './bot-info.js';
import { createShopBot, ordersByUser } from './bot.js';
import { migrateShop, type ShopDB } from './shop-schema.js';
import { startTelegramApi } from './telegram-api.js';
import { channelPostUpdate, reactionCountUpdate, textUpdate } from './updates.js';

await runExample(async (_untyped, pool) => {
  const db = new Kysely<ShopDB>({ dialect: new PostgresDialect({ pool }) });
  const { error } = await migrateToLatest(db, { add: ['core', 'audit', 'idempotency', 'sessions'] });
  if (error) throw error;
  await migrateShop(db); // the shop's own migration, after schema-kit's

  // this run's own Telegram ids and dedup key space (RUN < 2^47: the ids fit Telegram's 52 bits)
  const ada = { id: RUN * 2, first_name: 'Ada', username: 'ada' };
  const bob = { id: RUN * 2 + 1, first_name: 'Bob', username: 'bob' };
  const channel = { id: -1_001_234_567_890, title: 'Shop news' };
  const deliveries = [
    textUpdate(501, ada, '/start'),
    textUpdate(502, ada, '/buy coffee'),
    textUpdate(502, ada, '/buy coffee'), // Telegram redelivers: it acts once
    textUpdate(503, bob, '/buy cake'), // over the shop's limit: the orders CHECK refuses it
    textUpdate(504, bob, '/buy tea'),
    textUpdate(505, ada, '/orders'),
    channelPostUpdate(506, channel, '/start'), // no sender: handled, answered in the channel
    reactionCountUpdate(507, channel, 5060), // a service update, no sender either: claimed, nothing to say
    textUpdate(508, ada, '/again'), // the session remembers her last product
    textUpdate(509, bob, '/again'), // his cake rolled back with its session change: tea it is
  ];

  const consumer = `grammy-shop-${RUN}`;
  const api = await startTelegramApi();
  try {
    const bot = createShopBot(db, {
      token: '123456:offline-example',
      botInfo: SHOP_BOT_INFO,
      apiRoot: api.apiRoot,
      consumer,
      sessionPrefix: `${consumer}:`,
      onDuplicate: (id) => console.log(`update ${id}: redelivered, nothing done, nothing sent`),
    });
    for (const update of deliveries) {
      const before = api.sent.length;
      try {
        await bot.handleUpdate(update);
        const replies = api.sent.slice(before);
        for (const message of replies) console.log(`update ${update.update_id}: bot replied "${message.text}"`);
        if (replies.length === 0 && update.message_reaction_count) console.log(`update ${update.update_id}: handled, nothing to say`);
      } catch (failure) {
        const cause = failure instanceof BotError ? failure.error : failure;
        if (!(cause instanceof SchemaKitConflictError)) throw cause;
        // the claim, the sender's new user row and the order were one transaction: none is kept
        const claimed = await new ProcessedMessageRepo(db, { consumer }).isProcessed(`bot:${SHOP_BOT_INFO.id}:update:${update.update_id}`);
        const sender = await new UserRepo(db).findByTelegramId(update.message?.from.id ?? 0);
        console.log(`update ${update.update_id}: refused by ${cause.constraint}; claimed: ${claimed ? 'yes' : 'no'}, sender stored: ${sender ? 'yes' : 'no'}`);
      }
    }

    const users = await db
      .selectFrom('schema_kit.users')
      .select(['id', 'telegram_username'])
      .where('telegram_id', 'in', [String(ada.id), String(bob.id)])
      .orderBy('telegram_username')
      .execute();
    console.log(`users: ${users.map((u) => u.telegram_username).join(', ')}`);
    for (const row of await ordersByUser(db, users.map((u) => u.id))) {
      console.log(`${row.telegram_username}: ${row.orders} order(s), ${(Number(row.cents) / 100).toFixed(2)} EUR`);
    }
  } finally {
    await api.close();
  }
});
