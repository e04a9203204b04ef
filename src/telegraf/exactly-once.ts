import type { Context, MiddlewareFn, Telegram } from 'telegraf';
import type { Kysely, Transaction } from 'kysely';
import type { DeferredCalls } from '../bots/deferred-calls.js';
import { exactlyOnceHandler, type ExactlyOnceOptions } from '../bots/exactly-once.js';

/** What {@link exactlyOnce} adds to Telegraf's context: the update's transaction. */
export interface ExactlyOnceContext<DB> {
  /**
   * The transaction the update is handled in, of the host's own database type: the host's tables
   * and schema-kit's repositories (`new EventLogRepo(ctx.trx)`) commit with the update's claim.
   */
  trx: Transaction<DB>;
}

/** Options of {@link exactlyOnce}. */
export interface TelegrafExactlyOnceOptions<C extends Context = Context> extends ExactlyOnceOptions {
  /** Called for an update handled before (a redelivery): nothing else runs and nothing is sent. */
  readonly onDuplicate?: (ctx: C) => void | Promise<void>;
}

/**
 * Telegraf middleware that handles each update exactly once: it claims the update (its bot's id
 * and `update_id`, in `processed_messages`) and runs the rest of the middleware in the claim's
 * transaction ({@link ExactlyOnceContext.trx}). The Bot API calls the handlers make on
 * `ctx.telegram` (`ctx.reply`, `ctx.telegram.sendMessage`...) are held and sent once the
 * transaction has committed, in the order they were made: an update that throws rolls back and
 * sends nothing, and an update delivered again (or concurrently) runs nothing and sends nothing. A
 * held call resolves at once to `true` (its real answer does not exist yet, as with Telegraf's
 * webhook replies); reads (`get*` methods) are sent at once. Updates without a sender (channel
 * posts, reaction counts) are handled like any other.
 *
 * Install it before `session()`: sessions then read and write in the update's transaction. A
 * call that fails after the commit is not retried (the update stays handled): its error is thrown
 * from the middleware, and the calls after it are not sent.
 *
 * ### Examples
 * ```ts
 * const bot = new Telegraf<Context & ExactlyOnceContext<HostDB>>(token);
 * bot.use(exactlyOnce(db));
 * bot.command('buy', async (ctx) => {
 *   await ctx.trx.insertInto('orders').values({ chat_id: ctx.chat.id }).execute();
 *   await ctx.reply('Ordered.'); // sent after the order commits
 * });
 * ```
 */
export function exactlyOnce<DB, C extends Context = Context>(
  db: Kysely<DB>,
  options: TelegrafExactlyOnceOptions<C & ExactlyOnceContext<DB>> = {},
): MiddlewareFn<C & ExactlyOnceContext<DB>> {
  const handle = exactlyOnceHandler<DB, C & ExactlyOnceContext<DB>>(db, options);
  return (ctx, next) =>
    handle(ctx, {
      botId: ctx.botInfo.id,
      updateId: ctx.update.update_id,
      holdOn: (calls, hold) => holdCalls(ctx.telegram, calls, hold),
      next: async (trx) => {
        ctx.trx = trx;
        await next();
      },
    });
}

/** Holds the calls `hold` names made on `telegram` (the update's own client) while `calls` holds. */
function holdCalls(telegram: Telegram, calls: DeferredCalls, hold: (method: string) => boolean): void {
  const send = telegram.callApi.bind(telegram);
  telegram.callApi = (method, payload, options) => {
    if (!calls.holding || !hold(method)) return send(method, payload, options);
    calls.hold(() => send(method, payload, options));
    // what a held call answers the handler at once: its real answer does not exist yet
    return Promise.resolve(true as Awaited<ReturnType<typeof send<typeof method>>>);
  };
}
