#!/usr/bin/env node
// schema-kit against what a host would otherwise write, in one interleaved run on one database:
// raw pg with an unnamed statement (`pool.query(text, values)`), raw pg with a named prepared
// statement (`pool.query({ name, text, values })`), Drizzle (drizzle-orm, a dev dependency of the
// bench only) and the Kysely query builder, for claim, append, processOnce, a listing page and the
// stream. The raw variants send the exact SQL text the repository sends (captured through Kysely's
// `log`). Every figure is schema-kit ÷ peer throughput, the median of the round-by-round ratios.
// The stream runs in child processes under GNU `time -v` (peak RSS), interleaved too. The detail
// table adds the named statement sent through Kysely's executor with no library code around it:
// the floor of anything that runs on the host's Kysely, as schema-kit's repositories do.
// schema-kit runs twice: `createSchemaKit({ pool })` on the same pg pool as raw pg and Drizzle
// (what a host without Kysely uses), and its repositories on the host's Kysely, as the Kysely
// builder runs. The main table divides each peer by the schema-kit its host would use.
//
//   npm run build && node bench/peers.bench.mjs
//   BENCH_MS=400 BENCH_ROUNDS=15 BENCH_EVENTS=5000000 BENCH_STREAM_ROUNDS=2 BENCH_DATABASE_URL=... node bench/peers.bench.mjs
//   BENCH_CALLS=claim,append BENCH_ROUNDS=40 node bench/peers.bench.mjs   (some calls only, more rounds)
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { and, desc, eq, sql as dsql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { bigint, jsonb, pgSchema, text, timestamp } from 'drizzle-orm/pg-core';
import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { HOT, capturingKysely, createBenchDatabase, fillEvents, fmt, interleavedThroughput, loadKit, machine, median, root, table, tag } from './lib.mjs';

const MS = Number(process.env.BENCH_MS ?? 400);
// 15 rounds: a 400 ms slice of durable commits swings ±25% with the disk's fsync times here
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 5_000_000);
const STREAM_ROUNDS = Number(process.env.BENCH_STREAM_ROUNDS ?? 2);
const CALLS = new Set((process.env.BENCH_CALLS ?? 'claim,append,processOnce,listing,stream').split(','));
const PEERS = ['raw pg, unnamed', 'raw pg, named', 'Drizzle', 'Kysely builder'];
// not a peer: the floor of any library that runs on the host's Kysely, for the detail table
const FLOOR = 'raw pg, named, through Kysely';
// schema-kit on the host's pool, beside schema-kit on the host's Kysely ('schema-kit')
const POOLED = 'schema-kit, createSchemaKit({ pool })';
/** Which schema-kit each peer's host would use: the pool-based peers take the same pool. */
const SUBJECT = { 'raw pg, unnamed': POOLED, 'raw pg, named': POOLED, Drizzle: POOLED, 'Kysely builder': 'schema-kit' };

/**
 * The named statement sent through Kysely's executor (`db.executeQuery`), as pg runs it when given
 * a Query object: what a call costs through the host's Kysely with no library code around it.
 */
class ThroughKysely extends pg.Query {
  #result;
  constructor(config, values) {
    let settle;
    const result = new Promise((resolve, reject) => {
      settle = (error, rows) => (error ? reject(error) : resolve(rows));
    });
    super({ ...config, values }, (error, rows) => settle(error, rows));
    this.#result = result;
  }
  then(onFulfilled, onRejected) {
    return this.#result.then(onFulfilled, onRejected);
  }
}
const throughKysely = async (db, config, values) => (await db.executeQuery(CompiledQuery.raw(new ThroughKysely(config, values), values))).rows;

const { ProcessedMessageRepo, EventLogRepo, createSchemaKit } = await loadKit();
const bench = await createBenchDatabase({ poolSize: 16 });
const run = tag();
const loads = [loadavg()[0]];

// Drizzle's view of the two tables, as a host would declare it
const kit = pgSchema('schema_kit');
const processedMessages = kit.table('processed_messages', { consumer: text('consumer').notNull(), messageId: text('message_id').notNull(), result: jsonb('result') });
const eventLog = kit.table('event_log', {
  id: bigint('id', { mode: 'string' }).primaryKey(),
  userId: text('user_id'),
  action: text('action').notNull(),
  entityType: text('entity_type').notNull(),
  entityId: text('entity_id').notNull(),
  timestamp: timestamp('timestamp', { withTimezone: true }),
  details: jsonb('details'),
  createdAt: timestamp('created_at', { withTimezone: true }),
  txId: text('tx_id'),
});

let n = 0;
const event = (key) => ({ user_id: `user:${n++ % 100}`, action: 'bench.append', entity_type: 'bench', entity_id: key, details: { key, source: 'bench' } });
const eventParams = (e) => [e.user_id, e.action, e.entity_type, e.entity_id, JSON.stringify(e.details), null];

/** The SQL text each repository call sends (and its statement name), captured through Kysely's `log`. */
async function captureSql(pool) {
  const capture = capturingKysely(pool);
  const inbox = new ProcessedMessageRepo(capture.db);
  const events = new EventLogRepo(capture.db);
  await events.listByEntity(HOT.entityType, HOT.entityId, { limit: 50 }); // the probe, then the listing
  await inbox.claim(`${run}:probe`);
  await events.append(event(`${run}:probe`));
  await inbox.processOnce(`${run}:probe:once`, async () => 1);
  await capture.db.destroy();
  const texts = capture.queries.map((q) => q.sql);
  const find = (re) => texts.find((t) => re.test(t)) ?? (() => { throw new Error(`no statement matches ${re}`); })();
  return { listing: find(/^select .* from "schema_kit"."event_log" where entity_type/), claim: find(/^insert into "schema_kit"."processed_messages"/), append: find(/^insert into "schema_kit"."event_log"/) };
}

function kyselyOn(pool) {
  return new Kysely({ dialect: new PostgresDialect({ pool: { connect: () => pool.connect(), end: async () => undefined } }) });
}

/** The variants of one call on one pool: schema-kit first, then its peers. */
function callsOn(pool, statements) {
  const db = kyselyOn(pool);
  const scoped = db.withSchema('schema_kit');
  const d = drizzle({ client: pool });
  const inbox = new ProcessedMessageRepo(db);
  const events = new EventLogRepo(db);
  const kit = createSchemaKit({ pool });
  const named = (name, textOf) => ({ name, text: textOf });
  const claimNamed = named('bench_claim', statements.claim);
  const appendNamed = named('bench_append', statements.append);
  const listingNamed = named('bench_listing', statements.listing);
  const claimBuilder = (q, id) => q.insertInto('processed_messages').values({ consumer: 'default', message_id: id }).onConflict((oc) => oc.doNothing()).returning(sql`1`.as('claimed'));
  const rawTransaction = async (id, claim) => {
    const client = await pool.connect();
    try {
      await client.query('begin');
      const { rows } = await client.query(claim, ['default', id]);
      await client.query('commit');
      return rows.length > 0;
    } finally {
      client.release();
    }
  };
  const listingParams = [HOT.entityType, HOT.entityId, 51];
  return {
    db,
    kit,
    claim: {
      'schema-kit': (id) => inbox.claim(id),
      [POOLED]: (id) => kit.processedMessages.claim(id),
      'raw pg, unnamed': async (id) => (await pool.query(statements.claim, ['default', id])).rows.length > 0,
      'raw pg, named': async (id) => (await pool.query({ ...claimNamed, values: ['default', id] })).rows.length > 0,
      Drizzle: async (id) => (await d.insert(processedMessages).values({ consumer: 'default', messageId: id }).onConflictDoNothing().returning({ claimed: dsql`1` })).length > 0,
      'Kysely builder': async (id) => (await claimBuilder(scoped, id).executeTakeFirst()) !== undefined,
      [FLOOR]: async (id) => (await throughKysely(db, claimNamed, ['default', id])).length > 0,
    },
    append: {
      'schema-kit': (key) => events.append(event(key)),
      [POOLED]: (key) => kit.events.append(event(key)),
      'raw pg, unnamed': async (key) => (await pool.query(statements.append, eventParams(event(key)))).rows[0],
      'raw pg, named': async (key) => (await pool.query({ ...appendNamed, values: eventParams(event(key)) })).rows[0],
      Drizzle: async (key) => {
        const e = event(key);
        return (await d.insert(eventLog).values({ userId: e.user_id, action: e.action, entityType: e.entity_type, entityId: e.entity_id, details: e.details }).returning())[0];
      },
      'Kysely builder': (key) => {
        const e = event(key);
        return scoped.insertInto('event_log').values({ ...e, details: JSON.stringify(e.details) }).returningAll().executeTakeFirstOrThrow();
      },
      [FLOOR]: async (key) => (await throughKysely(db, appendNamed, eventParams(event(key))))[0],
    },
    processOnce: {
      'schema-kit': (id) => inbox.processOnce(id, async () => 1),
      [POOLED]: (id) => kit.processedMessages.processOnce(id, async () => 1),
      'raw pg, unnamed': (id) => rawTransaction(id, statements.claim),
      'raw pg, named': (id) => rawTransaction(id, claimNamed),
      Drizzle: (id) => d.transaction(async (tx) => (await tx.insert(processedMessages).values({ consumer: 'default', messageId: id }).onConflictDoNothing().returning({ claimed: dsql`1` })).length > 0),
      'Kysely builder': (id) => db.transaction().execute(async (trx) => (await claimBuilder(trx.withSchema('schema_kit'), id).executeTakeFirst()) !== undefined),
      [FLOOR]: (id) => db.transaction().execute(async (trx) => (await throughKysely(trx, claimNamed, ['default', id])).length > 0),
    },
    listing: {
      'schema-kit': () => events.listByEntity(HOT.entityType, HOT.entityId, { limit: 50 }),
      [POOLED]: () => kit.events.listByEntity(HOT.entityType, HOT.entityId, { limit: 50 }),
      'raw pg, unnamed': async () => (await pool.query(statements.listing, listingParams)).rows,
      'raw pg, named': async () => (await pool.query({ ...listingNamed, values: listingParams })).rows,
      Drizzle: () =>
        d.select().from(eventLog).where(and(eq(eventLog.entityType, HOT.entityType), eq(eventLog.entityId, HOT.entityId))).orderBy(desc(eventLog.id)).limit(51),
      'Kysely builder': () =>
        scoped.selectFrom('event_log').selectAll().where('entity_type', '=', HOT.entityType).where('entity_id', '=', HOT.entityId).orderBy('id', 'desc').limit(51).execute(),
      [FLOOR]: () => throughKysely(db, listingNamed, listingParams),
    },
  };
}

/** One row of the table: its host's schema-kit ÷ each peer (median of per-round ratios), and ops/s. */
async function measure(variants, concurrency, label) {
  const r = await interleavedThroughput(variants, { concurrency, ms: MS, rounds: ROUNDS, prefix: `${run}:${label}` });
  loads.push(loadavg()[0]);
  const ratios = (peer, subject = SUBJECT[peer]) => r[subject].map((x, i) => x.opsPerSec / r[peer][i].opsPerSec);
  const ratio = (peer, subject) => (r[peer] ? median(ratios(peer, subject)) : undefined);
  const quartiles = (values) => [...values].sort((a, b) => a - b).filter((_, i, all) => i === Math.floor((all.length - 1) / 4) || i === Math.ceil((3 * (all.length - 1)) / 4));
  const ops = (name) => median(r[name].map((x) => x.opsPerSec));
  const cpu = (name) => median(r[name].map((x) => x.cpuUsPerOp));
  return { ratios: Object.fromEntries(PEERS.map((p) => [p, ratio(p)])), spread: quartiles(ratios('raw pg, named')), onKysely: ratio('raw pg, named', 'schema-kit'), floor: ratio(FLOOR, 'schema-kit'), ops: Object.fromEntries(Object.keys(variants).map((k) => [k, ops(k)])), cpu: Object.fromEntries(Object.keys(variants).map((k) => [k, cpu(k)])) };
}

/** The stream: each variant in its own process under GNU time, interleaved round by round. */
function streamRounds(url) {
  const variants = ['schema-kit', 'raw pg, named', 'raw pg, named, as Kysely drives pg', 'Kysely builder'];
  const results = Object.fromEntries(variants.map((v) => [v, []]));
  for (let r = 0; r < STREAM_ROUNDS; r++) {
    for (let k = 0; k < variants.length; k++) {
      const variant = variants[(r + k) % variants.length];
      const child = spawnSync('/usr/bin/time', ['-v', process.execPath, join(root, 'bench', 'stream-peer.mjs'), variant, url], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`stream ${variant}: ${child.stderr}`);
      const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(child.stderr)?.[1]);
      results[variant].push({ ...JSON.parse(child.stdout.trim().split('\n').at(-1)), rssMiB: rssKb / 1024 });
      loads.push(loadavg()[0]);
    }
  }
  return results;
}

const x = (v) => (v === undefined ? '' : `${fmt(v, 2)}x`);
try {
  console.log(`# schema-kit vs its peers\n\nCommand: \`node bench/peers.bench.mjs\` (BENCH_MS=${MS}, BENCH_ROUNDS=${ROUNDS}, BENCH_EVENTS=${EVENTS}, BENCH_STREAM_ROUNDS=${STREAM_ROUNDS}, BENCH_CALLS=${[...CALLS].join(',')}); ${machine()}; started ${new Date().toISOString()}.\n`);
  if (CALLS.has('listing') || CALLS.has('stream')) {
    const fillMs = await fillEvents(bench.pool, EVENTS);
    console.log(`Filled ${fmt(EVENTS)} events in ${fmt(fillMs / 1000, 1)} s.\n`);
  }
  const statements = await captureSql(bench.pool);

  const asyncPool = new pg.Pool({ connectionString: bench.url, max: 16, options: '-c synchronous_commit=off' });
  const durable = callsOn(bench.pool, statements);
  const syncOff = callsOn(asyncPool, statements);
  const rows = [];
  const detail = [];
  const add = (label, m) => {
    rows.push([label, ...PEERS.map((p) => x(m.ratios[p]))]);
    detail.push([label, ...Object.keys(m.ops).map((k) => `${fmt(m.ops[k])} (${fmt(m.cpu[k])} µs)`), m.spread.map((v) => fmt(v, 2)).join('-'), x(m.onKysely), x(m.floor)]);
  };
  for (const call of ['claim', 'append'].filter((c) => CALLS.has(c))) {
    for (const [mode, calls] of [['durable', durable], ['sync-off', syncOff]]) {
      for (const c of [1, 16]) add(`${call} ${mode} c=${c}`, await measure(calls[call], c, `${call}:${mode}:${c}`));
    }
  }
  for (const c of CALLS.has('processOnce') ? [1, 16] : []) add(`processOnce durable c=${c}`, await measure(durable.processOnce, c, `once:${c}`));
  for (const c of CALLS.has('listing') ? [1, 16] : []) add(`listByEntity page (limit 50) c=${c}`, await measure(durable.listing, c, `list:${c}`));
  for (const calls of [durable, syncOff]) await Promise.all([calls.db.destroy(), calls.kit.destroy()]);
  await asyncPool.end();

  const stream = CALLS.has('stream') ? streamRounds(bench.url) : undefined;
  const med = (v, key) => median(stream[v].map((s) => s[key]));
  const streamRatio = (peer) => median(stream['schema-kit'].map((s, i) => s.eventsPerSec / stream[peer][i].eventsPerSec));
  if (stream) rows.push([`stream, ${fmt(EVENTS / 1e6, 1)}M events`, '', x(streamRatio('raw pg, named')), '', x(streamRatio('Kysely builder'))]);

  console.log(`## schema-kit ÷ peer throughput (median of ${ROUNDS} interleaved ${MS} ms slices per variant; stream: ${STREAM_ROUNDS} interleaved runs)\n`);
  console.log(`Against raw pg and Drizzle: ${POOLED}, on the same pool; against the Kysely builder: schema-kit's repositories on the same Kysely.\n`);
  console.log(table(['call', ...PEERS], rows));
  console.log(`\n### ops/s (client CPU µs/op) per variant\n`);
  console.log(table(['call', "schema-kit on the host's Kysely", POOLED, ...PEERS, FLOOR, `${POOLED} ÷ raw pg named, quartiles of the rounds`, "schema-kit on the host's Kysely ÷ raw pg named", `schema-kit on the host's Kysely ÷ ${FLOOR}`], detail));
  if (stream) {
    console.log(`\n### stream, ${fmt(EVENTS)} events, batch 500, own process each (medians of ${STREAM_ROUNDS})\n`);
    console.log(
      table(
        ['variant', 'events/s', 'client CPU µs/event', 'peak RSS MiB (GNU time -v)'],
        Object.keys(stream).map((v) => [v, fmt(med(v, 'eventsPerSec')), fmt(med(v, 'cpuUsPerEvent'), 2), fmt(med(v, 'rssMiB'), 1)]),
      ),
    );
  }
  console.log(`\nLoad average (1 min) during the run: ${fmt(Math.min(...loads), 1)}-${fmt(Math.max(...loads), 1)}; finished ${new Date().toISOString()}.`);
} finally {
  await bench.drop();
}
