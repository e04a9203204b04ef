// schema-kit/telegraf with the real Telegraf, offline: botInfo set, the Bot API a local server
// (telegram.apiRoot), updates fed with handleUpdate. On PostgreSQL and on PGlite.
import { Telegraf, session, type Context } from 'telegraf';
import { describe, expect, it } from 'vitest';
import { ProcessedMessageRepo, SchemaKitValidationError, SessionRepo, type Database } from '../../../src/index.js';
import { exactlyOnce, sessionStore, type ExactlyOnceContext } from '../../../src/telegraf/index.js';
import { BOT_INFO, channelPostUpdate, textUpdate, useBotFixture } from '../../helpers/bot-api.js';

interface Counter {
  count: number;
}
interface CounterContext extends Context, ExactlyOnceContext<Database> {
  session: Counter;
}

describe('schema-kit/telegraf', () => {
  const { db, api } = useBotFixture();

  /** A bot counting each chat's messages in its session, replying the count. */
  function counterBot(options: { failOn?: string; ran?: number[]; duplicates?: number[] } = {}): Telegraf<CounterContext> {
    const bot = new Telegraf<CounterContext>('424242:offline', { telegram: { apiRoot: api().apiRoot } });
    bot.botInfo = BOT_INFO;
    bot.catch((error) => {
      throw error; // to handleUpdate's caller, as a host's webhook sees it
    });
    bot.use(exactlyOnce(db(), { onDuplicate: (ctx) => void options.duplicates?.push(ctx.update.update_id) }));
    bot.use(session({ store: sessionStore<Counter>(db(), { keyPrefix: 'tf:' }), defaultSession: () => ({ count: 0 }) }));
    const count = async (ctx: CounterContext, text: string) => {
      options.ran?.push(ctx.update.update_id);
      ctx.session.count += 1;
      await ctx.reply(`count ${ctx.session.count}`);
      if (text === options.failOn) throw new Error('the handler fails after replying');
    };
    bot.on('text', (ctx) => count(ctx, ctx.message.text));
    // Telegraf keys a session by sender and chat: a channel post (no sender) has none
    bot.on('channel_post', async (ctx) => {
      options.ran?.push(ctx.update.update_id);
      await ctx.reply('seen');
    });
    return bot;
  }
  const sessionOf = (key: string) => new SessionRepo(db()).read(key);

  it('keeps a session across updates (Telegraf keys sessions by sender and chat)', async () => {
    const bot = counterBot();
    await bot.handleUpdate(textUpdate(1, 7001, 'hi'));
    await bot.handleUpdate(textUpdate(2, 7001, 'again'));
    expect(api().sent()).toEqual(['count 1', 'count 2']);
    expect(await sessionOf('tf:7001:7001')).toEqual({ count: 2 });
  });

  it('handles an update delivered three times at once once, and replies once', async () => {
    const ran: number[] = [];
    const duplicates: number[] = [];
    const bot = counterBot({ ran, duplicates });
    const update = textUpdate(10, 7001, 'once');
    await Promise.all([bot.handleUpdate(update), bot.handleUpdate(update), bot.handleUpdate(update)]);
    expect(ran).toEqual([10]);
    expect(duplicates).toEqual([10, 10]);
    expect(api().sent()).toEqual(['count 1']);
    expect(await sessionOf('tf:7001:7001')).toEqual({ count: 1 });
  });

  it('sends nothing for an update whose handler throws after replying, and answers it once when it is retried', async () => {
    const ran: number[] = [];
    await counterBot({ ran }).handleUpdate(textUpdate(20, 7001, 'first'));
    const error = await counterBot({ ran, failOn: 'boom' }).handleUpdate(textUpdate(21, 7001, 'boom')).catch((e: unknown) => e);
    expect(error).toEqual(new Error('the handler fails after replying'));
    expect(api().sent()).toEqual(['count 1']);
    expect(await sessionOf('tf:7001:7001')).toEqual({ count: 1 });
    expect(await new ProcessedMessageRepo(db(), { consumer: 'telegram' }).isProcessed(`bot:${BOT_INFO.id}:update:21`)).toBe(false);
    const fixed = counterBot({ ran });
    await fixed.handleUpdate(textUpdate(21, 7001, 'boom'));
    await fixed.handleUpdate(textUpdate(21, 7001, 'boom'));
    expect(ran).toEqual([20, 21, 21]);
    expect(api().sent()).toEqual(['count 1', 'count 2']);
    expect(await sessionOf('tf:7001:7001')).toEqual({ count: 2 });
  });

  it('sends the held calls in order after the commit; reads go at once with their answer', async () => {
    const bot = new Telegraf<CounterContext>('424242:offline', { telegram: { apiRoot: api().apiRoot } });
    bot.botInfo = BOT_INFO;
    bot.use(exactlyOnce(db()));
    const answers: unknown[] = [];
    bot.on('text', async (ctx) => {
      const chat = await ctx.getChat();
      answers.push(await ctx.reply(`chat ${chat.id}`));
      answers.push(await ctx.sendChatAction('typing'));
      expect(api().calls.map((c) => c.method)).toEqual(['getChat']); // nothing else sent yet
    });
    await bot.handleUpdate(textUpdate(30, 7001, 'go'));
    expect(api().calls.map((c) => c.method)).toEqual(['getChat', 'sendMessage', 'sendChatAction']);
    expect(api().sent()).toEqual(['chat 7001']);
    expect(answers).toEqual([true, true]);
  });

  it('handles channel posts (no sender): one reply, once', async () => {
    const ran: number[] = [];
    const bot = counterBot({ ran });
    await bot.handleUpdate(channelPostUpdate(50, -100123, 'news'));
    await bot.handleUpdate(channelPostUpdate(50, -100123, 'news'));
    expect(ran).toEqual([50]);
    expect(api().calls).toEqual([{ method: 'sendMessage', payload: { chat_id: -100123, text: 'seen' } }]);
  });

  it('stores, reads and deletes with get, set and delete; refuses bad options naming the field', async () => {
    const store = sessionStore<Counter>(db(), { keyPrefix: 'direct:' });
    await store.set('a', { count: 3 });
    expect(await store.get('a')).toEqual({ count: 3 });
    await store.delete('a');
    expect(await store.get('a')).toBeUndefined();
    expect(() => sessionStore(db(), { ttl: -1 })).toThrow(SchemaKitValidationError);
    expect(() => exactlyOnce(db(), { hold: 'all' as never })).toThrow(expect.objectContaining({ field: 'options.hold' }));
  });
});
