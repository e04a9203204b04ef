// The shop bot: every update is claimed and handled in one transaction of the shop's own Kysely,
// so the shop's orders and schema-kit's users, events and claims commit or roll back together.
import { Bot, type Context } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Kysely, Transaction } from 'kysely';
import { EventLogRepo, ProcessedMessageRepo, UserRepo, type User } from 'schema-kit';
import type { ShopDB } from './shop-schema.js';

/** What the shop's handlers get besides grammY's context: the update's transaction and its user. */
export interface ShopFlavor {
  trx: Transaction<ShopDB>;
  user: User;
}
/** The shop bot's context. */
export type ShopContext = Context & ShopFlavor;

const PRICES_CENTS: Readonly<Record<string, number>> = { coffee: 350, tea: 250, cake: 2500 };

const euros = (cents: number) => `${(cents / 100).toFixed(2)} EUR`;

/** Builds the bot; `onDuplicate` hears about redelivered updates, which do nothing. */
export function createShopBot(
  db: Kysely<ShopDB>,
  options: { token: string; botInfo: UserFromGetMe; apiRoot: string; consumer: string; onDuplicate: (updateId: number) => void },
): Bot<ShopContext> {
  const bot = new Bot<ShopContext>(options.token, { botInfo: options.botInfo, client: { apiRoot: options.apiRoot } });
  const inbox = new ProcessedMessageRepo(db, { consumer: options.consumer });

  // Claim the update, record who sent it, and run the handlers, all in one transaction.
  bot.use(async (ctx, next) => {
    const from = ctx.from;
    if (!from) return;
    const outcome = await inbox.processOnce(`tg:update:${ctx.update.update_id}`, async (trx) => {
      const { user } = await new UserRepo(trx).upsertTelegramUser({
        telegram_id: from.id,
        telegram_username: from.username ?? null,
        telegram_first_name: from.first_name,
      });
      ctx.trx = trx;
      ctx.user = user;
      await next();
    });
    if (!outcome.processed) options.onDuplicate(ctx.update.update_id);
  });

  bot.command('start', (ctx) => ctx.reply(`Welcome, ${ctx.user.telegram_first_name}! Try /buy coffee.`));

  bot.command('buy', async (ctx) => {
    const product = ctx.match.trim();
    const price = PRICES_CENTS[product];
    if (price === undefined) {
      await ctx.reply(`We have ${Object.keys(PRICES_CENTS).join(', ')}.`);
      return;
    }
    // the shop's own table, in the same transaction as schema-kit's claim
    const order = await ctx.trx
      .insertInto('orders')
      .values({ user_id: ctx.user.id, product, price_cents: price })
      .returning('id')
      .executeTakeFirstOrThrow();
    await new EventLogRepo(ctx.trx).append({
      user_id: ctx.user.id,
      action: 'order.created',
      entity_type: 'order',
      entity_id: order.id,
      details: { product, price_cents: price },
    });
    await ctx.reply(`Order placed: ${product} (${euros(price)}).`);
  });

  bot.command('orders', async (ctx) => {
    const orders = await ctx.trx
      .selectFrom('orders')
      .select(['product', 'price_cents'])
      .where('user_id', '=', ctx.user.id)
      .orderBy('created_at')
      .execute();
    await ctx.reply(orders.length === 0 ? 'No orders yet.' : `Your orders: ${orders.map((o) => `${o.product} ${euros(o.price_cents)}`).join(', ')}.`);
  });

  return bot;
}

/** Orders and spend per Telegram username, for the given users: the shop's table joined to schema-kit's. */
export function ordersByUser(db: Kysely<ShopDB>, userIds: readonly string[]) {
  return db
    .selectFrom('orders')
    .innerJoin('schema_kit.users as u', 'u.id', 'orders.user_id')
    .select((eb) => ['u.telegram_username', eb.fn.countAll<string>().as('orders'), eb.fn.sum<string>('orders.price_cents').as('cents')])
    .where('u.id', 'in', userIds)
    .groupBy('u.telegram_username')
    .orderBy('u.telegram_username')
    .execute();
}
