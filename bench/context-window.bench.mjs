#!/usr/bin/env node
// ConversationRepo.contextWindow on one 100,000-message conversation, against the naive way: load
// every message (and the newest summary) and trim in JavaScript to the same window (same budget,
// same rule for tool calls, same usage totals per model). Also how fast the conversation is written
// (addMessages, 1,000 messages a call). Budgets 4k, 32k and 128k tokens; with no summary, and with
// a summary through message 90,000.
//
//   npm run build && node bench/context-window.bench.mjs
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres BENCH_MESSAGES=100000 node bench/context-window.bench.mjs
import { loadavg } from 'node:os';
import { alternate, capturingKysely, createBenchDatabase, fmt, loadKit, machine, median, table, timeOnce } from './lib.mjs';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 100_000);
const BATCH = 1000;
const ROUNDS = 15;
const BUDGETS = [4_000, 32_000, 128_000];

const { ConversationRepo, migrateToLatest } = await loadKit();
const bench = await createBenchDatabase({ poolSize: 4 });

/** Message `i` (0-based) of turns of 6: user, assistant with 2 tool calls, 2 results, answer; ~40-60 tokens each. */
function message(i) {
  const k = i % 6;
  const text = `message ${i} `.padEnd(180 + (i % 40) * 2, 'lorem ipsum ');
  const tokens_used = 40 + (i % 20);
  if (k === 0) return { role: 'user', content: text, tokens_used };
  if (k === 1) {
    return {
      role: 'assistant', content: '', tokens_used, model: `model-${i % 3}`, input_tokens: 2000, output_tokens: 60, cached_tokens: 1500,
      finish_reason: 'tool_calls', latency_ms: 800,
      tool_calls: [{ id: `call_${i}_a`, name: 'search', arguments: { q: `q${i}` } }, { id: `call_${i}_b`, name: 'fetch', arguments: { url: `https://x/${i}` } }],
    };
  }
  if (k === 2) return { role: 'tool', tool_call_id: `call_${i - 1}_a`, content: text, tokens_used };
  if (k === 3) return { role: 'tool', tool_call_id: `call_${i - 2}_b`, content: text, tokens_used };
  if (k === 4) return { role: 'assistant', content: text, tokens_used, model: `model-${i % 3}`, input_tokens: 2200, output_tokens: 90, finish_reason: 'stop', latency_ms: 1200 };
  return { role: 'user', content: text, tokens_used };
}

/** The server's execution time (EXPLAIN ANALYZE) of the one statement contextWindow sends, in ms. */
async function serverMs(pool, conversationId, maxTokens) {
  const capture = capturingKysely(pool);
  await new ConversationRepo(capture.db).contextWindow(conversationId, { maxTokens });
  await capture.db.destroy();
  const [query] = capture.queries;
  const { rows } = await pool.query(`explain (analyze, format json) ${query.sql}`, query.parameters);
  return rows[0]['QUERY PLAN'][0]['Execution Time'];
}

/** The naive window: every message and the newest summary loaded, trimmed in JavaScript. */
async function naiveWindow(pool, conversationId, maxTokens) {
  const [{ rows: messages }, { rows: summaries }] = await Promise.all([
    pool.query('select * from schema_kit.messages where conversation_id = $1 order by seq', [conversationId]),
    pool.query('select * from schema_kit.conversation_summaries where conversation_id = $1 order by id desc limit 1', [conversationId]),
  ]);
  const summary = summaries[0] ?? null;
  const usage = new Map();
  for (const m of messages) {
    if (m.model == null && m.input_tokens == null && m.output_tokens == null) continue;
    const u = usage.get(m.model) ?? { model: m.model, input_tokens: 0, output_tokens: 0, cached_tokens: 0, message_count: 0 };
    u.input_tokens += m.input_tokens ?? 0;
    u.output_tokens += m.output_tokens ?? 0;
    u.cached_tokens += m.cached_tokens ?? 0;
    u.message_count += 1;
    usage.set(m.model, u);
  }
  const after = messages.filter((m) => m.seq > (summary?.through_seq ?? 0));
  const budget = maxTokens - (summary?.token_count ?? 0);
  let total = 0;
  let firstGroup = Infinity;
  let cut = after.length;
  for (let i = after.length - 1; i >= 0; i--) {
    total += after[i].context_tokens;
    if (total > budget) break;
    firstGroup = Math.min(firstGroup, after[i].call_seq ?? after[i].seq);
    if (firstGroup >= after[i].seq) cut = i;
  }
  return { summary, messages: after.slice(cut), usage: [...usage.values()] };
}

try {
  await migrateToLatest(bench.db, { modules: ['learning'] });
  const repo = new ConversationRepo(bench.db);
  const { rows: [user] } = await bench.pool.query(`insert into schema_kit.users (role) values ('public') returning id`);
  const chat = await repo.start({ user_id: user.id, title: 'bench' });

  const writeMs = await timeOnce(async () => {
    for (let i = 0; i < MESSAGES; i += BATCH) await repo.addMessages(chat.id, Array.from({ length: Math.min(BATCH, MESSAGES - i) }, (_, j) => message(i + j)));
  });
  await bench.pool.query('vacuum analyze schema_kit.messages');
  const loadAtFill = loadavg()[0];
  const { rows: [size] } = await bench.pool.query(`select pg_size_pretty(pg_total_relation_size('schema_kit.messages')) as size`);
  console.log(`# ConversationRepo.contextWindow on a ${fmt(MESSAGES)}-message conversation\n`);
  console.log(`Command: \`node bench/context-window.bench.mjs\`; ${machine()}.\n`);
  console.log(`Written with addMessages (${BATCH} a call): ${fmt(MESSAGES)} messages in ${fmt(writeMs / 1000, 1)} s = ${fmt(MESSAGES / (writeMs / 1000))} messages/s; messages table ${size.size}; load average ${fmt(loadAtFill, 1)}.\n`);

  const rows = [];
  for (const withSummary of [false, true]) {
    if (withSummary) await repo.addSummary(chat.id, { through_seq: Math.floor(MESSAGES * 0.9), content: 'summary '.repeat(200), token_count: 1500 });
    for (const maxTokens of BUDGETS) {
      const ours = await repo.contextWindow(chat.id, { maxTokens });
      const naive = await naiveWindow(bench.pool, chat.id, maxTokens);
      const same = JSON.stringify(ours.messages.map((m) => m.seq)) === JSON.stringify(naive.messages.map((m) => m.seq));
      if (!same) throw new Error(`the windows differ at ${maxTokens} tokens`);
      const results = await alternate(
        {
          repo: () => timeOnce(() => repo.contextWindow(chat.id, { maxTokens })),
          naive: () => timeOnce(() => naiveWindow(bench.pool, chat.id, maxTokens)),
        },
        ROUNDS,
      );
      const [r, n] = [median(results.repo), median(results.naive)];
      const server = [];
      for (let i = 0; i < 5; i++) server.push(await serverMs(bench.pool, chat.id, maxTokens));
      rows.push([withSummary ? 'through 90%' : 'none', fmt(maxTokens), fmt(ours.messages.length), fmt(r, 2), fmt(median(server), 2), fmt(n, 1), `${fmt(n / r, 0)}x`]);
    }
  }
  console.log(table(['summary', 'maxTokens', 'messages in window', 'contextWindow ms (median)', 'of which server execution ms', 'naive ms (median)', 'naive / contextWindow'], rows));
  console.log(`\nMedians of ${ROUNDS} interleaved calls each (server execution: EXPLAIN ANALYZE of the same statement, median of 5);`);
  console.log(`the two windows were checked equal before timing. Load average at the end: ${loadavg().map((l) => fmt(l, 1)).join(', ')}.`);
} finally {
  await bench.drop();
}
