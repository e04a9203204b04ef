// The shop bot, on schema-kit/grammy: exactlyOnce claims every update and runs the handlers in one
// transaction of the shop's own Kysely, so the shop's orders, schema-kit's users, events, claims
// and the chat's session commit or roll back together; the replies go out after that commit.
import { Bot, session, type Context, type SessionFlavor } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Kysely } from 'kysely';
import { EventLogRepo, UserRepo, type User } from 'schema-kit';
import { exactlyOnce, sessionStorage, type ExactlyOnceFlavor } from 'schema-kit/grammy';
import type { ShopDB } from './shop-schema.js';

/** What the shop keeps per chat between updates: the last product ordered, for /again. */
export interface ShopSession {
  lastProduct?: string;
}

/** What the shop's handlers get besides grammY's context: the update's transaction (`trx`), the chat's session, and the sender as a user. */
export type ShopContext = Context & ExactlyOnceFlavor<ShopDB> & SessionFlavor<ShopSession> & { user: User };

const PRICES_CENTS: Readonly<Record<string, number>> = { coffee: 350, tea: 250, cake: 2500 };

const euros = (cents: number) => `${(cents / 100).toFixed(2)} EUR`;

/**
 * Builds the bot. `onDuplicate` hears of each update delivered again after it was handled, which
 * does nothing and sends nothing; `sessionPrefix` keeps this shop's sessions apart in the table.
 */
export function createShopBot(
  db: Kysely<ShopDB>,
  options: {
    token: string;
    botInfo: UserFromGetMe;
    apiRoot: string;
    consumer: string;
    sessionPrefix: string;
    onDuplicate: (updateId: number) => void;
  },
): Bot<ShopContext> {
  const bot = new Bot<ShopContext>(options.token, { botInfo: options.botInfo, client: { apiRoot: options.apiRoot } });

  // first: the claim and the transaction; every reply below is held until it commits
  bot.use(exactlyOnce(db, { consumer: options.consumer, onDuplicate: (ctx) => options.onDuplicate(ctx.update.update_id) }));
  // then the session, read and written inside the update's transaction
  bot.use(session({ initial: (): ShopSession => ({}), storage: sessionStorage<ShopSession>(db, { keyPrefix: options.sessionPrefix }) }));

  // a channel post has no sender: the shop answers it in the channel, and stores no user
  bot.on('channel_post:text', async (ctx) => {
    if (ctx.channelPost.text === '/start') await ctx.reply(`Shop news: we sell ${Object.keys(PRICES_CENTS).join(', ')}.`);
  });

  // from here on, updates from a person: stored as a user with what Telegram sends about them (a
  // customer who had blocked the bot and writes again is active again)
  const customers = bot.filter((ctx): ctx is ShopContext & { from: NonNullable<Context['from']> } => ctx.from !== undefined && ctx.channelPost === undefined);
  customers.use(async (ctx, next) => {
    const from = ctx.from;
    const { user } = await new UserRepo(ctx.trx).upsertTelegramUser({
      telegram_id: from.id,
      telegram_username: from.username ?? null,
      telegram_first_name: from.first_name,
      telegram_last_name: from.last_name ?? null,
      language_code: from.language_code ?? null,
      is_premium: from.is_premium,
      added_to_attachment_menu: from.added_to_attachment_menu,
    });
    ctx.user = user;
    await next();
  });

  customers.command('start', (ctx) => ctx.reply(`Welcome, ${ctx.user.telegram_first_name}! Try /buy coffee.`));

  const order = async (ctx: ShopContext, product: string) => {
    const price = PRICES_CENTS[product];
    if (price === undefined) {
      await ctx.reply(`We have ${Object.keys(PRICES_CENTS).join(', ')}.`);
      return;
    }
    // the shop's own table, in the same transaction as schema-kit's claim
    const placed = await ctx.trx
      .insertInto('orders')
      .values({ user_id: ctx.user.id, product, price_cents: price })
      .returning('id')
      .executeTakeFirstOrThrow();
    await new EventLogRepo(ctx.trx).append({
      user_id: ctx.user.id,
      action: 'order.created',
      entity_type: 'order',
      entity_id: placed.id,
      details: { product, price_cents: price },
    });
    ctx.session.lastProduct = product;
    // held: sent once the order has committed, never for an order that rolled back
    await ctx.reply(`Order placed: ${product} (${euros(price)}).`);
  };

  customers.command('buy', (ctx) => order(ctx, ctx.match.trim()));

  customers.command('again', async (ctx) => {
    if (ctx.session.lastProduct === undefined) await ctx.reply('Nothing to order again yet.');
    else await order(ctx, ctx.session.lastProduct);
  });

  customers.command('orders', async (ctx) => {
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
