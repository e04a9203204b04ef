#!/usr/bin/env node
// The erasure index of event_log (migration audit/0005_event_log_erasure_index), both sides:
//  1. its cost on the append hot path: EventLogRepo.append (concurrency 1 and 16) and appendMany
//     (1,000 events) with the index (as installed) and without it, interleaved round by round on
//     one database, synchronous_commit=off so the per-row cost is not hidden behind fsync;
//  2. what it saves: event_log_pseudonymize (the events part of forgetUser) for one user of
//     200,000 among BENCH_EVENTS events (default 1,000,000), with the index and without (every
//     event read, as audit/0003 did: what the function still does for an identifier too long
//     for the index), and the time and size of the index build on those events.
//
//   npm run build && node bench/erasure-index.bench.mjs
//   BENCH_MS=300 BENCH_ROUNDS=8 BENCH_EVENTS=1000000 BENCH_ERASURES=5 node bench/erasure-index.bench.mjs
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { alternate, appendMeasures, createBenchDatabase, fmt, loadKit, machine, median, table, timeOnce } from './lib.mjs';

const MS = Number(process.env.BENCH_MS ?? 300);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const ERASURES = Number(process.env.BENCH_ERASURES ?? 5);
const USERS = 200_000;

const { EventLogRepo } = await loadKit();
const bench = await createBenchDatabase({ poolSize: 2 });
// BENCH_DURABLE=1: durable commits, as a host runs them (the per-row cost then competes with the WAL flush)
const pool = new pg.Pool({ connectionString: bench.url, max: 16, ...(process.env.BENCH_DURABLE === '1' ? {} : { options: '-c synchronous_commit=off' }) });
pool.on('error', () => undefined); // DROP DATABASE ... WITH (FORCE) at the end cuts idle clients off
const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
const events = new EventLogRepo(db);

const INDEX = `CREATE INDEX IF NOT EXISTS event_log_erasure_keys_idx ON schema_kit.event_log
  USING gin (schema_kit.event_log_erasure_keys(user_id, entity_id, details))`;
const withIndex = async (present, measure) => {
  await bench.pool.query(present ? INDEX : 'DROP INDEX IF EXISTS schema_kit.event_log_erasure_keys_idx');
  return measure();
};

/** Erases the `count` users from `first` (their tg: id and email) one by one; the median ms.
 * `scan`: with an identifier too long for the index among them, which makes event_log_pseudonymize
 * read every event as audit/0003 did (its strpos over details::text). */
async function erase(first, count, scan = false) {
  const times = [];
  for (let user = first; user < first + count; user++) {
    const ids = [`tg:${user}`, `u${user}@example.com`, ...(scan ? ['x'.repeat(1025)] : [])];
    times.push(await timeOnce(() => bench.pool.query(`select schema_kit.event_log_pseudonymize($1, 'erased:' || gen_random_uuid())`, [ids])));
  }
  return median(times);
}

try {
  const measure = appendMeasures(events, MS);
  const results = await alternate({ with: () => withIndex(true, measure), without: () => withIndex(false, measure) }, ROUNDS);
  const ratio = (key) => median(results.with.map((r, i) => r[key] / results.without[i][key]));

  await withIndex(false, async () => undefined);
  for (let from = 1; from <= EVENTS; from += 50_000) {
    await bench.pool.query(
      `insert into schema_kit.event_log (user_id, action, entity_type, entity_id, details)
       select 'tg:' || (g % ${USERS}), 'bench.action_' || (g % 7), 'doc', 'd' || (g % 10007),
              jsonb_build_object('by', jsonb_build_object('mail', 'u' || (g % ${USERS}) || '@example.com'), 'n', g, 'tags', jsonb_build_array('bench', 'generated'))
       from generate_series($1::int, $2::int) g`,
      [from, Math.min(from + 49_999, EVENTS)],
    );
  }
  await bench.pool.query('vacuum analyze schema_kit.event_log');
  const build = await timeOnce(() => bench.pool.query(INDEX));
  const { rows: [size] } = await bench.pool.query(`select pg_size_pretty(sum(pg_relation_size(i.inhrelid))) as index, pg_size_pretty(sum(pg_relation_size(t.inhrelid))) as heap
    from pg_inherits i, pg_inherits t where i.inhparent = 'schema_kit.event_log_erasure_keys_idx'::regclass and t.inhparent = 'schema_kit.event_log'::regclass and t.inhrelid = (select indrelid from pg_index where indexrelid = i.inhrelid)`);
  const indexed = await erase(1, ERASURES);
  const scanned = await erase(1 + ERASURES, ERASURES, true);

  console.log(`# The erasure index of event_log\n\nCommand: \`node bench/erasure-index.bench.mjs\` (BENCH_MS=${MS}, BENCH_ROUNDS=${ROUNDS}, BENCH_EVENTS=${EVENTS}, BENCH_ERASURES=${ERASURES}); ${machine()}.\n`);
  console.log(
    table(
      ['append measure', 'with the index', 'without', 'with / without'],
      [
        ['append ops/s, concurrency 1', fmt(median(results.with.map((r) => r.c1))), fmt(median(results.without.map((r) => r.c1))), `${fmt(ratio('c1'), 3)}x`],
        ['append ops/s, concurrency 16', fmt(median(results.with.map((r) => r.c16))), fmt(median(results.without.map((r) => r.c16))), `${fmt(ratio('c16'), 3)}x`],
        ['appendMany of 1,000 (ms)', fmt(median(results.with.map((r) => r.many)), 1), fmt(median(results.without.map((r) => r.many)), 1), `${fmt(ratio('many'), 3)}x`],
      ],
    ),
  );
  console.log('');
  console.log(
    table(
      [`${fmt(EVENTS)} events, ${fmt(USERS)} users`, 'figure'],
      [
        ['event_log_pseudonymize of one user, with the index (median ms)', fmt(indexed, 1)],
        ['event_log_pseudonymize of one user, every event read (median ms)', fmt(scanned, 1)],
        ['index build, all partitions (ms)', fmt(build)],
        ['index size / heap size', `${size.index} / ${size.heap}`],
      ],
    ),
  );
} finally {
  await db.destroy();
  await bench.drop();
}
