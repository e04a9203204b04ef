#!/usr/bin/env node
// The message seq trigger (issue 29 item 4): a bulk insert by raw SQL into one conversation, rows
// without a seq (INSERT ... SELECT generate_series), 2,000, 16,000 and 200,000 rows, each into a
// fresh conversation, one statement each; checks the numbering is 1..N in the order inserted.
// Compare builds with BENCH_KIT (main before issue 29: a per-row UPDATE of the conversation's
// counter, quadratic):
//
//   npm run build && node bench/message-seq.bench.mjs
//   BENCH_KIT=/work/main/dist/index.js BENCH_TIMEOUT_MS=120000 node bench/message-seq.bench.mjs
import { createBenchDatabase, fmt, loadKit, machine, table } from './lib.mjs';

const SIZES = (process.env.BENCH_ROWS ?? '2000,16000,200000').split(',').map(Number);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 600_000);

await loadKit();
const bench = await createBenchDatabase({ poolSize: 1, modules: ['learning'] });
const rows = [];
try {
  const client = await bench.pool.connect();
  try {
    await client.query(`set statement_timeout = ${TIMEOUT_MS}`);
    const { rows: [user] } = await client.query(`insert into schema_kit.users (role) values ('public') returning id`);
    for (const size of SIZES) {
      const { rows: [chat] } = await client.query(`insert into schema_kit.conversations (user_id) values ($1) returning id`, [user.id]);
      const started = performance.now();
      const outcome = await client
        .query(`insert into schema_kit.messages (conversation_id, role, content) select $1::uuid, 'user', 'bulk ' || i from generate_series(1, $2::int) as i`, [chat.id, size])
        .then(() => performance.now() - started, (error) => (error.code === '57014' ? null : Promise.reject(error)));
      if (outcome === null) {
        rows.push([fmt(size), `> ${fmt(TIMEOUT_MS / 1000)} s (cancelled)`, '-', '-']);
        continue;
      }
      const { rows: [check] } = await client.query(
        `select count(*) filter (where seq <> substr(content, 6)::int)::int as misplaced, max(seq) as last from schema_kit.messages where conversation_id = $1`,
        [chat.id],
      );
      rows.push([fmt(size), `${fmt(outcome / 1000, 2)} s`, fmt((outcome * 1000) / size, 1), check.misplaced === 0 && check.last === size ? '1..N in order' : '**WRONG**']);
    }
  } finally {
    client.release();
  }
} finally {
  await bench.drop();
}
console.log(`message seq trigger, one INSERT ... SELECT into one conversation (${machine()}, kit ${process.env.BENCH_KIT ?? 'dist'})\n`);
console.log(table(['rows', 'time', 'µs/row', 'numbering'], rows));
