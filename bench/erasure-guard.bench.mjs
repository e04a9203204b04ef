#!/usr/bin/env node
// The cost of the erasure guard (event_log_refuse_forgotten, docs/lifecycle.md) on the append hot
// path: EventLogRepo.append (concurrency 1 and 16) and appendMany (1,000 events) with the guard
// dormant (no erasure ever ran: its WHEN clause skips it), active (after an erasure, with 1,000
// forgotten identifiers), and absent (the trigger disabled: the table as it was before the guard),
// interleaved round by round on one database. Commits with synchronous_commit=off, so the fsync
// latency does not hide the per-statement cost (BENCH_DURABLE=1: durable commits, as a service
// runs). Ratios = median over rounds of variant/absent.
//
//   npm run build && node bench/erasure-guard.bench.mjs
//   BENCH_MS=300 BENCH_ROUNDS=8 BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node bench/erasure-guard.bench.mjs
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { alternate, appendMeasures, createBenchDatabase, fmt, loadKit, machine, median, table } from './lib.mjs';

const MS = Number(process.env.BENCH_MS ?? 300);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);

const { EventLogRepo, forgetUser } = await loadKit();
const bench = await createBenchDatabase({ poolSize: 2 });
const DURABLE = process.env.BENCH_DURABLE === '1';
const pool = new pg.Pool({ connectionString: bench.url, max: 16, ...(DURABLE ? {} : { options: '-c synchronous_commit=off' }) });
pool.on('error', () => undefined); // DROP DATABASE ... WITH (FORCE) at the end cuts idle clients off
const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
const events = new EventLogRepo(db);

await forgetUser(bench.db, { identifiers: Array.from({ length: 100 }, (_, i) => `gone:${i}`) });
await bench.pool.query(`insert into schema_kit.erased_identifiers (digest) select sha256(convert_to('gone:' || g, 'UTF8')) from generate_series(100, 999) g`);

async function guard(state, measure) {
  await bench.pool.query(`alter table schema_kit.event_log ${state === 'absent' ? 'disable' : 'enable always'} trigger event_log_refuse_forgotten`);
  await bench.pool.query(`select setval('schema_kit.lifecycle_erasures', 1, $1)`, [state === 'active']);
  return measure();
}
const measure = appendMeasures(events, MS);

try {
  const results = await alternate(
    { absent: () => guard('absent', measure), dormant: () => guard('dormant', measure), active: () => guard('active', measure) },
    ROUNDS,
  );
  await guard('active', async () => undefined);
  const ratio = (variant, key) => median(results[variant].map((r, i) => r[key] / results.absent[i][key]));
  const med = (variant, key, digits = 0) => fmt(median(results[variant].map((r) => r[key])), digits);
  console.log(`# The erasure guard on the append path\n\nCommand: \`node bench/erasure-guard.bench.mjs\` (BENCH_MS=${MS}, BENCH_ROUNDS=${ROUNDS}, ${DURABLE ? 'durable commits' : 'synchronous_commit=off'}); ${machine()}.\n`);
  console.log(
    table(
      ['measure', 'absent', 'dormant', 'active', 'dormant / absent', 'active / absent'],
      [
        ['append ops/s, concurrency 1', med('absent', 'c1'), med('dormant', 'c1'), med('active', 'c1'), `${fmt(ratio('dormant', 'c1'), 3)}x`, `${fmt(ratio('active', 'c1'), 3)}x`],
        ['append ops/s, concurrency 16', med('absent', 'c16'), med('dormant', 'c16'), med('active', 'c16'), `${fmt(ratio('dormant', 'c16'), 3)}x`, `${fmt(ratio('active', 'c16'), 3)}x`],
        ['appendMany of 1,000 (ms)', med('absent', 'many', 1), med('dormant', 'many', 1), med('active', 'many', 1), `${fmt(ratio('dormant', 'many'), 3)}x`, `${fmt(ratio('active', 'many'), 3)}x`],
      ],
    ),
  );
} finally {
  await db.destroy();
  await bench.drop();
}
