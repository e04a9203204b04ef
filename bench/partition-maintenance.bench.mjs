// Partition maintenance under live traffic (issue 27, item 4): the longest stall of appends and
// reads while createPartitions creates the current month's partition with BENCH_ROWS rows of that
// month waiting in the DEFAULT partition (partitions lapsed: every write of the month went there).
//
//   online: kit.createPartitions, as shipped (rows moved under row locks, DEFAULT locked briefly);
//   naive:  the function of the previous commit, kept below for comparison: DEFAULT locked ACCESS
//           EXCLUSIVE for the whole move, then ATTACH (which builds the indexes under that lock).
//
// During each, until it commits:
//   - 4 writers append with EventLogRepo.append (stamped now(): routed to DEFAULT, then to the new
//     partition; an append that met the attach is retried by the library);
//   - 4 writers INSERT events stamped next month (routed to that month's existing partition);
//   - 2 readers page with EventLogRepo.listByUser (a read of every partition, DEFAULT included).
// Each call's latency is measured; the table gives the longest and the 99th percentile.
//
// Usage: npm run build && BENCH_ROWS=1000000 node bench/partition-maintenance.bench.mjs
import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { admin, loadKit, table, timeOnce, urlFor } from './lib.mjs';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const kit = await loadKit();
const name = `sk_bench_partitions_${randomBytes(4).toString('hex')}`;
await admin(`CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8'`);
const pool = new pg.Pool({ connectionString: urlFor(name), max: 16 });
const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
const q = (text, values) => pool.query(text, values);
const now = new Date();
const monthStart = (offset) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
const suffix = (at) => `${at.getUTCFullYear()}${String(at.getUTCMonth() + 1).padStart(2, '0')}`;

/** The previous commit's lifecycle_create_partition, for one schema: the lock held for the whole move. */
const NAIVE = (schema) => `
  CREATE FUNCTION ${schema}.naive_create_partition(p_from timestamptz) RETURNS void LANGUAGE plpgsql AS $$
  DECLARE
    v_to timestamptz := ((p_from AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC';
  BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('schemakit.partitions'), hashtext('${schema}.event_log'));
    CREATE TABLE ${schema}.event_log_naive (LIKE ${schema}.event_log INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE);
    LOCK TABLE ${schema}.event_log_default IN ACCESS EXCLUSIVE MODE;
    INSERT INTO ${schema}.event_log_naive SELECT * FROM ${schema}.event_log_default WHERE created_at >= p_from AND created_at < v_to;
    PERFORM set_config('schemakit.partition_move', '${schema}.event_log_default', true);
    DELETE FROM ${schema}.event_log_default WHERE created_at >= p_from AND created_at < v_to;
    EXECUTE format('ALTER TABLE ${schema}.event_log ATTACH PARTITION ${schema}.event_log_naive FOR VALUES FROM (%L) TO (%L)', p_from, v_to);
  END $$`;

/** Runs `op` in a loop until `stop()`, and returns its latencies (ms) and its errors. */
async function loop(op, stop) {
  const latencies = [];
  const errors = [];
  for (let i = 0; !stop(); i++) {
    const started = performance.now();
    try {
      await op(i);
    } catch (error) {
      errors.push(error);
    }
    latencies.push(performance.now() - started);
  }
  return { latencies, errors };
}

function summary(label, runs) {
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const errors = runs.flatMap((r) => r.errors);
  const p99 = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? 0;
  const failed = errors.length === 0 ? '0' : `${errors.length} (${[...new Set(errors.map((e) => e.code ?? e.message))].join(', ')})`;
  return [label, latencies.length.toLocaleString('en'), `${p99.toFixed(0)} ms`, `**${(latencies.at(-1) ?? 0).toFixed(0)} ms**`, failed];
}

try {
  const rows = [];
  for (const variant of ['online', 'naive']) {
    const { error } = await kit.migrateToLatest(db, { schema: variant, modules: ['audit'] });
    if (error) throw error;
    if (variant === 'naive') await q(NAIVE(variant));
    await q(`drop table ${variant}.event_log_p${suffix(monthStart(0))}`); // the month lapsed: its rows are in DEFAULT
    const fillMs = await timeOnce(() => q(`
      insert into ${variant}.event_log (user_id, action, entity_type, entity_id, details, created_at)
      select 'tg:' || (n % 200), 'bench.event', 'item', (n % 1000)::text, jsonb_build_object('n', n),
             $2::timestamptz + (n % 86400) * interval '1 second'
      from generate_series(1, $1::bigint) n`, [ROWS, monthStart(0)]));
    await q(`vacuum analyze ${variant}.event_log`);
    console.log(`${variant}: ${ROWS.toLocaleString('en')} rows in ${variant}.event_log_default (${(fillMs / 1000).toFixed(0)} s)`);

    const events = new kit.EventLogRepo(db, { schema: variant });
    let done = false;
    const stop = () => done;
    const traffic = [
      ...Array.from({ length: 4 }, (_, w) => loop((i) => events.append({ user_id: `tg:${w}`, action: 'bench.live', entity_type: 'item', entity_id: String(i) }), stop)),
      ...Array.from({ length: 4 }, (_, w) =>
        loop((i) => q(`insert into ${variant}.event_log (user_id, action, entity_type, entity_id, created_at) values ($1, 'bench.next', 'item', $2, $3)`,
          [`tg:${w}`, String(i), new Date(monthStart(1).getTime() + i * 1000)]), stop)),
      ...Array.from({ length: 2 }, (_, r) => loop((i) => events.listByUser(`tg:${(i * 2 + r) % 200}`, { limit: 20 }), stop)),
    ];
    await new Promise((resume) => setTimeout(resume, 1000)); // traffic under way before the maintenance starts
    const maintenanceMs = await timeOnce(() =>
      variant === 'online' ? kit.createPartitions(db, { schema: variant, ahead: 0 }) : q(`select ${variant}.naive_create_partition($1)`, [monthStart(0)]));
    done = true;
    const [defaults, months, reads] = [traffic.slice(0, 4), traffic.slice(4, 8), traffic.slice(8)].map((group) => Promise.all(group));
    const left = Number((await q(`select count(*) from ${variant}.event_log_default`)).rows[0].count);
    if (left !== 0) throw new Error(`${variant}: ${left} rows left in DEFAULT`);
    rows.push(
      [`**${variant}**: createPartitions took ${(maintenanceMs / 1000).toFixed(1)} s`, '', '', '', ''],
      summary('appends routed to DEFAULT (EventLogRepo.append, 4 writers)', await defaults),
      summary("appends routed to next month's partition (INSERT, 4 writers)", await months),
      summary('listByUser (2 readers)', await reads),
    );
  }
  console.log(`\n${table(['during createPartitions', 'calls', 'p99', 'longest', 'failed'], rows)}`);
} finally {
  await db.destroy();
  await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}
