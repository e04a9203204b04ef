// Data lifecycle at scale: the same events in a partitioned event_log (schema "part", as installed)
// and a plain one (schema "plain": the same install taken down one step, audit/0005, so the same
// columns, indexes and triggers), then
//   1. appends, partitioned vs plain (repo append, 16 workers, interleaved slices);
//   2. keyset pages and the stream at full size;
//   3. retention of one month: dropPartitionsBefore vs DELETE of the same rows (time, size after);
//   4. the in-place conversion of the plain table (audit/0005), rows per second.
//
// BENCH_EVENTS (default 10,000,000) events spread evenly over the 12 months before this one.
// Usage: npm run build && BENCH_EVENTS=2000000 node bench/lifecycle.bench.mjs
import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { admin, alternate, loadKit, median, throughput, timeOnce, urlFor } from './lib.mjs';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000_000);
const BATCH = 200_000; // rows per fill transaction: the stream sees many writing transactions
const kit = await loadKit();
const name = `sk_bench_lifecycle_${randomBytes(4).toString('hex')}`;
await admin(`CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8'`);
const pool = new pg.Pool({ connectionString: urlFor(name), max: 17 });
const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
const q = (text, values) => pool.query(text, values);
const mb = (bytes) => `${(Number(bytes) / 1048576).toFixed(0)} MB`;
const log = (line) => console.log(line);

try {
  for (const schema of ['part', 'plain']) {
    const { error } = await kit.migrateToLatest(db, { schema, modules: ['audit'] });
    if (error) throw error;
  }
  const down = await kit.migrateDown(db, { schema: 'plain', steps: 1 });
  if (down.error) throw down.error;
  const kinds = (await q(`select n.nspname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relname = 'event_log' order by 1`)).rows;
  log(`event_log: ${kinds.map((k) => `${k.nspname}=${k.relkind === 'p' ? 'partitioned' : 'plain'}`).join(', ')}`);
  const now = new Date();
  const monthStart = (offset) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
  for (let m = -12; m < 0; m++) await q(`select part.lifecycle_create_partitions('part.event_log', array[$1::timestamptz])`, [monthStart(m)]);

  // fill: the same rows in both tables, 200 users, 1,000 entities, months -12..-1
  const fillStarted = performance.now();
  for (const schema of ['part', 'plain']) {
    for (let from = 0; from < EVENTS; from += BATCH) {
      const to = Math.min(EVENTS, from + BATCH) - 1;
      await q(`
        insert into ${schema}.event_log (user_id, action, entity_type, entity_id, details, created_at)
        select 'tg:' || (n % 200), 'bench.event', 'item', (n % 1000)::text, jsonb_build_object('n', n),
               $3::timestamptz + ((n % 12) * interval '1 month') + (n % 86400) * interval '1 second'
        from generate_series($1::bigint, $2::bigint) n`, [from, to, monthStart(-12)]);
    }
    await q(`vacuum analyze ${schema}.event_log`);
  }
  log(`fill: ${EVENTS.toLocaleString('en')} events x 2 tables in ${((performance.now() - fillStarted) / 1000).toFixed(0)} s`);
  const size = async (schema) => (await q(`select sum(pg_total_relation_size(c.oid))::bigint as b from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = $1 and c.relkind = 'r' and (c.relname = 'event_log' or c.relname like 'event_log\\_%')`, [schema])).rows[0].b;
  log(`size: part ${mb(await size('part'))}, plain ${mb(await size('plain'))}`);

  // 1. appends
  const repos = { part: new kit.EventLogRepo(db, { schema: 'part' }), plain: new kit.EventLogRepo(db, { schema: 'plain' }) };
  const rounds = await alternate(
    Object.fromEntries(Object.entries(repos).map(([k, repo]) => [k, () =>
      throughput((i) => repo.append({ user_id: `tg:${i % 200}`, action: 'bench.append', entity_type: 'item', entity_id: String(i % 1000) }), { concurrency: 16, ms: 2000 })])),
    6,
  );
  const ops = (k) => median(rounds[k].map((r) => r.opsPerSec));
  const ratio = median(rounds.part.map((r, i) => r.opsPerSec / rounds.plain[i].opsPerSec));
  log(`\n| appends (16 workers, durable) | partitioned | plain | partitioned/plain |\n|---|---|---|---|`);
  log(`| median of 6 interleaved 2 s slices | ${ops('part').toFixed(0)}/s | ${ops('plain').toFixed(0)}/s | ${ratio.toFixed(2)}x |`);

  // 2. pages and stream at full size
  log(`\n| read at ${EVENTS.toLocaleString('en')} events | partitioned | plain |\n|---|---|---|`);
  const pageMs = async (repo, deep) => {
    const times = [];
    for (let i = 0; i < 50; i++) {
      let after;
      if (deep) after = (await q(`select id from part.event_log where user_id = $1 order by id desc offset $2 limit 1`, [`tg:${i}`, Math.floor(EVENTS / 400)])).rows[0]?.id;
      times.push(await timeOnce(() => repo.listByUser(`tg:${i}`, { limit: 50, ...(after ? { after } : {}) })));
    }
    return median(times);
  };
  for (const deep of [false, true]) {
    log(`| listByUser, limit 50, ${deep ? 'page half-way through the user' : 'first page'} (median of 50) | ${(await pageMs(repos.part, deep)).toFixed(2)} ms | ${(await pageMs(repos.plain, deep)).toFixed(2)} ms |`);
  }
  const streamRate = async (repo) => {
    let n = 0;
    const limit = Math.min(EVENTS, 1_000_000);
    const started = performance.now();
    for await (const e of repo.stream({ batchSize: 1000 })) if (++n >= limit || !e) break;
    return { n, perSec: n / ((performance.now() - started) / 1000) };
  };
  const sp = await streamRate(repos.part);
  const sl = await streamRate(repos.plain);
  log(`| stream, batchSize 1000, first ${sp.n.toLocaleString('en')} events | ${sp.perSec.toFixed(0)} events/s | ${sl.perSec.toFixed(0)} events/s |`);

  // 3. retention of the oldest month
  const cutoff = monthStart(-11);
  const doomed = Number((await q(`select count(*) from plain.event_log where created_at < $1`, [cutoff])).rows[0].count);
  const [partBefore, plainBefore] = [await size('part'), await size('plain')];
  const dropMs = await timeOnce(() => kit.dropPartitionsBefore(db, { schema: 'part', table: 'event_log', before: cutoff }));
  await q(`alter table plain.event_log disable trigger event_log_reject_change`); // DELETE, as a plain table would allow
  const deleteMs = await timeOnce(() => q(`delete from plain.event_log where created_at < $1`, [cutoff]));
  const [partAfter, plainAfterDelete] = [await size('part'), await size('plain')];
  const vacuumMs = await timeOnce(() => q(`vacuum plain.event_log`));
  const plainAfterVacuum = await size('plain');
  log(`\n| retention of one month (${doomed.toLocaleString('en')} rows) | time | size before | size after |\n|---|---|---|---|`);
  log(`| dropPartitionsBefore (partitioned) | ${dropMs.toFixed(0)} ms | ${mb(partBefore)} | ${mb(partAfter)} |`);
  log(`| DELETE (plain) | ${deleteMs.toFixed(0)} ms | ${mb(plainBefore)} | ${mb(plainAfterDelete)} (VACUUM ${vacuumMs.toFixed(0)} ms more: ${mb(plainAfterVacuum)}; the space stays in the table) |`);

  // 4. the in-place conversion of an existing install (audit/0005 up on the plain table left)
  await q(`alter table plain.event_log enable always trigger event_log_reject_change`);
  const rows = Number((await q(`select count(*) from plain.event_log`)).rows[0].count);
  let converted;
  const convertMs = await timeOnce(async () => {
    converted = await kit.migrateToLatest(db, { schema: 'plain' });
  });
  if (converted.error) throw converted.error;
  log(`\n| conversion of a plain event_log in place (audit/0005, copy path) | rows | time | rows/s |\n|---|---|---|---|`);
  log(`| \`migrateToLatest\` | ${rows.toLocaleString('en')} | ${(convertMs / 1000).toFixed(1)} s | ${(rows / (convertMs / 1000)).toFixed(0)} |`);
} finally {
  await db.destroy();
  await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}
