#!/usr/bin/env node
// One stream over the whole event log, for bench/peers.bench.mjs (which runs it under GNU time):
//   node bench/stream-peer.mjs <schema-kit | raw pg, named | raw pg, named, as Kysely drives pg | Kysely builder> <database url>
// Prints one JSON line: events, events/s, client CPU µs per event. Every variant reads the same
// gap-free batches (tx_id, id) below the oldest running transaction, 500 rows at a time, and
// checks that every event arrives once, in order.
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { loadKit } from './lib.mjs';

const [variant, url] = process.argv.slice(2);
const BATCH = 500;
const pool = new pg.Pool({ connectionString: url, max: 2 });
const db = new Kysely({ dialect: new PostgresDialect({ pool: { connect: () => pool.connect(), end: async () => undefined } }) });
const COLUMNS = ['id', 'user_id', 'action', 'entity_type', 'entity_id', 'timestamp', 'details', 'created_at', 'tx_id'];
// the repository's statement: the same columns, with `position` written by the server
const TEXT = `select ${COLUMNS.map((c) => `"${c}"`).join(', ')}, tx_id::text || ':' || id::text as position from "schema_kit"."event_log" where (tx_id, id) > (select $1::xid8, $2::bigint) and tx_id < pg_snapshot_xmin(pg_current_snapshot()) order by tx_id, id limit $3`;

/** The raw pg loop a host would write on the same SQL, as a named prepared statement. */
async function* rawNamed() {
  let [tx, id] = ['0', '0'];
  for (;;) {
    const { rows } = await pool.query({ name: 'bench_stream', text: TEXT, values: [tx, id, BATCH] });
    for (const row of rows) yield row;
    if (rows.length < BATCH) return;
    [tx, id] = [rows.at(-1).tx_id, rows.at(-1).id];
  }
}

/**
 * The same named statement read the way Kysely's PostgresDriver reads every result: a client from
 * the pool, `await client.query(config, values)` (pg's promise form), release. `pool.query` above
 * goes through pg's callback form; on this path each batch's rows outlive a young-generation
 * collection and are promoted, which costs ≈2 µs of GC per event and ≈45 MiB of peak RSS.
 */
async function* rawClientQuery() {
  let [tx, id] = ['0', '0'];
  for (;;) {
    const client = await pool.connect();
    let rows;
    try {
      ({ rows } = await client.query({ name: 'bench_stream', text: TEXT }, [tx, id, BATCH]));
    } finally {
      client.release();
    }
    for (const row of rows) yield row;
    if (rows.length < BATCH) return;
    [tx, id] = [rows.at(-1).tx_id, rows.at(-1).id];
  }
}

/** The loop a host would write with Kysely's builder: a new query per batch, each row copied with its position. */
async function* kyselyBuilder() {
  let [tx, id] = ['0', '0'];
  for (;;) {
    const rows = await db
      .withSchema('schema_kit')
      .selectFrom('event_log')
      .select(COLUMNS)
      .where(sql`(tx_id, id)`, '>', sql`(${tx}::xid8, ${id}::bigint)`)
      .where(sql`tx_id`, '<', sql`pg_snapshot_xmin(pg_current_snapshot())`)
      .orderBy('tx_id')
      .orderBy('id')
      .limit(BATCH)
      .execute();
    for (const row of rows) yield { ...row, position: `${row.tx_id}:${row.id}` };
    if (rows.length < BATCH) return;
    [tx, id] = [rows.at(-1).tx_id, rows.at(-1).id];
  }
}

const { EventLogRepo } = await loadKit();
const source = {
  'schema-kit': () => new EventLogRepo(db).stream({ batchSize: BATCH }),
  'raw pg, named': rawNamed,
  'raw pg, named, as Kysely drives pg': rawClientQuery,
  'Kysely builder': kyselyBuilder,
}[variant];
if (!source) throw new Error(`unknown variant ${variant}`);
try {
  const { rows: [{ total }] } = await pool.query('select count(*)::int as total from schema_kit.event_log');
  let count = 0;
  let [lastTx, lastId] = [0n, 0n];
  const cpu = process.cpuUsage();
  const start = performance.now();
  for await (const event of source()) {
    const [tx, id] = [BigInt(event.tx_id), BigInt(event.id)];
    if (tx < lastTx || (tx === lastTx && id <= lastId)) throw new Error(`out of order at ${event.tx_id}:${event.id}`);
    [lastTx, lastId] = [tx, id];
    count++;
  }
  const seconds = (performance.now() - start) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  if (count !== total) throw new Error(`streamed ${count} events of ${total}`);
  console.log(JSON.stringify({ events: count, eventsPerSec: count / seconds, cpuUsPerEvent: (user + system) / count }));
} finally {
  await db.destroy();
  await pool.end();
}
