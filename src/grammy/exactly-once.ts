import { GrammyError, type Context, type MiddlewareFn, type Transformer } from 'grammy';
import type { Kysely, Transaction } from 'kysely';
import type { DeferredCalls } from '../bots/deferred-calls.js';
import { exactlyOnceHandler, type ExactlyOnceOptions } from '../bots/exactly-once.js';

/** What {@link exactlyOnce} adds to grammY's context: the update's transaction. */
export interface ExactlyOnceFlavor<DB> {
  /**
   * The transaction the update is handled in, of the host's own database type: the host's tables
   * and schema-kit's repositories (`new EventLogRepo(ctx.trx)`) commit with the update's claim.
   */
  trx: Transaction<DB>;
}

/** Options of {@link exactlyOnce}. */
export interface GrammyExactlyOnceOptions<C extends Context = Context> extends ExactlyOnceOptions {
  /** Called for an update handled before (a redelivery): nothing else runs and nothing is sent. */
  readonly onDuplicate?: (ctx: C) => void | Promise<void>;
}

// what a held call answers the handler at once: the call is made after the commit, its answer is
// not known yet (as grammY's webhook replies answer `true`)
const HELD = { ok: true, result: true } as const;

/**
 * grammY middleware that handles each update exactly once: it claims the update (its bot's id and
 * `update_id`, in `processed_messages`) and runs the rest of the middleware in the claim's
 * transaction ({@link ExactlyOnceFlavor.trx}). The Bot API calls the handlers make on `ctx.api`
 * (`ctx.reply`, `ctx.api.sendMessage`...) are held and sent once the transaction has committed,
 * in the order they were made: an update that throws rolls back and sends nothing, and an update
 * delivered again (or concurrently) runs nothing and sends nothing. A held call resolves at once
 * to `true` (its real answer does not exist yet); reads (`get*` methods) are sent at once.
 * Updates without a sender (channel posts, reaction counts) are handled like any other.
 *
 * Install it before `session()`: sessions then read and write in the update's transaction.
 * A call that fails after the commit is not retried (the update stays handled): its error is
 * thrown from the middleware, and the calls after it are not sent.
 *
 * ### Examples
 * ```ts
 * type MyContext = Context & ExactlyOnceFlavor<HostDB>;
 * const bot = new Bot<MyContext>(token);
 * bot.use(exactlyOnce(db));
 * bot.command('buy', async (ctx) => {
 *   await ctx.trx.insertInto('orders').values({ chat_id: ctx.chat.id }).execute();
 *   await ctx.reply('Ordered.'); // sent after the order commits
 * });
 * ```
 */
export function exactlyOnce<DB, C extends Context = Context>(
  db: Kysely<DB>,
  options: GrammyExactlyOnceOptions<C & ExactlyOnceFlavor<DB>> = {},
): MiddlewareFn<C & ExactlyOnceFlavor<DB>> {
  const handle = exactlyOnceHandler<DB, C & ExactlyOnceFlavor<DB>>(db, options);
  return (ctx, next) =>
    handle(ctx, {
      botId: ctx.me.id,
      updateId: ctx.update.update_id,
      holdOn: (calls, hold) => void ctx.api.config.use(holdCalls(calls, hold)),
      next: async (trx) => {
        ctx.trx = trx;
        await next();
      },
    });
}

/** The API transformer that holds the calls `hold` names while `calls` holds. */
function holdCalls(calls: DeferredCalls, hold: (method: string) => boolean): Transformer {
  return async (prev, method, payload, signal) => {
    if (!calls.holding || !hold(method)) return prev(method, payload, signal);
    calls.hold(async () => {
      const response = await prev(method, payload, signal);
      if (!response.ok) throw new GrammyError(`Call to '${method}' failed!`, response, method, { ...payload });
    });
    return HELD as Awaited<ReturnType<typeof prev<typeof method>>>;
  };
}
