#!/usr/bin/env node
// The cost of the tx_id trigger (migration audit/0002_event_log_tx_id) on the append hot path:
// EventLogRepo.append (concurrency 1 and 16) and appendMany (1,000 events), with the trigger
// enabled (as installed) and disabled (the table as 0.1.0 had it), interleaved round by round
// on one database so the machine's load hits both alike. Commits with synchronous_commit=off, so
// the fsync latency does not hide the per-row cost. Ratio = median over rounds of enabled/disabled.
//
//   npm run build && node bench/tx-id.bench.mjs
//   BENCH_MS=300 BENCH_ROUNDS=8 BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node bench/tx-id.bench.mjs
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { alternate, appendMeasures, createBenchDatabase, fmt, loadKit, machine, median, table } from './lib.mjs';

const MS = Number(process.env.BENCH_MS ?? 300);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);

const { EventLogRepo } = await loadKit();
const bench = await createBenchDatabase({ poolSize: 2 });
const pool = new pg.Pool({ connectionString: bench.url, max: 16, options: '-c synchronous_commit=off' });
pool.on('error', () => undefined); // DROP DATABASE ... WITH (FORCE) at the end cuts idle clients off
const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
const events = new EventLogRepo(db);

async function withTrigger(enabled, measure) {
  await bench.pool.query(`alter table schema_kit.event_log ${enabled ? 'enable always' : 'disable'} trigger event_log_enforce_tx_id`);
  return measure();
}
const measure = appendMeasures(events, MS);

try {
  const results = await alternate({ enabled: () => withTrigger(true, measure), disabled: () => withTrigger(false, measure) }, ROUNDS);
  await withTrigger(true, async () => undefined);
  const ratio = (key) => median(results.enabled.map((r, i) => r[key] / results.disabled[i][key]));
  console.log(`# The tx_id trigger on the append path\n\nCommand: \`node bench/tx-id.bench.mjs\` (BENCH_MS=${MS}, BENCH_ROUNDS=${ROUNDS}); ${machine()}.\n`);
  console.log(
    table(
      ['measure', 'trigger enabled', 'trigger disabled', 'enabled / disabled'],
      [
        ['append ops/s, concurrency 1', fmt(median(results.enabled.map((r) => r.c1))), fmt(median(results.disabled.map((r) => r.c1))), `${fmt(ratio('c1'), 3)}x`],
        ['append ops/s, concurrency 16', fmt(median(results.enabled.map((r) => r.c16))), fmt(median(results.disabled.map((r) => r.c16))), `${fmt(ratio('c16'), 3)}x`],
        ['appendMany of 1,000 (ms)', fmt(median(results.enabled.map((r) => r.many)), 1), fmt(median(results.disabled.map((r) => r.many)), 1), `${fmt(ratio('many'), 3)}x`],
      ],
    ),
  );
} finally {
  await db.destroy();
  await bench.drop();
}
