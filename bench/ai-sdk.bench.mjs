#!/usr/bin/env node
// schema-kit/ai-sdk on a 200-message AI SDK chat (100 turns: a user message, and an assistant
// message of two steps with reasoning, text and two tool calls with their outputs): saveUIMessages
// of the whole chat into a new conversation, a resave of the same chat (writes nothing), a save of
// the chat grown by one turn (2 new messages after 200 stored), and loadUIMessages. Median of
// ROUNDS, each on its own conversation; the statements each sends are counted.
//
//   npm run build && node bench/ai-sdk.bench.mjs
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node bench/ai-sdk.bench.mjs
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { capturingKysely, createBenchDatabase, fmt, loadKit, machine, median, root, table, timeOnce } from './lib.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const TURNS = 100;

const { ConversationRepo, UserRepo } = await loadKit();
const { saveUIMessages, loadUIMessages } = await import(join(root, 'dist', 'ai-sdk.js'));
const bench = await createBenchDatabase({ poolSize: 4, modules: ['core', 'learning'] });

/** Turn `t` of a chat: the user's message and the assistant's two-step answer with two tool calls. */
function turn(t) {
  const text = (what) => `${what} ${t} `.padEnd(200, 'lorem ipsum ');
  return [
    { id: `u${t}`, role: 'user', parts: [{ type: 'text', text: text('question') }], metadata: { sentAt: '2026-12-03T18:00:00Z' } },
    {
      id: `a${t}`, role: 'assistant', metadata: { model: 'gpt-x', finishReason: 'stop' },
      parts: [
        { type: 'step-start' },
        { type: 'reasoning', text: text('thinking'), state: 'done', providerMetadata: { anthropic: { signature: 'x'.repeat(64) } } },
        { type: 'text', text: text('checking'), state: 'done' },
        { type: 'tool-search', toolCallId: `call_${t}_a`, state: 'output-available', input: { q: `query ${t}` }, output: { hits: [text('hit 1'), text('hit 2')] } },
        { type: 'tool-fetch', toolCallId: `call_${t}_b`, state: 'output-available', input: { url: `https://example.com/${t}` }, output: text('page') },
        { type: 'step-start' },
        { type: 'text', text: text('answer'), state: 'done' },
      ],
    },
  ];
}
const chat = Array.from({ length: TURNS }, (_, t) => turn(t)).flat();
const grown = [...chat, ...turn(TURNS)];

const user = await new UserRepo(bench.db).create({ name: 'bench' });
const repo = new ConversationRepo(bench.db);
const statements = {};
/** Runs `fn(db)` on a capturing Kysely; records how many statements it sent under `name`. */
async function counted(name, fn) {
  const capture = capturingKysely(bench.pool);
  const ms = await timeOnce(() => fn(capture.db));
  statements[name] = capture.queries.length;
  await capture.db.destroy();
  return ms;
}

const results = { save: [], resave: [], append: [], load: [] };
for (let r = 0; r < ROUNDS + 1; r++) {
  const { id } = await repo.start({ user_id: user.id });
  const save = await counted('save', (db) => saveUIMessages(db, id, chat));
  const resave = await counted('resave', (db) => saveUIMessages(db, id, chat));
  const append = await counted('append', (db) => saveUIMessages(db, id, grown));
  let loaded;
  const load = await counted('load', async (db) => (loaded = await loadUIMessages(db, id)));
  if (loaded.length !== grown.length) throw new Error('load returned the wrong chat');
  if (r === 0) continue; // warm-up
  results.save.push(save);
  results.resave.push(resave);
  results.append.push(append);
  results.load.push(load);
}
const { rows } = await bench.pool.query(`select pg_column_size(m.*) as size from schema_kit.messages m limit 1000`);
const bytes = rows.reduce((sum, row) => sum + row.size, 0) / rows.length;
await bench.drop();

console.log(`${machine()}, load average ${loadavg()[0].toFixed(1)}; ${ROUNDS} rounds, median`);
console.log(
  table(
    ['operation (200-message chat, 200 tool calls)', 'median ms', 'statements'],
    [
      ['saveUIMessages, new conversation (200 inserted)', fmt(median(results.save), 1), statements.save],
      ['saveUIMessages, same chat again (0 written)', fmt(median(results.resave), 1), statements.resave],
      ['saveUIMessages, grown by one turn (2 inserted, 200 unchanged)', fmt(median(results.append), 1), statements.append],
      ['loadUIMessages (202 messages)', fmt(median(results.load), 1), statements.load],
    ],
  ),
);
console.log(`average stored row: ${fmt(bytes)} bytes (JSON of one assistant message: ${fmt(JSON.stringify(chat[1]).length)} characters)`);
