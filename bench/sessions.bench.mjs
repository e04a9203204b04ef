// Session round trips per update, counted by statement: a grammY bot (session(), lazySession(),
// with and without exactlyOnce) and a Telegraf bot (session({ store })), offline (the Bot API
// answered by an API transformer / a local server), on a fresh database. Goal (issue 32): one
// read and at most one write per update. Also the time per update, median of the updates.
//   npm run build && node bench/sessions.bench.mjs     (BENCH_DATABASE_URL as in bench/lib.mjs)
import { createServer } from 'node:http';
import { join } from 'node:path';
import { Bot, lazySession, session } from 'grammy';
import { Telegraf, session as telegrafSession } from 'telegraf';
import { capturingKysely, createBenchDatabase, fmt, machine, median, root, table, verdict } from './lib.mjs';

const grammy = await import(join(root, 'dist', 'grammy.js'));
const telegraf = await import(join(root, 'dist', 'telegraf.js'));
const UPDATES = Number(process.env.BENCH_UPDATES ?? 300);
const CHATS = 20;
const BOT_INFO = { id: 99, is_bot: true, first_name: 'Bench', username: 'bench_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };

const text = (update_id, text) => {
  const chat = 1000 + (update_id % CHATS);
  return { update_id, message: { message_id: update_id, date: 1_764_150_000, chat: { id: chat, type: 'private', first_name: 'A' }, from: { id: chat, is_bot: false, first_name: 'A' }, text } };
};

/** The kind of a statement the bot ran. */
function kind(sql) {
  if (/from "schema_kit"\."sessions" where key = \$1/.test(sql) && sql.startsWith('select value')) return 'read';
  if (sql.startsWith('insert into "schema_kit"."sessions"')) return 'write';
  if (sql.includes('"schema_kit"."sessions"')) return 'other session';
  if (sql.includes('processed_messages')) return 'claim';
  return 'other';
}

const bench = await createBenchDatabase({ poolSize: 4, modules: ['idempotency', 'sessions'] });
// the Bot API for Telegraf: answers every call
const server = createServer((request, response) => {
  request.resume().on('end', () => response.end(JSON.stringify({ ok: true, result: { message_id: 1, date: 0, chat: { id: 1, type: 'private' } } })));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const apiRoot = `http://127.0.0.1:${server.address().port}`;
const rows = [];
let base = 0;
try {
  const scenarios = [
    ['grammY session(), changed every update', grammyBot({ exactly: false, change: true })],
    ['grammY exactlyOnce + session(), changed every update', grammyBot({ exactly: true, change: true })],
    ['grammY exactlyOnce + session(), read only', grammyBot({ exactly: true, change: false })],
    ['grammY exactlyOnce + lazySession(), not read', grammyBot({ exactly: true, lazy: true })],
    ['Telegraf exactlyOnce + session({ store }), changed every update', telegrafBot()],
  ];
  for (const [label, make] of scenarios) {
    const { db, queries } = capturingKysely(bench.pool);
    const bot = make(db);
    const times = [];
    for (let i = 0; i < UPDATES; i++) {
      const update = text(++base, 'hi');
      const started = performance.now();
      await bot.handleUpdate(update);
      times.push(performance.now() - started);
    }
    const counts = { read: 0, write: 0, 'other session': 0, claim: 0, other: 0 };
    for (const q of queries) counts[kind(q.sql)] += 1;
    rows.push([label, fmt(counts.read / UPDATES, 2), fmt(counts.write / UPDATES, 2), fmt(counts.claim / UPDATES, 2), fmt(median(times), 2), verdict(counts.read <= UPDATES && counts.write <= UPDATES && counts['other session'] === 0)]);
  }
} finally {
  server.close();
  await bench.drop();
}

function grammyBot({ exactly, change, lazy }) {
  return (db) => {
    const bot = new Bot('99:bench', { botInfo: BOT_INFO });
    bot.api.config.use(async (_prev, method) => ({ ok: true, result: method === 'sendMessage' ? { message_id: 1, date: 0, chat: { id: 1, type: 'private' } } : true }));
    if (exactly) bot.use(grammy.exactlyOnce(db, { consumer: `bench-${lazy ? 'lazy' : change}` }));
    const storage = grammy.sessionStorage(db, { keyPrefix: `g${exactly}${change}${lazy}:` });
    bot.use(lazy ? lazySession({ initial: () => ({ n: 0 }), storage }) : session({ initial: () => ({ n: 0 }), storage }));
    bot.on('message', async (ctx) => {
      if (!lazy && change) ctx.session.n += 1;
      await ctx.reply(lazy ? 'hi' : `n=${ctx.session.n}`);
    });
    return bot;
  };
}

function telegrafBot() {
  return (db) => {
    const bot = new Telegraf('99:bench', { telegram: { apiRoot } });
    bot.botInfo = BOT_INFO;
    bot.use(telegraf.exactlyOnce(db, { consumer: 'bench-telegraf' }));
    bot.use(telegrafSession({ store: telegraf.sessionStore(db, { keyPrefix: 't:' }), defaultSession: () => ({ n: 0 }) }));
    bot.on('message', async (ctx) => {
      ctx.session.n += 1;
      await ctx.reply(`n=${ctx.session.n}`);
    });
    return bot;
  };
}

console.log(`Session statements per update, ${UPDATES} updates over ${CHATS} chats each (${machine()}):\n`);
console.log(table(['bot', 'session reads / update', 'session writes / update', 'claims / update', 'median ms / update', 'one read, at most one write'], rows));
