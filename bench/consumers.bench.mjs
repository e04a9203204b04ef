#!/usr/bin/env node
// Durable feed consumers (FeedConsumer, issue 31), three measures on one throwaway database:
// 1. the NOTIFY on append (the consumers module's trigger): append throughput with the statement trigger enabled and
//    disabled, interleaved round by round (as bench/tx-id.bench.mjs), synchronous_commit=off;
// 2. throughput: EVENTS events already in the feed, read by stream() (batch 100), by a
//    FeedConsumer (batch 100, handler doing nothing, checkpoint committed per batch), and by the
//    naive polling loop a host would write (id > last order by id, its own checkpoint per batch);
// 3. commit-to-handler latency in LISTEN mode under ~1,000 appends/s from 8 writers: from the
//    moment a writer's append returned (committed) to the handler's call with that event.
//
//   npm run build && node bench/consumers.bench.mjs
//   BENCH_MS=300 BENCH_ROUNDS=4 BENCH_EVENTS=20000 BENCH_LATENCY_S=5 node bench/consumers.bench.mjs
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { alternate, appendMeasures, createBenchDatabase, fmt, loadKit, machine, median, table } from './lib.mjs';

const MS = Number(process.env.BENCH_MS ?? 300);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const LATENCY_S = Number(process.env.BENCH_LATENCY_S ?? 5);

const { EventLogRepo, FeedConsumer } = await loadKit();
const bench = await createBenchDatabase({ poolSize: 2, modules: ['audit', 'consumers'] });
const pool = new pg.Pool({ connectionString: bench.url, max: 16, options: '-c synchronous_commit=off' });
pool.on('error', () => undefined);
const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
const events = new EventLogRepo(db);
const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))];

try {
  // 1. the NOTIFY trigger on the append path
  const setNotify = (on) => bench.pool.query(`alter table schema_kit.event_log ${on ? 'enable' : 'disable'} trigger event_log_notify`);
  const measure = appendMeasures(events, MS);
  const notify = await alternate({ enabled: async () => (await setNotify(true), measure()), disabled: async () => (await setNotify(false), measure()) }, ROUNDS);
  await setNotify(true);
  const ratio = (key) => median(notify.enabled.map((r, i) => r[key] / notify.disabled[i][key]));

  // 2. throughput over EVENTS events in the feed
  // the readers start after the events the first measure appended
  const { rows: [start] } = await bench.pool.query(`select tx_id::text || ':' || id::text as position, id from schema_kit.event_log order by tx_id desc, id desc limit 1`);
  for (let i = 0; i < EVENTS; i += 1000) {
    await events.appendMany(Array.from({ length: Math.min(1000, EVENTS - i) }, (_, j) => ({ action: 'bench', entity_type: 'bench', entity_id: String(i + j), details: { n: i + j } })));
  }
  await bench.pool.query('create table public.naive_checkpoint (name text primary key, last_id bigint not null)');
  let round = 0;
  const readers = {
    'stream()': async () => {
      let n = 0;
      for await (const event of events.stream({ batchSize: 100, after: start.position })) n += event ? 1 : 0;
      return n;
    },
    FeedConsumer: async () => {
      const consumer = new FeedConsumer(db, { name: `bench-${round++}`, batchSize: 100, listen: false });
      await consumer.reset({ to: start.position });
      const controller = new AbortController();
      let n = 0;
      await consumer.run(
        async (batch) => {
          n += batch.length;
          if (n >= EVENTS) controller.abort();
        },
        { signal: controller.signal },
      );
      return n;
    },
    'naive polling loop': async () => {
      const name = `naive-${round++}`;
      await pool.query('insert into public.naive_checkpoint values ($1, $2)', [name, start.id]);
      let n = 0;
      for (;;) {
        const client = await pool.connect();
        try {
          await client.query('begin');
          const { rows: [{ last_id }] } = await client.query('select last_id from public.naive_checkpoint where name = $1 for update', [name]);
          const { rows } = await client.query('select * from schema_kit.event_log where id > $1 order by id limit 100', [last_id]);
          if (rows.length > 0) await client.query('update public.naive_checkpoint set last_id = $2 where name = $1', [name, rows.at(-1).id]);
          await client.query('commit');
          n += rows.length;
          if (rows.length < 100) return n;
        } finally {
          client.release();
        }
      }
    },
  };
  const reads = await alternate(
    Object.fromEntries(
      Object.entries(readers).map(([name, read]) => [
        name,
        async () => {
          const start = performance.now();
          const n = await read();
          if (n !== EVENTS) throw new Error(`${name} read ${n} events, not ${EVENTS}`);
          return EVENTS / ((performance.now() - start) / 1000);
        },
      ]),
    ),
    ROUNDS,
  );

  // 3. commit-to-handler latency, LISTEN mode, ~1,000 appends/s from 8 writers
  const committed = new Map();
  const seen = new Map();
  const consumer = new FeedConsumer(db, { name: 'latency', batchSize: 100, pool, pollIntervalMs: 500 });
  await consumer.reset({ to: `${(await bench.pool.query(`select pg_current_xact_id()::text as tx`)).rows[0].tx}:0` });
  const controller = new AbortController();
  let mode;
  const running = consumer.run(
    async (batch) => {
      const now = performance.now();
      for (const e of batch) seen.set(e.entity_id, now);
    },
    { signal: controller.signal },
  );
  while ((mode = (await consumer.status())?.mode) !== 'listen') await new Promise((r) => setTimeout(r, 20));
  const deadline = performance.now() + LATENCY_S * 1000;
  let seq = 0;
  await Promise.all(
    Array.from({ length: 8 }, async (_, w) => {
      // each writer paces itself at 125 appends/s
      for (let next = performance.now(); performance.now() < deadline; next += 8) {
        const key = `lat-${w}-${seq++}`;
        await events.append({ action: 'latency', entity_type: 'bench', entity_id: key });
        committed.set(key, performance.now());
        const wait = next + 8 - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
    }),
  );
  const appendedPerSec = seq / LATENCY_S;
  while (seen.size < seq && performance.now() < deadline + 10_000) await new Promise((r) => setTimeout(r, 20));
  controller.abort();
  await running;
  // the handler may see an event before its writer's await resumes: that counts as 0 ms
  const latencies = [...committed].filter(([key]) => seen.has(key)).map(([key, at]) => Math.max(0, seen.get(key) - at));

  console.log(`# Durable feed consumers\n\nCommand: \`node bench/consumers.bench.mjs\` (BENCH_MS=${MS}, BENCH_ROUNDS=${ROUNDS}, BENCH_EVENTS=${EVENTS}, BENCH_LATENCY_S=${LATENCY_S}); ${machine()}, ${new Date().toISOString().slice(0, 10)}.\n`);
  console.log(
    table(
      ['append measure', 'NOTIFY trigger on', 'off', 'on / off'],
      [
        ['append ops/s, concurrency 1', fmt(median(notify.enabled.map((r) => r.c1))), fmt(median(notify.disabled.map((r) => r.c1))), `${fmt(ratio('c1'), 3)}x`],
        ['append ops/s, concurrency 16', fmt(median(notify.enabled.map((r) => r.c16))), fmt(median(notify.disabled.map((r) => r.c16))), `${fmt(ratio('c16'), 3)}x`],
        ['appendMany of 1,000 (ms)', fmt(median(notify.enabled.map((r) => r.many)), 1), fmt(median(notify.disabled.map((r) => r.many)), 1), `${fmt(ratio('many'), 3)}x`],
      ],
    ),
  );
  const streamRate = median(reads['stream()']);
  console.log('');
  console.log(
    table(
      [`reading ${EVENTS} events, batch 100`, 'events/s (median)', 'vs stream()'],
      Object.keys(readers).map((name) => [name, fmt(median(reads[name])), `${fmt(median(reads[name]) / streamRate, 2)}x`]),
    ),
  );
  console.log('');
  console.log(
    table(
      ['commit-to-handler latency', 'figure'],
      [
        ['mode', mode],
        ['appends/s (8 writers)', fmt(appendedPerSec)],
        ['events measured', String(latencies.length)],
        ['p50 (ms)', fmt(percentile(latencies, 50), 1)],
        ['p99 (ms)', fmt(percentile(latencies, 99), 1)],
        ['max (ms)', fmt(Math.max(...latencies), 1)],
      ],
    ),
  );
} finally {
  await db.destroy();
  await bench.drop();
}
