#!/usr/bin/env node
// Where a repo call's client-side time goes (the profile behind bench/repos.bench.mjs).
//   A. No I/O: each step of claim / append / listByEntity on a Kysely whose driver answers at once
//      with a canned row, so only this process's CPU is timed (µs per call, sequential).
//   B. Against PostgreSQL, concurrency 16, synchronous_commit=off: the same claim built step by
//      step, from raw pool.query up to repo.claim: ops/s and client CPU µs per op.
//
//   npm run build && node bench/overhead.bench.mjs
import { CompiledQuery, DummyDriver, Kysely, PostgresAdapter, PostgresDialect, PostgresIntrospector, PostgresQueryCompiler, sql } from 'kysely';
import pg from 'pg';
import { z } from 'zod';
import { createBenchDatabase, fmt, interleavedThroughput, loadKit, median, table, tag } from './lib.mjs';

const MS = Number(process.env.BENCH_MS ?? 400);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const { ProcessedMessageRepo, EventLogRepo, messageIdSchema, newEventSchema } = await loadKit();
const run = tag();
const CLAIM = 'insert into "schema_kit"."processed_messages" ("consumer", "message_id") values ($1, $2) on conflict do nothing returning 1 as "claimed"';

/**
 * What claim would cost written like claimMany (a `sql` template instead of the query builder),
 * with the same validation: the alternative measured next to the repo.
 */
async function sqlTemplateClaim(db, id) {
  const messageId = messageIdSchema.parse(id);
  const { rows } = await sql`insert into ${sql.id('schema_kit', 'processed_messages')} (consumer, message_id) values (${'default'}, ${messageId}) on conflict do nothing returning 1 as claimed`.execute(db);
  return rows.length > 0;
}

/** The same, with the builder's SQL compiled once and replayed with new parameters. */
function compiledOnceClaim(db) {
  const { sql: text } = db.insertInto('processed_messages').values({ consumer: '', message_id: '' }).onConflict((oc) => oc.doNothing()).returning(sql`1`.as('claimed')).compile();
  return async (id) => {
    const messageId = messageIdSchema.parse(id);
    const { rows } = await db.executeQuery(CompiledQuery.raw(text, ['default', messageId]));
    return rows.length > 0;
  };
}

/** A Kysely whose every query returns `row` at once: no socket, no database. */
function instantKysely(row) {
  class InstantDriver extends DummyDriver {
    async acquireConnection() {
      return { executeQuery: async () => ({ rows: [row] }), streamQuery: async function* () {} };
    }
  }
  return new Kysely({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new InstantDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
}

/** µs per call of `fn(i)`, sequential, after a warm-up; median of 5 runs of `n` calls. */
async function perCall(fn, n = 20_000) {
  for (let i = 0; i < n; i++) await fn(i);
  const runs = [];
  for (let r = 0; r < 5; r++) {
    const start = performance.now();
    for (let i = 0; i < n; i++) await fn(i);
    runs.push(((performance.now() - start) * 1000) / n);
  }
  return median(runs);
}

function partA() {
  const db = instantKysely({ claimed: 1, id: '1' });
  const plain = db.withoutPlugins();
  const scoped = plain.withSchema('schema_kit');
  const inbox = new ProcessedMessageRepo(db);
  const events = new EventLogRepo(db);
  const event = (i) => ({ user_id: `user:${i % 100}`, action: 'bench.append', entity_type: 'bench', entity_id: `e${i}`, details: { i, source: 'bench' } });
  const idText = (max) => z.string().min(1).max(max).refine((v) => !v.includes('\u0000'));
  const prebuilt = idText(128);
  const claimBuilder = (q, i) => q.insertInto('processed_messages').values({ consumer: 'default', message_id: `m${i}` }).onConflict((oc) => oc.doNothing()).returning(sql`1`.as('claimed'));
  return {
    'claim: zod messageId (safeParse)': (i) => messageIdSchema.safeParse(`m${i}`),
    'claim: build + compile (no schema plugin)': (i) => claimBuilder(plain, i).compile(),
    'claim: build + compile with withSchema': (i) => claimBuilder(scoped, i).compile(),
    'claim: build + compile + execute, withSchema': (i) => claimBuilder(scoped, i).executeTakeFirst(),
    'claim: repo.claim (all of it)': (i) => inbox.claim(`m${i}`),
    'claim: zod + sql`` template instead of the builder (alternative)': (i) => sqlTemplateClaim(scoped, `m${i}`),
    'claim: zod + builder compiled once, replayed (alternative)': ((claim) => (i) => claim(`m${i}`))(compiledOnceClaim(scoped)),
    'append: zod newEventSchema (safeParse)': (i) => newEventSchema.safeParse(event(i)),
    'append: repo.append (all of it)': (i) => events.append(event(i)),
    'listByEntity: build idText(128) + parse (as each call does)': (i) => idText(128).safeParse(`e${i}`),
    'listByEntity: parse with a prebuilt idText(128)': (i) => prebuilt.safeParse(`e${i}`),
    'listByEntity: repo.listByEntity (all of it)': (i) => events.listByEntity('doc', `e${i}`, { limit: 50 }),
  };
}

async function partB(bench) {
  const pool = new pg.Pool({ connectionString: bench.url, max: 16, options: '-c synchronous_commit=off' });
  const db = new Kysely({ dialect: new PostgresDialect({ pool: { connect: () => pool.connect(), end: async () => undefined } }) });
  const scoped = db.withoutPlugins().withSchema('schema_kit');
  const inbox = new ProcessedMessageRepo(db);
  const variants = {
    'raw pool.query': (id) => pool.query(CLAIM, ['default', id]),
    'raw connect / query / release': async (id) => {
      const client = await pool.connect();
      try {
        return await client.query(CLAIM, ['default', id]);
      } finally {
        client.release();
      }
    },
    'kysely sql`` (same text, no builder)': (id) =>
      sql`insert into "schema_kit"."processed_messages" ("consumer", "message_id") values (${'default'}, ${id}) on conflict do nothing returning 1 as "claimed"`.execute(db),
    'kysely builder': (id) =>
      db.withoutPlugins().insertInto('schema_kit.processed_messages').values({ consumer: 'default', message_id: id }).onConflict((oc) => oc.doNothing()).returning(sql`1`.as('claimed')).executeTakeFirst(),
    'kysely builder + withSchema': (id) =>
      scoped.insertInto('processed_messages').values({ consumer: 'default', message_id: id }).onConflict((oc) => oc.doNothing()).returning(sql`1`.as('claimed')).executeTakeFirst(),
    'repo.claim': (id) => inbox.claim(id),
    'alternative: zod + sql`` template': (id) => sqlTemplateClaim(scoped, id),
    'alternative: zod + builder compiled once': compiledOnceClaim(scoped),
  };
  const r = await interleavedThroughput(variants, { concurrency: 16, ms: MS, rounds: ROUNDS, prefix: run });
  await db.destroy();
  await pool.end();
  return Object.keys(variants).map((name) => [name, fmt(median(r[name].map((x) => x.opsPerSec))), fmt(median(r[name].map((x) => x.cpuUsPerOp)))]);
}

console.log('# Repositories: where the client-side time goes\n\nCommand: `node bench/overhead.bench.mjs`\n');
const rowsA = [];
for (const [name, fn] of Object.entries(partA())) rowsA.push([name, fmt(await perCall(fn), 1)]);
console.log('## A. No I/O (a driver that answers at once): µs per call, sequential\n');
console.log(table(['step', 'µs / call'], rowsA));

const bench = await createBenchDatabase({ poolSize: 16 });
try {
  console.log(`\n## B. claim against PostgreSQL, concurrency 16, synchronous_commit=off (median of ${ROUNDS} interleaved ${MS} ms slices)\n`);
  console.log(table(['variant', 'ops/s', 'client CPU µs/op'], await partB(bench)));
} finally {
  await bench.drop();
}
