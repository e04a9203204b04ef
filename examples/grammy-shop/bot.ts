// The shop bot: every update is claimed and handled in one transaction of the shop's own Kysely,
// so the shop's orders and schema-kit's users, events and claims commit or roll back together. Its
// replies go out after that transaction commits, never from inside it.
import { Bot, type Context } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Kysely, Transaction } from 'kysely';
import { EventLogRepo, ProcessedMessageRepo, UserRepo, type User } from 'schema-kit';
import type { ShopDB } from './shop-schema.js';

/** What the shop's handlers get besides grammY's context: the update's transaction, its user, and its replies. */
export interface ShopFlavor {
  trx: Transaction<ShopDB>;
  user: User;
  /** Queues a reply, sent once the update's transaction has committed (not at all if it rolls back). */
  replyAfterCommit(text: string): void;
}
/** The shop bot's context. */
export type ShopContext = Context & ShopFlavor;

/**
 * What became of an update, kept with its claim (`processed_messages.result`): handled, or skipped
 * because it has no sender to serve (a channel post, a service update such as a reaction count).
 */
export type UpdateOutcome = 'handled' | 'skipped: no sender';

const PRICES_CENTS: Readonly<Record<string, number>> = { coffee: 350, tea: 250, cake: 2500 };

const euros = (cents: number) => `${(cents / 100).toFixed(2)} EUR`;

/**
 * Builds the bot. `onOutcome` hears what became of each update: its outcome once committed (and its
 * replies sent), or `redelivered` for an update claimed before, which does nothing and sends nothing.
 */
export function createShopBot(
  db: Kysely<ShopDB>,
  options: {
    token: string;
    botInfo: UserFromGetMe;
    apiRoot: string;
    consumer: string;
    onOutcome: (updateId: number, outcome: UpdateOutcome | 'redelivered') => void;
  },
): Bot<ShopContext> {
  const bot = new Bot<ShopContext>(options.token, { botInfo: options.botInfo, client: { apiRoot: options.apiRoot } });
  const inbox = new ProcessedMessageRepo(db, { consumer: options.consumer });

  // Claim the update, record who sent it and run the handlers in one transaction; reply after it commits.
  bot.use(async (ctx, next) => {
    const updateId = ctx.update.update_id;
    const replies: string[] = [];
    const claim = await inbox.processOnce(
      `tg:update:${updateId}`,
      async (trx): Promise<UpdateOutcome> => {
        const from = ctx.from;
        // no one to store as a user nor to answer: claimed with its outcome, the handlers never see it
        if (!from) return 'skipped: no sender';
        // what Telegram sends about the sender, as it sends it; a customer who had blocked the bot
        // (deactivated) and writes again is active again
        const { user } = await new UserRepo(trx).upsertTelegramUser({
          telegram_id: from.id,
          telegram_username: from.username ?? null,
          telegram_first_name: from.first_name,
          telegram_last_name: from.last_name ?? null,
          language_code: from.language_code ?? null,
          is_premium: from.is_premium,
          added_to_attachment_menu: from.added_to_attachment_menu,
        });
        ctx.trx = trx;
        ctx.user = user;
        ctx.replyAfterCommit = (text) => void replies.push(text);
        await next();
        return 'handled';
      },
      { keepResult: true },
    );
    if (!claim.processed) {
      options.onOutcome(updateId, 'redelivered');
      return;
    }
    // committed: only now do the replies go out. A reply that fails to send here is not sent again
    // on Telegram's redelivery, which finds the update claimed (the order stands; /orders shows it).
    for (const text of replies) await ctx.reply(text);
    options.onOutcome(updateId, claim.result);
  });

  bot.command('start', (ctx) => ctx.replyAfterCommit(`Welcome, ${ctx.user.telegram_first_name}! Try /buy coffee.`));

  bot.command('buy', async (ctx) => {
    const product = ctx.match.trim();
    const price = PRICES_CENTS[product];
    if (price === undefined) {
      ctx.replyAfterCommit(`We have ${Object.keys(PRICES_CENTS).join(', ')}.`);
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
    ctx.replyAfterCommit(`Order placed: ${product} (${euros(price)}).`);
  });

  bot.command('orders', async (ctx) => {
    const orders = await ctx.trx
      .selectFrom('orders')
      .select(['product', 'price_cents'])
      .where('user_id', '=', ctx.user.id)
      .orderBy('created_at')
      .execute();
    ctx.replyAfterCommit(orders.length === 0 ? 'No orders yet.' : `Your orders: ${orders.map((o) => `${o.product} ${euros(o.price_cents)}`).join(', ')}.`);
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
