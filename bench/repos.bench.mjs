#!/usr/bin/env node
// 1. Single-row writes: ProcessedMessageRepo.claim and EventLogRepo.append against raw `pg`
//    replaying the identical SQL text and parameters (captured from the repo through Kysely's
//    `log`), and against a naive approach, at concurrency 1 and 16 (workers sharing a pg.Pool of 16).
//    Run twice: durable commits (the server's default, fsync-bound) and `synchronous_commit=off`
//    (commits do not wait for the WAL flush, so the client-side cost weighs the most).
// 2. Batches: claimMany / appendMany of 1,000 against a loop of 1,000 single calls.
// Fresh ids every op; variants interleaved round by round; medians over the rounds.
//
//   npm run build && node bench/repos.bench.mjs
//   BENCH_MS=400 BENCH_ROUNDS=8 BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node bench/repos.bench.mjs
import { deepStrictEqual } from 'node:assert';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { alternate, capturingKysely, createBenchDatabase, fmt, interleavedThroughput, loadKit, machine, median, table, tag, timeOnce, verdict } from './lib.mjs';

const MS = Number(process.env.BENCH_MS ?? 400);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const BATCH = 1000;
const INBOX = 'schema_kit.processed_messages';

const { ProcessedMessageRepo, EventLogRepo } = await loadKit();
const bench = await createBenchDatabase({ poolSize: 16 });
const run = tag();
let n = 0;
const event = (key) => ({ user_id: `user:${n++ % 100}`, action: 'bench.append', entity_type: 'bench', entity_id: key, details: { key, source: 'bench' } });
const eventParams = (e) => [e.user_id, e.action, e.entity_type, e.entity_id, JSON.stringify(e.details), e.timestamp ?? null];

/** The SQL the repos send, captured through Kysely's `log`, checked to carry the parameters raw pg will send. */
async function captureSql(pool) {
  const capture = capturingKysely(pool);
  await new ProcessedMessageRepo(capture.db).claim(`${run}:probe`);
  const probe = event(`${run}:probe`);
  await new EventLogRepo(capture.db).append(probe);
  await capture.db.destroy();
  const [claim, append] = capture.queries;
  deepStrictEqual(claim.parameters, ['default', `${run}:probe`]);
  deepStrictEqual(append.parameters, eventParams(probe));
  return { claim: claim.sql, append: append.sql };
}

/** The three variants of each single-write method on one pool (and a Kysely over it). */
function singleWrites(pool, db, sql) {
  const inbox = new ProcessedMessageRepo(db);
  const events = new EventLogRepo(db);
  return {
    claim: {
      repo: (id) => inbox.claim(id),
      raw: async (id) => (await pool.query(sql.claim, ['default', id])).rows.length > 0,
      naive: async (id) => {
        const found = await pool.query(`select 1 from ${INBOX} where consumer = $1 and message_id = $2`, ['default', id]);
        if (found.rows.length > 0) return false;
        await pool.query(`insert into ${INBOX} (consumer, message_id) values ($1, $2)`, ['default', id]);
        return true;
      },
    },
    append: {
      repo: (key) => events.append(event(key)),
      raw: async (key) => (await pool.query(sql.append, eventParams(event(key)))).rows[0],
      // append has no naive dedup: the "naive" variant is an explicit BEGIN / INSERT / COMMIT
      naive: async (key) => {
        const client = await pool.connect();
        try {
          await client.query('begin');
          const { rows } = await client.query(sql.append, eventParams(event(key)));
          await client.query('commit');
          return rows[0];
        } finally {
          client.release();
        }
      },
    },
  };
}

async function measureSingles(label, pool, db, sql) {
  const rows = [];
  for (const [method, variants] of Object.entries(singleWrites(pool, db, sql))) {
    for (const concurrency of [1, 16]) {
      const r = await interleavedThroughput(variants, { concurrency, ms: MS, rounds: ROUNDS, prefix: `${run}:${label}:${method}:${concurrency}` });
      const ops = (name) => median(r[name].map((x) => x.opsPerSec));
      const cpu = (name) => median(r[name].map((x) => x.cpuUsPerOp));
      const ratio = median(r.repo.map((x, i) => x.opsPerSec / r.raw[i].opsPerSec)); // round by round
      rows.push([
        label,
        method,
        concurrency,
        fmt(ops('repo')),
        fmt(ops('raw')),
        fmt(ops('naive')),
        `${fmt(ratio, 3)}x`,
        `${fmt(ops('repo') / ops('naive'), 2)}x`,
        verdict(ratio >= 0.9),
        `${fmt(cpu('repo'))} / ${fmt(cpu('raw'))}`,
      ]);
    }
  }
  return rows;
}

async function measureBatches(db) {
  const inbox = new ProcessedMessageRepo(db);
  const events = new EventLogRepo(db);
  let b = 0;
  const ids = () => Array.from({ length: BATCH }, (_, i) => `${run}:batch:${b}:${i}`);
  const list = () => Array.from({ length: BATCH }, (_, i) => event(`${run}:batch:${b}:${i}`));
  const loop = (items, call) => timeOnce(async () => {
    for (const item of items) await call(item);
  });
  const variants = {
    claimMany: () => (b++, timeOnce(() => inbox.claimMany(ids()))),
    claimLoop: () => (b++, loop(ids(), (id) => inbox.claim(id))),
    appendMany: () => (b++, timeOnce(() => events.appendMany(list()))),
    appendLoop: () => (b++, loop(list(), (e) => events.append(e))),
  };
  await alternate(variants, 1);
  const r = await alternate(variants, 3);
  return [
    ['claimMany vs claim', 'claimMany', 'claimLoop'],
    ['appendMany vs append', 'appendMany', 'appendLoop'],
  ].map(([label, many, loopOf]) => {
    const [m, l] = [median(r[many]), median(r[loopOf])];
    return [label, fmt(m, 1), fmt(l, 1), `${fmt(l / m, 1)}x`, verdict(l / m >= 20)];
  });
}

try {
  console.log(`# Repositories: writes\n\nCommand: \`node bench/repos.bench.mjs\` (BENCH_MS=${MS}, BENCH_ROUNDS=${ROUNDS}); ${machine()}.\n`);
  const sql = await captureSql(bench.pool);
  const oneLine = (text) => text.replace(/\s+/g, ' ').trim();
  console.log(`claim SQL (repo and raw): \`${oneLine(sql.claim)}\`\n\nappend SQL (repo and raw): \`${oneLine(sql.append)}\`\n`);

  const asyncPool = new pg.Pool({ connectionString: bench.url, max: 16, options: '-c synchronous_commit=off' });
  const asyncDb = new Kysely({ dialect: new PostgresDialect({ pool: { connect: () => asyncPool.connect(), end: async () => undefined } }) });
  const rows1 = [...(await measureSingles('durable', bench.pool, bench.db, sql)), ...(await measureSingles('sync_commit=off', asyncPool, asyncDb, sql))];
  await asyncDb.destroy();
  await asyncPool.end();
  console.log('## 1. Single writes: repo vs raw pg (identical SQL) vs naive\n');
  console.log(`Medians of ${ROUNDS} interleaved ${MS} ms slices; repo/raw is the median of the per-round ratios. naive claim = SELECT then INSERT (2 round trips); naive append = BEGIN / INSERT / COMMIT on one client. CPU = this process's user+sys µs per op.\n`);
  console.log(
    table(['commit', 'method', 'concurrency', 'repo ops/s', 'raw pg ops/s', 'naive ops/s', 'repo/raw', 'repo/naive', 'goal repo ≥ 0.9x raw', 'client CPU µs/op repo / raw'], rows1),
  );

  console.log(`\n## 2. Batches of ${BATCH}: one call vs a loop of ${BATCH} single calls (durable commits, median of 3)\n`);
  console.log(table(['comparison', `batch of ${BATCH} (ms)`, `loop of ${BATCH} (ms)`, 'speed-up', 'goal ≥ 20x'], await measureBatches(bench.db)));
} finally {
  await bench.drop();
}
