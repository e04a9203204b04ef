#!/usr/bin/env node
// 3. Keyset paging on a 1,000,000-event log: EventLogRepo.listByEntity and listByUser, page 1
//    against page 1,000 (limit 50; the cursors are walked to reach it), one caller.
// 4. Then, on the same database, `stream` over every event in a child process
//    (bench/stream-memory.mjs): peak RSS and events/s.
//
//   npm run build && node bench/paging.bench.mjs [--no-stream]
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres BENCH_EVENTS=1000000 node bench/paging.bench.mjs
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { HOT, alternate, capturingKysely, createBenchDatabase, fillEvents, fmt, loadKit, machine, median, root, table, timeOnce, verdict } from './lib.mjs';

const TOTAL = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const LIMIT = 50;
const DEPTH = 1000;
const CALLS = 40; // timed calls per page per round
const ROUNDS = 5;

const { EventLogRepo } = await loadKit();
const bench = await createBenchDatabase({ poolSize: 4 });

/** Walks `DEPTH - 1` pages and returns the cursor of page DEPTH, with the mean ms per page of the walk. */
async function cursorOfPage(list) {
  let after;
  const ms = await timeOnce(async () => {
    for (let page = 1; page < DEPTH; page++) {
      const { next } = await list(after);
      if (!next) throw new Error(`only ${page} pages: the hot key needs at least ${DEPTH * LIMIT} events`);
      after = next;
    }
  });
  return { after, walkMsPerPage: ms / (DEPTH - 1) };
}

/** EXPLAIN (ANALYZE, BUFFERS) of the exact query the repo sends for a page: plan shape and buffers. */
async function explain(call) {
  const capture = capturingKysely(bench.pool);
  await call(new EventLogRepo(capture.db));
  await capture.db.destroy();
  const [query] = capture.queries;
  const { rows } = await bench.pool.query(`explain (analyze, buffers, costs off, timing off, summary off) ${query.sql}`, query.parameters);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

try {
  console.log(`# Repositories: keyset paging and stream on ${fmt(TOTAL)} events\n\nCommand: \`node bench/paging.bench.mjs\`; ${machine()}.\n`);
  const fillMs = await fillEvents(bench.pool, TOTAL);
  const { rows: [counts] } = await bench.pool.query(
    `select count(*) filter (where entity_type = $1 and entity_id = $2) as entity, count(*) filter (where user_id = $3) as "user", count(distinct tx_id) as txs
     from schema_kit.event_log`,
    [HOT.entityType, HOT.entityId, HOT.userId],
  );
  console.log(`Filled in ${fmt(fillMs / 1000, 1)} s (INSERT ... SELECT generate_series in ${counts.txs} statements, then VACUUM ANALYZE); hot entity ${fmt(Number(counts.entity))} events, hot user ${fmt(Number(counts.user))}.\n`);

  const events = new EventLogRepo(bench.db);
  const listings = {
    listByEntity: (after, repo = events) => repo.listByEntity(HOT.entityType, HOT.entityId, { limit: LIMIT, after }),
    listByUser: (after, repo = events) => repo.listByUser(HOT.userId, { limit: LIMIT, after }),
  };
  const rows = [];
  const plans = [];
  for (const [name, list] of Object.entries(listings)) {
    const { after, walkMsPerPage } = await cursorOfPage(list);
    const deep = await list(after);
    if (deep.items.length !== LIMIT) throw new Error(`${name}: page ${DEPTH} has ${deep.items.length} items`);
    const timed = (cursor) => async () => {
      const each = [];
      for (let i = 0; i < CALLS; i++) each.push(await timeOnce(() => list(cursor)));
      return each;
    };
    await alternate({ first: timed(undefined), deep: timed(after) }, 1); // warm-up
    const r = await alternate({ first: timed(undefined), deep: timed(after) }, ROUNDS);
    const [first, deepMs] = [median(r.first.flat()), median(r.deep.flat())];
    rows.push([name, fmt(first, 2), fmt(deepMs, 2), `${fmt(deepMs / first, 2)}x`, verdict(deepMs / first <= 2), fmt(walkMsPerPage, 2)]);
    plans.push(`${name}, page ${DEPTH}:\n${await explain((repo) => list(after, repo))}`);
  }
  console.log(`## 3. Keyset paging, limit ${LIMIT}, page 1 vs page ${DEPTH} (median of ${ROUNDS * CALLS} calls each, interleaved)\n`);
  console.log(table(['listing', 'page 1 (ms)', `page ${DEPTH} (ms)`, 'ratio', `goal page ${DEPTH} ≤ 2x page 1`, `mean ms/page walking pages 1-${DEPTH - 1}`], rows));
  console.log(`\n\`\`\`\n${plans.join('\n\n')}\n\`\`\`\n`);

  if (!process.argv.includes('--no-stream')) {
    const child = spawnSync(process.execPath, ['--expose-gc', join(root, 'bench', 'stream-memory.mjs'), '--database-url', bench.url], { stdio: 'inherit' });
    if (child.status !== 0) process.exitCode = 1;
  }
} finally {
  await bench.drop();
}
