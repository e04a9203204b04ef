#!/usr/bin/env node
// 4. EventLogRepo.stream over the whole event log in its own process: peak RSS (sampled every
//    10,000 events) and events/s; checks that every event arrives once, in position order.
//
//   npm run build && node --expose-gc bench/stream-memory.mjs                 # fills its own database (1M events)
//   node --expose-gc bench/stream-memory.mjs --database-url postgres://...    # an already filled one (paging.bench.mjs does this)
//   BENCH_STREAM_BATCH=500 BENCH_EVENTS=1000000 ...
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { createBenchDatabase, fillEvents, fmt, loadKit, table, verdict } from './lib.mjs';

const { values } = parseArgs({ options: { 'database-url': { type: 'string' } } });
const EVERY = 10_000;
const BATCH = Number(process.env.BENCH_STREAM_BATCH ?? 500);
const MB = 1024 * 1024;

const { EventLogRepo } = await loadKit();
const own = values['database-url'] ? undefined : await createBenchDatabase({ poolSize: 2 });
if (own) await fillEvents(own.pool, Number(process.env.BENCH_EVENTS ?? 1_000_000));
const pool = new pg.Pool({ connectionString: values['database-url'] ?? own.url, max: 2 });
const db = new Kysely({ dialect: new PostgresDialect({ pool: { connect: () => pool.connect(), end: async () => undefined } }) });

try {
  const { rows: [{ total }] } = await pool.query('select count(*)::int as total from schema_kit.event_log');
  globalThis.gc?.();
  const baseline = process.memoryUsage();
  let peakRss = baseline.rss;
  let peakHeap = baseline.heapUsed;
  let count = 0;
  let last = [0n, 0n];
  const start = performance.now();
  for await (const event of new EventLogRepo(db).stream({ batchSize: BATCH })) {
    const position = [BigInt(event.tx_id), BigInt(event.id)];
    if (position[0] < last[0] || (position[0] === last[0] && position[1] <= last[1])) throw new Error(`out of order at ${event.position}`);
    last = position;
    if (++count % EVERY === 0) {
      const { rss, heapUsed } = process.memoryUsage();
      peakRss = Math.max(peakRss, rss);
      peakHeap = Math.max(peakHeap, heapUsed);
    }
  }
  const seconds = (performance.now() - start) / 1000;
  if (count !== total) throw new Error(`streamed ${count} events of ${total}`);
  globalThis.gc?.();
  const after = process.memoryUsage(); // live heap once garbage is collected: what the stream retains
  console.log(`## 4. stream() over ${fmt(total)} events (batchSize ${BATCH}, own process, RSS sampled every ${fmt(EVERY)} events)\n`);
  const how = own ? 'on a database it filled itself, in this process' : 'on the database given by --database-url';
  console.log(`Command: \`node --expose-gc bench/stream-memory.mjs\` (${how})\n`);
  console.log(
    table(
      ['events', 'events/s', 'RSS before (MB)', 'peak RSS (MB)', 'goal peak RSS < 150 MB', 'peak heap used (MB)', 'live heap after GC, before → after (MB)', 'order & count'],
      [
        [
          fmt(count),
          fmt(count / seconds),
          fmt(baseline.rss / MB, 1),
          fmt(peakRss / MB, 1),
          verdict(peakRss < 150 * MB),
          fmt(peakHeap / MB, 1),
          globalThis.gc ? `${fmt(baseline.heapUsed / MB, 1)} → ${fmt(after.heapUsed / MB, 1)}` : 'n/a (run with --expose-gc)',
          'every event once, in position order',
        ],
      ],
    ),
  );
} finally {
  await db.destroy();
  await pool.end();
  await own?.drop();
}
