// schema-kit/grammy with the real grammY, offline: a Bot with botInfo set whose Bot API is a local
// server. On PostgreSQL and on PGlite (schema-kit/testing), as every test under test/modules.
import { Bot, BotError, lazySession, session, type Context, type LazySessionFlavor, type SessionFlavor } from 'grammy';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ProcessedMessageRepo, SchemaKitValidationError, SessionRepo, type Database } from '../../../src/index.js';
import { exactlyOnce, pruneExpiredSessions, sessionStorage, type ExactlyOnceFlavor } from '../../../src/grammy/index.js';
import { BOT_INFO, channelPostUpdate, textUpdate, useBotFixture } from '../../helpers/bot-api.js';

interface Counter {
  count: number;
}
type CounterContext = Context & ExactlyOnceFlavor<Database> & SessionFlavor<Counter>;

describe('schema-kit/grammy', () => {
  const { database, db, api } = useBotFixture();

  /** A bot counting each chat's messages in its session, replying the count. */
  function counterBot(options: { failOn?: string; ran?: number[] } = {}): Bot<CounterContext> {
    const bot = new Bot<CounterContext>('424242:offline', { botInfo: BOT_INFO, client: { apiRoot: api().apiRoot } });
    bot.use(exactlyOnce(db()));
    bot.use(session({ initial: () => ({ count: 0 }), storage: sessionStorage<Counter>(db(), { keyPrefix: 'counter:' }) }));
    bot.on(['message:text', 'channel_post:text'], async (ctx) => {
      options.ran?.push(ctx.update.update_id);
      ctx.session.count += 1;
      await ctx.reply(`count ${ctx.session.count}`);
      if (ctx.msg.text === options.failOn) throw new Error('the handler fails after replying');
    });
    return bot;
  }
  const sessionOf = (key: string) => new SessionRepo(db()).read(key);

  it('keeps a session across updates, in the sessions table under the prefixed key', async () => {
    const bot = counterBot();
    await bot.handleUpdate(textUpdate(1, 7001, 'hi'));
    await bot.handleUpdate(textUpdate(2, 7001, 'again'));
    await bot.handleUpdate(textUpdate(3, 7002, 'hello'));
    expect(api().sent()).toEqual(['count 1', 'count 2', 'count 1']);
    expect(await sessionOf('counter:7001')).toEqual({ count: 2 });
    expect(await sessionOf('counter:7002')).toEqual({ count: 1 });
  });

  it('handles an update delivered twice at once once, and replies once', async () => {
    const ran: number[] = [];
    const duplicates: number[] = [];
    const bot = new Bot<CounterContext>('424242:offline', { botInfo: BOT_INFO, client: { apiRoot: api().apiRoot } });
    bot.use(exactlyOnce(db(), { onDuplicate: (ctx) => void duplicates.push(ctx.update.update_id) }));
    bot.use(session({ initial: () => ({ count: 0 }), storage: sessionStorage<Counter>(db()) }));
    bot.on('message:text', async (ctx) => {
      ran.push(ctx.update.update_id);
      ctx.session.count += 1;
      await ctx.reply(`count ${ctx.session.count}`);
    });
    const update = textUpdate(10, 7001, 'once');
    await Promise.all([bot.handleUpdate(update), bot.handleUpdate(update), bot.handleUpdate(update)]);
    expect(ran).toEqual([10]);
    expect(duplicates).toEqual([10, 10]);
    expect(api().sent()).toEqual(['count 1']);
    expect(await sessionOf('7001')).toEqual({ count: 1 });
  });

  it('sends nothing for an update whose handler throws after replying, and answers it once when it is retried', async () => {
    const ran: number[] = [];
    const failing = counterBot({ failOn: 'boom', ran });
    await failing.handleUpdate(textUpdate(20, 7001, 'first'));
    const error = await failing.handleUpdate(textUpdate(21, 7001, 'boom')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BotError);
    expect((error as BotError).error).toEqual(new Error('the handler fails after replying'));
    expect(api().sent()).toEqual(['count 1']); // the reply of 21 was held, then dropped
    expect(await sessionOf('counter:7001')).toEqual({ count: 1 }); // its session change rolled back
    expect(await new ProcessedMessageRepo(db(), { consumer: 'telegram' }).isProcessed(`bot:${BOT_INFO.id}:update:21`)).toBe(false);
    // Telegram delivers 21 again; this time the handler succeeds, then 21 comes a third time
    const fixed = counterBot({ ran });
    await fixed.handleUpdate(textUpdate(21, 7001, 'boom, retried'));
    await fixed.handleUpdate(textUpdate(21, 7001, 'boom, retried'));
    expect(ran).toEqual([20, 21, 21]);
    expect(api().sent()).toEqual(['count 1', 'count 2']);
    expect(await sessionOf('counter:7001')).toEqual({ count: 2 });
  });

  it('sends the held calls only once the claim has committed, in the order they were made', async () => {
    const bot = new Bot<CounterContext>('424242:offline', { botInfo: BOT_INFO, client: { apiRoot: api().apiRoot } });
    const claimedAtSend: boolean[] = [];
    // looks from outside the update's transaction before each call reaches the Bot API (on
    // PGlite's one connection, a transaction still open would make this query wait, and fail)
    bot.api.config.use(async (prev, method, payload, signal) => {
      claimedAtSend.push(await new ProcessedMessageRepo(db(), { consumer: 'telegram' }).isProcessed(`bot:${BOT_INFO.id}:update:30`));
      return prev(method, payload, signal);
    });
    bot.use(exactlyOnce(db()));
    const answers: unknown[] = [];
    bot.on('message:text', async (ctx) => {
      answers.push(await ctx.reply('one'));
      answers.push(await ctx.api.sendChatAction(ctx.chat.id, 'typing'));
      answers.push(await ctx.reply('two'));
    });
    await bot.handleUpdate(textUpdate(30, 7001, 'go'));
    expect(api().calls.map((c) => c.method)).toEqual(['sendMessage', 'sendChatAction', 'sendMessage']);
    expect(api().sent()).toEqual(['one', 'two']);
    expect(claimedAtSend).toEqual([true, true, true]);
    expect(answers).toEqual([true, true, true]); // held calls answer at once, before anything is sent
  });

  it('sends reads (get* methods) at once, inside the transaction, with their real answer', async () => {
    const bot = new Bot<CounterContext>('424242:offline', { botInfo: BOT_INFO, client: { apiRoot: api().apiRoot } });
    bot.use(exactlyOnce(db()));
    bot.on('message:text', async (ctx) => {
      const chat = await ctx.getChat();
      await ctx.reply(`chat ${chat.id}`);
    });
    await bot.handleUpdate(textUpdate(40, 7001, 'who'));
    expect(api().calls.map((c) => c.method)).toEqual(['getChat', 'sendMessage']);
    expect(api().sent()).toEqual(['chat 7001']);
  });

  it('handles channel posts (no sender): session by the channel, one reply, once', async () => {
    const bot = counterBot();
    await bot.handleUpdate(channelPostUpdate(50, -100123, 'news'));
    await bot.handleUpdate(channelPostUpdate(50, -100123, 'news'));
    expect(api().calls).toEqual([{ method: 'sendMessage', payload: { chat_id: -100123, text: 'count 1' } }]);
    expect(await sessionOf('counter:-100123')).toEqual({ count: 1 });
  });

  it('skips writing back a session the update read and left unchanged (one read, no write)', async () => {
    const bot = new Bot<CounterContext>('424242:offline', { botInfo: BOT_INFO, client: { apiRoot: api().apiRoot } });
    bot.use(exactlyOnce(db()));
    bot.use(session({ initial: () => ({ count: 0 }), storage: sessionStorage<Counter>(db(), { keyPrefix: 'ro:' }) }));
    bot.on('message:text', async (ctx) => {
      if (ctx.msg.text === 'add') ctx.session.count += 1;
      await ctx.reply(`count ${ctx.session.count}`);
    });
    const stamp = async () => (await sql<{ t: string }>`select updated_at::text as t from schema_kit.sessions where key = 'ro:7001'`.execute(db())).rows[0]?.t;
    await bot.handleUpdate(textUpdate(80, 7001, 'add'));
    const written = await stamp();
    await bot.handleUpdate(textUpdate(81, 7001, 'look'));
    expect(await stamp()).toBe(written); // not written again
    await bot.handleUpdate(textUpdate(82, 7001, 'add'));
    expect(api().sent()).toEqual(['count 1', 'count 1', 'count 2']);
    expect(await sessionOf('ro:7001')).toEqual({ count: 2 });
  });

  it('works with lazy sessions: read only when the handler asks, written in the update transaction', async () => {
    type LazyContext = Context & ExactlyOnceFlavor<Database> & LazySessionFlavor<Counter>;
    const bot = new Bot<LazyContext>('424242:offline', { botInfo: BOT_INFO, client: { apiRoot: api().apiRoot } });
    bot.use(exactlyOnce(db()));
    bot.use(lazySession({ initial: () => ({ count: 0 }), storage: sessionStorage<Counter>(db(), { keyPrefix: 'lazy:' }) }));
    bot.command('count', async (ctx) => {
      const value = await ctx.session;
      value.count += 1;
      await ctx.reply(`count ${value.count}`);
    });
    bot.on('message', (ctx) => ctx.reply('no session read'));
    await bot.handleUpdate(textUpdate(60, 7001, '/count'));
    await bot.handleUpdate(textUpdate(61, 7001, 'plain'));
    await bot.handleUpdate(textUpdate(62, 7001, '/count'));
    expect(api().sent()).toEqual(['count 1', 'no session read', 'count 2']);
    expect(await sessionOf('lazy:7001')).toEqual({ count: 2 });
  });

  it('works with multi sessions: one storage per fragment, each under its own prefix', async () => {
    type MultiContext = Context & SessionFlavor<{ visits: Counter; profile: { name: string } }>;
    const bot = new Bot<MultiContext>('424242:offline', { botInfo: BOT_INFO, client: { apiRoot: api().apiRoot } });
    bot.use(
      session({
        type: 'multi',
        visits: { initial: () => ({ count: 0 }), storage: sessionStorage<Counter>(db(), { keyPrefix: 'visits:' }) },
        profile: { initial: () => ({ name: '' }), storage: sessionStorage<{ name: string }>(db(), { keyPrefix: 'profile:' }) },
      }),
    );
    bot.on('message:text', (ctx) => {
      ctx.session.visits.count += 1;
      ctx.session.profile.name = ctx.msg.text;
    });
    await bot.handleUpdate(textUpdate(70, 7001, 'Ada'));
    await bot.handleUpdate(textUpdate(71, 7001, 'Ada L.'));
    expect(await sessionOf('visits:7001')).toEqual({ count: 2 });
    expect(await sessionOf('profile:7001')).toEqual({ name: 'Ada L.' });
  });

  it('lists keys, values and entries under its prefix (paged), answers has, deletes, expires and prunes', async () => {
    const storage = sessionStorage<Counter>(db(), { keyPrefix: 'list:' });
    const other = sessionStorage<Counter>(db(), { keyPrefix: 'other:' });
    // more than a page (500) of keys, written in one statement
    await sql`insert into schema_kit.sessions (key, value) select 'list:' || lpad(i::text, 4, '0'), jsonb_build_object('count', i) from generate_series(1, 1203) i`.execute(database().owner.db);
    await other.write('1', { count: 1 });
    const collect = async <T>(items: Iterable<T> | AsyncIterable<T>) => {
      const all: T[] = [];
      for await (const item of items) all.push(item);
      return all;
    };
    const keys = await collect(storage.readAllKeys!());
    expect(keys).toHaveLength(1203);
    expect(keys.slice(0, 2)).toEqual(['0001', '0002']);
    expect(new Set(keys).size).toBe(1203);
    expect((await collect(storage.readAllValues!())).reduce((sum, v) => sum + v.count, 0)).toBe((1203 * 1204) / 2);
    expect((await collect(storage.readAllEntries!())).at(-1)).toEqual(['1203', { count: 1203 }]);
    expect(await storage.has!('0001')).toBe(true);
    await storage.delete('0001');
    expect(await storage.has!('0001')).toBe(false);
    expect(await storage.read('0001')).toBeUndefined();

    // an expiry: the session reads as absent once it has passed, and pruning deletes it
    const expiring = sessionStorage<Counter>(db(), { keyPrefix: 'ttl:', ttl: 60_000 });
    await expiring.write('a', { count: 1 });
    await expiring.write('b', { count: 2 });
    expect(await expiring.read('a')).toEqual({ count: 1 });
    await sql`update schema_kit.sessions set expires_at = now() - interval '1 second' where key = 'ttl:a'`.execute(database().owner.db);
    expect(await expiring.read('a')).toBeUndefined();
    expect(await expiring.has!('a')).toBe(false);
    expect(await collect(expiring.readAllKeys!())).toEqual(['b']);
    expect(await pruneExpiredSessions(db(), { batchSize: 1 })).toBe(1);
    expect(await pruneExpiredSessions(db())).toBe(0);
    expect((await sql<{ n: number }>`select count(*)::int as n from schema_kit.sessions where key like 'ttl:%'`.execute(db())).rows).toEqual([{ n: 1 }]);
  });

  it('refuses bad options and keys with a SchemaKitValidationError naming the field, writing nothing', async () => {
    expect(() => sessionStorage(db(), { ttl: 5 })).toThrow(SchemaKitValidationError);
    expect(() => sessionStorage(db(), { keyPrefix: 'a\u0000' })).toThrow(expect.objectContaining({ field: 'options.keyPrefix' }));
    expect(() => exactlyOnce(db(), { consumer: '' })).toThrow(expect.objectContaining({ field: 'options.consumer' }));
    const storage = sessionStorage<unknown>(db());
    await expect(storage.write('x'.repeat(513), {})).rejects.toMatchObject({ field: 'key' });
    await expect(storage.write('k', { when: new Date() })).rejects.toMatchObject({ field: 'value.when' });
    expect(await new SessionRepo(db()).has('k')).toBe(false);
  });
});
