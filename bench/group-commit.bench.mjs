#!/usr/bin/env node
// Group commit (issue 34): schema-kit's claim, append and upsertTelegramUser on createSchemaKit
// (group commit on, its defaults) against raw pg with one named statement per call, durable commits
// (synchronous_commit on, the server's default), at 1, 16 and 64 concurrent callers. Each pair runs
// side by side in interleaved slices (a b, b a, ...) on one database, each variant on its own pool of
// the same size; throughput is the median of the rounds, latency the p50/p99 of every call timed.
//
//   npm run build && node bench/group-commit.bench.mjs
//   BENCH_MS (slice, default 400), BENCH_ROUNDS (default 5), BENCH_CALLERS (default 1,16,64),
//   BENCH_POOL (connections per variant, default 20), BENCH_GROUP_COMMIT (JSON of groupCommit, default the defaults),
//   BENCH_ALT (JSON of another groupCommit, run as a third variant in the same rounds: a tuning compared fairly)
import pg from 'pg';
import { alternate, createBenchDatabase, fmt, loadKit, machine, median, table, tag } from './lib.mjs';

const MS = Number(process.env.BENCH_MS ?? 400);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CALLERS = (process.env.BENCH_CALLERS ?? '1,16,64').split(',').map(Number);
const POOL = Number(process.env.BENCH_POOL ?? 20);
const GROUP_COMMIT = process.env.BENCH_GROUP_COMMIT ? JSON.parse(process.env.BENCH_GROUP_COMMIT) : true;
const ALT = process.env.BENCH_ALT ? JSON.parse(process.env.BENCH_ALT) : undefined;
const { createSchemaKit, UserRepo } = await loadKit();
const run = tag();

const EVENT_COLUMNS = '"id", "user_id", "action", "entity_type", "entity_id", "timestamp", "details", "created_at", "tx_id"';
const RAW = {
  claim: {
    name: 'bench_gc_claim',
    text: 'insert into "schema_kit"."processed_messages" (consumer, message_id) values ($1, $2) on conflict do nothing returning 1 as claimed',
  },
  append: {
    name: 'bench_gc_append',
    text: `insert into "schema_kit"."event_log" (user_id, action, entity_type, entity_id, details) values ($1, $2, $3, $4, $5) returning ${EVENT_COLUMNS}`,
  },
  upsert: {
    name: 'bench_gc_upsert',
    text:
      'insert into "schema_kit"."users" (telegram_id, telegram_username, telegram_first_name) values ($1, $2, $3) ' +
      'on conflict (telegram_id) do update set telegram_username = excluded.telegram_username, telegram_first_name = excluded.telegram_first_name ' +
      'returning *, xmax = 0 as created',
  },
};

/** The senders: 5,000 per variant, so most calls update a user (as a bot's updates do) and concurrent callers rarely meet. */
const SENDERS = 5000;
const event = (n) => ({ user_id: `tg:${n % 1000}`, action: 'bench.append', entity_type: 'bench', entity_id: `e${n}`, details: { n, source: 'bench' } });

/** The three calls of schema-kit on `kit` (users: a UserRepo on kit.db), the senders from `base`. */
function kitOperations(kit, users, base, label) {
  return {
    claim: (n) => kit.processedMessages.claim(`${run}:${label}:${n}`),
    append: (n) => kit.events.append(event(n)),
    upsertTelegramUser: (n) => users.upsertTelegramUser({ telegram_id: base + (n % SENDERS), telegram_username: `u${n}`, telegram_first_name: 'Bench' }),
  };
}

/** The same calls with raw pg, one named statement per call, the senders from `base`. */
function rawOperations(pool, base) {
  return {
    claim: (n) => pool.query({ ...RAW.claim, values: ['default', `${run}:raw:${n}`] }),
    append: (n) => {
      const e = event(n);
      return pool.query({ ...RAW.append, values: [e.user_id, e.action, e.entity_type, e.entity_id, JSON.stringify(e.details)] });
    },
    upsertTelegramUser: (n) => pool.query({ ...RAW.upsert, values: [base + (n % SENDERS), `u${n}`, 'Bench'] }),
  };
}

/** `op(n)` from `callers` workers for `ms`: ops/s and every call's latency (ms). */
async function measure(op, callers, ms, counter) {
  const latencies = [];
  let done = 0;
  const start = performance.now();
  const deadline = start + ms;
  const worker = async () => {
    while (performance.now() < deadline) {
      const t = performance.now();
      await op(counter.next++);
      latencies.push(performance.now() - t);
      done++;
    }
  };
  await Promise.all(Array.from({ length: callers }, worker));
  return { opsPerSec: done / ((performance.now() - start) / 1000), latencies };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const bench = await createBenchDatabase({ poolSize: 4, modules: ['core', 'lifecycle', 'audit', 'idempotency'] });
const started = new Date();
const load = (await import('node:os')).loadavg();
const pools = [];
const newPool = () => {
  const pool = new pg.Pool({ connectionString: bench.url, max: POOL });
  pools.push(pool);
  return pool;
};
try {
  const kit = createSchemaKit({ pool: newPool(), groupCommit: GROUP_COMMIT });
  const alt = ALT === undefined ? undefined : createSchemaKit({ pool: newPool(), groupCommit: ALT });
  const sk = kitOperations(kit, new UserRepo(kit.db), 1_000_000, 'sk');
  const raw = rawOperations(newPool(), 1_000_000 + SENDERS);
  const other = alt && kitOperations(alt, new UserRepo(alt.db), 1_000_000 + 2 * SENDERS, 'alt');
  const rows = [];
  for (const call of Object.keys(sk)) {
    const variants = { 'schema-kit': sk[call], 'raw pg': raw[call], ...(other ? { alt: other[call] } : {}) };
    for (const callers of CALLERS) {
      const counter = { next: 0 };
      const latencies = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
      const slice = (ms, keep) =>
        Object.fromEntries(
          Object.entries(variants).map(([name, op]) => [
            name,
            async () => {
              const result = await measure(op, callers, ms, counter);
              if (keep) latencies[name].push(...result.latencies);
              return result.opsPerSec;
            },
          ]),
        );
      await alternate(slice(200, false), 1); // warm-up: JIT, connections, prepared statements
      const results = await alternate(slice(MS, true), ROUNDS);
      const skOps = median(results['schema-kit']);
      const rawOps = median(results['raw pg']);
      const perRound = results['schema-kit'].map((s, r) => s / results['raw pg'][r]);
      const lat = Object.fromEntries(Object.entries(latencies).map(([name, values]) => [name, values.sort((a, b) => a - b)]));
      rows.push([
        call,
        callers,
        fmt(skOps),
        fmt(rawOps),
        `**${fmt(skOps / rawOps, 2)}x** (${fmt(Math.min(...perRound), 2)}-${fmt(Math.max(...perRound), 2)})`,
        `${fmt(percentile(lat['schema-kit'], 50), 2)} / ${fmt(percentile(lat['schema-kit'], 99), 2)}`,
        `${fmt(percentile(lat['raw pg'], 50), 2)} / ${fmt(percentile(lat['raw pg'], 99), 2)}`,
        ...(other ? [`${fmt(median(results.alt) / rawOps, 2)}x`] : []),
      ]);
      console.error(`${call} x${callers}: ${fmt(skOps)} vs ${fmt(rawOps)} ops/s`);
    }
  }
  await kit.destroy();
  await alt?.destroy();
  console.log(`## Group commit (issue 34), ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC\n`);
  console.log(
    `Command: \`npm run build && node bench/group-commit.bench.mjs\` (BENCH_MS=${MS}, BENCH_ROUNDS=${ROUNDS}, pools of ${POOL} per variant, ` +
      `groupCommit ${JSON.stringify(GROUP_COMMIT)}${ALT !== undefined ? `, BENCH_ALT=${JSON.stringify(ALT)}` : ''}). Durable commits. ${machine()}; load average at start ${load.map((l) => l.toFixed(1)).join(' / ')} ` +
      '(the machine is shared with other helpers: figures are medians of interleaved rounds).\n',
  );
  console.log(
    table(
      [
        'call',
        'callers',
        'schema-kit ops/s',
        'raw pg ops/s',
        'schema-kit ÷ raw (per-round range)',
        'schema-kit p50 / p99 ms',
        'raw pg p50 / p99 ms',
        ...(ALT !== undefined ? [`groupCommit ${JSON.stringify(ALT)} ÷ raw`] : []),
      ],
      rows,
    ),
  );
} finally {
  await Promise.all(pools.map((pool) => pool.end()));
  await bench.drop();
}
