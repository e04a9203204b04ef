// Shared helpers of the repository benches: a throwaway database, timing, medians, tables.
//
// BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) must name a role
// allowed to CREATE DATABASE; every database created here (sk_bench_repos_<random>) is dropped.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The maintenance database the benches create their databases from. */
export const adminUrl = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/** The built package: the benches measure what users import (BENCH_KIT: another build's dist/index.js, e.g. main's, to compare). */
export async function loadKit() {
  const entry = process.env.BENCH_KIT ? resolve(process.env.BENCH_KIT) : join(root, 'dist', 'index.js');
  if (!existsSync(entry)) {
    console.error(`${entry} is missing: run \`npm run build\` first.`);
    process.exit(1);
  }
  return import(entry);
}

export function urlFor(name) {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs one statement on the maintenance database (CREATE/DROP DATABASE). */
export async function admin(statement) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A fresh database with `modules` installed (default audit and idempotency), and a pool of `poolSize` on it. */
export async function createBenchDatabase({ poolSize = 16, modules = ['audit', 'idempotency'] } = {}) {
  const { migrateToLatest } = await loadKit();
  const name = `sk_bench_repos_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8'`);
  const pool = new pg.Pool({ connectionString: urlFor(name), max: poolSize });
  const db = new Kysely({ dialect: new PostgresDialect({ pool: { connect: () => pool.connect(), end: async () => undefined } }) });
  const migrated = await migrateToLatest(db, { modules });
  if (migrated.error) throw migrated.error;
  return {
    name,
    url: urlFor(name),
    pool,
    db,
    async drop() {
      await db.destroy();
      await pool.end();
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/**
 * A Kysely on `pool` that records every compiled query it runs (its SQL text and parameters; a
 * Kysely `log` sees the text, named statement or not), leaving out schema-kit's one-time probe.
 */
export function capturingKysely(pool) {
  const queries = [];
  const db = new Kysely({
    dialect: new PostgresDialect({ pool: { connect: () => pool.connect(), end: async () => undefined } }),
    log(event) {
      const { sql, parameters } = event.query;
      if (event.level !== 'query' || sql === 'select false as named') return;
      queries.push({ sql, parameters: [...parameters] });
    },
  });
  return { db, queries };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Runs `op(i)` from `concurrency` async workers until `ms` have passed; `i` is unique across the
 * workers of one run. Returns ops/s and this process's CPU time (user + system) per op in µs: the
 * client-side cost, which the database's fsync latency does not blur.
 */
export async function throughput(op, { concurrency, ms }) {
  let next = 0;
  let done = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const deadline = start + ms;
  const worker = async () => {
    while (performance.now() < deadline) {
      await op(next++);
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  return { opsPerSec: done / seconds, cpuUsPerOp: (user + system) / done };
}

/** Milliseconds one call of `fn` takes. */
export async function timeOnce(fn) {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/**
 * Runs every variant `rounds` times, interleaved (a b c, b c a, c a b, ...) so a burst of load on
 * the machine, or a position in the round, hits them alike; returns each variant's list of
 * results, index r being round r (so results can be compared round by round).
 */
export async function alternate(variants, rounds) {
  const names = Object.keys(variants);
  const results = Object.fromEntries(names.map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(r + k) % names.length];
      results[name][r] = await variants[name]();
    }
  }
  return results;
}

/**
 * Runs every variant (`op(id)`) from `concurrency` async workers in interleaved slices of `ms`:
 * one warm-up round of 250 ms slices (JIT, connections, plan caches), then `rounds`; every op gets
 * a fresh id under `prefix`. Returns each variant's list of {@link throughput} results, by round.
 */
export async function interleavedThroughput(variants, { concurrency, ms, rounds, prefix }) {
  let slice = 0;
  const runner = (sliceMs) =>
    Object.fromEntries(
      Object.entries(variants).map(([name, op]) => [
        name,
        () => {
          const ids = `${prefix}:${name}:${slice++}`;
          return throughput((i) => op(`${ids}:${i}`), { concurrency, ms: sliceMs });
        },
      ]),
    );
  await alternate(runner(250), 1);
  return alternate(runner(ms), rounds);
}

export function table(headers, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

export const fmt = (n, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
export const verdict = (ok) => (ok ? 'pass' : '**FAIL**');

export function machine() {
  return `${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}, PostgreSQL on ${new URL(adminUrl).host}`;
}

/** A random run tag, so ids are fresh across runs and processes. */
export const tag = () => randomBytes(4).toString('hex');

/** The hot entity and user of {@link fillEvents}: 1 event in 16 each (62,500 of 1M). */
export const HOT = { entityType: 'doc', entityId: 'hot', userId: 'user:hot' };

/**
 * Fills event_log with `total` events in statements of 50,000 (so they carry several tx_ids), over
 * ~1,000 users and ~1,000 entities plus one hot entity and one hot user (1 event in 16 each).
 * event_log is append-only: drop the database afterwards rather than deleting. Returns ms taken.
 */
export async function fillEvents(pool, total = 1_000_000) {
  const start = performance.now();
  for (let from = 1; from <= total; from += 50_000) {
    await pool.query(
      `insert into schema_kit.event_log (user_id, action, entity_type, entity_id, details, "timestamp")
       select case when g % 16 = 1 then $3 else 'user:' || (g % 997) end,
              'bench.action_' || (g % 7),
              $4,
              case when g % 16 = 0 then $5 else 'e' || (g % 1009) end,
              jsonb_build_object('g', g, 'note', 'generated by the paging bench'),
              timestamptz '2025-01-01' + g * interval '1 second'
       from generate_series($1::int, $2::int) as g`,
      [from, Math.min(from + 49_999, total), HOT.userId, HOT.entityType, HOT.entityId],
    );
  }
  await pool.query('vacuum analyze schema_kit.event_log');
  return performance.now() - start;
}

/**
 * The append hot path as the trigger benches measure it, on `events` (an EventLogRepo): append
 * throughput at concurrency 1 and 16 for `ms` each, and the time of one appendMany of 1,000 events.
 */
export function appendMeasures(events, ms) {
  let n = 0;
  const event = () => ({ user_id: `user:${n % 100}`, action: 'bench.append', entity_type: 'bench', entity_id: String(n++), details: { source: 'bench' } });
  return async () => ({
    c1: (await throughput(() => events.append(event()), { concurrency: 1, ms })).opsPerSec,
    c16: (await throughput(() => events.append(event()), { concurrency: 16, ms })).opsPerSec,
    many: await timeOnce(() => events.appendMany(Array.from({ length: 1000 }, event))),
  });
}
