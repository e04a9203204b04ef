// A grammY shop bot hosted on schema-kit: the shop's own orders table and migration, schema-kit's
// users, audit log and idempotent update handling, one transaction per update, no casts.
import { BotError } from 'grammy';
import { Kysely, PostgresDialect } from 'kysely';
import { migrateToLatest, ProcessedMessageRepo, SchemaKitConflictError, UserRepo } from 'schema-kit';
import { runExample } from '../shared/open-database.mjs';
import { createShopBot, ordersByUser } from './bot.js';
import { migrateShop, type ShopDB } from './shop-schema.js';
import { startTelegramApi } from './telegram-api.js';
import { textUpdate } from './updates.js';

await runExample(async (_untyped, pool) => {
  const db = new Kysely<ShopDB>({ dialect: new PostgresDialect({ pool }) });
  const { error } = await migrateToLatest(db, { modules: ['core', 'audit', 'idempotency'] });
  if (error) throw error;
  await migrateShop(db); // the shop's own migration, after schema-kit's

  // each run of the example uses fresh Telegram ids and a fresh dedup key space
  const run = Date.now();
  const ada = { id: (run % 1_000_000_000) * 2, first_name: 'Ada', username: 'ada' };
  const bob = { id: (run % 1_000_000_000) * 2 + 1, first_name: 'Bob', username: 'bob' };
  const deliveries = [
    textUpdate(501, ada, '/start'),
    textUpdate(502, ada, '/buy coffee'),
    textUpdate(502, ada, '/buy coffee'), // Telegram redelivers: it acts once
    textUpdate(503, bob, '/buy cake'), // over the shop's limit: the orders CHECK refuses it
    textUpdate(504, bob, '/buy tea'),
    textUpdate(505, ada, '/orders'),
  ];

  const consumer = `grammy-shop-${run}`;
  const api = await startTelegramApi();
  try {
    const bot = createShopBot(db, {
      token: '123456:offline-example',
      botInfo: {
        id: 123456,
        is_bot: true,
        first_name: 'Shop',
        username: 'schema_kit_shop_bot',
        can_join_groups: false,
        can_read_all_group_messages: false,
        supports_inline_queries: false,
        can_connect_to_business: false,
        has_main_web_app: false,
        has_topics_enabled: false,
        allows_users_to_create_topics: false,
        can_manage_bots: false,
        supports_join_request_queries: false,
      },
      apiRoot: api.apiRoot,
      consumer,
      onDuplicate: (id) => console.log(`update ${id}: redelivered, nothing done`),
    });
    for (const update of deliveries) {
      const before = api.sent.length;
      try {
        await bot.handleUpdate(update);
        for (const message of api.sent.slice(before)) console.log(`update ${update.update_id}: bot replied "${message.text}"`);
      } catch (failure) {
        const cause = failure instanceof BotError ? failure.error : failure;
        if (!(cause instanceof SchemaKitConflictError)) throw cause;
        // the claim, the sender's new user row and the order were one transaction: none is kept
        const claimed = await new ProcessedMessageRepo(db, { consumer }).isProcessed(`tg:update:${update.update_id}`);
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
