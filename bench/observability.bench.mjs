#!/usr/bin/env node
// The cost of observability on the hot calls (claim, append, processOnce), side by side in one
// interleaved run on one database, durable commits (as a service runs):
//   none      a build without any channel code: BENCH_BASE_KIT, the dist of the commit before
//             issue 33 built into a temporary folder (see the command below)
//   channels  this build, nobody subscribed (each call checks hasSubscribers and goes on)
//   otel      this build with schema-kit/otel installed: the OpenTelemetry SDK's tracer provider
//             (BatchSpanProcessor, or SimpleSpanProcessor with BENCH_SPANS=simple, into an
//             InMemorySpanExporter flushed and reset after each slice), a meter
//             provider with a reader, and the AsyncLocalStorage context manager (enabled for all)
// Ratios: median over rounds of variant / none (ops/s, and client CPU µs per op).
//
//   git archive <base commit> | tar -x -C /tmp/sk-base && ln -s $PWD/node_modules /tmp/sk-base/ &&
//     (cd /tmp/sk-base && npm run build) && npm run build &&
//     BENCH_BASE_KIT=/tmp/sk-base/dist/index.js node bench/observability.bench.mjs
import { tracingChannel } from 'node:diagnostics_channel';
import { resolve } from 'node:path';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { alternate, createBenchDatabase, fmt, loadKit, machine, median, root, table, tag, throughput } from './lib.mjs';

const MS = Number(process.env.BENCH_MS ?? 400);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
if (!process.env.BENCH_BASE_KIT) {
  console.error('BENCH_BASE_KIT must name the dist/index.js of a build without channel code (see the command at the top of this file)');
  process.exit(1);
}
const current = await loadKit();
const base = await import(resolve(process.env.BENCH_BASE_KIT));
const { instrumentSchemaKit } = await import(`${root}/dist/otel.js`);
if ('REPO_CHANNEL' in base) throw new Error('BENCH_BASE_KIT has channel code: build the commit before issue 33');

class Reader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  onForceFlush() {
    return Promise.resolve();
  }
  onShutdown() {
    return Promise.resolve();
  }
}
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const exporter = new InMemorySpanExporter();
// BENCH_SPANS=simple: SimpleSpanProcessor (one export per span, as tests use); default the
// BatchSpanProcessor a service runs
const SPANS = process.env.BENCH_SPANS === 'simple' ? 'simple' : 'batch';
const tracerProvider = new BasicTracerProvider({ spanProcessors: [SPANS === 'simple' ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter)] });
const meterProvider = new MeterProvider({ readers: [new Reader()] });

const bench = await createBenchDatabase({ poolSize: 2 });
const pools = [];
function repos(kit) {
  const pool = new pg.Pool({ connectionString: bench.url, max: 16 });
  pool.on('error', () => undefined); // DROP DATABASE ... WITH (FORCE) at the end cuts idle clients off
  pools.push(pool);
  const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
  return { db, inbox: new kit.ProcessedMessageRepo(db, { consumer: 'bench' }), events: new kit.EventLogRepo(db), EventLogRepo: kit.EventLogRepo };
}
const run = tag();
let slice = 0;
/** The hot calls of one variant, each for MS at concurrency 1 and 16 (processOnce at 1). */
function measures({ inbox, events, EventLogRepo }) {
  return async () => {
    const ids = `${run}:${slice++}`;
    const event = (i) => ({ action: 'bench.observed', entity_type: 'bench', entity_id: `${ids}:${i}` });
    return {
      claim1: await throughput((i) => inbox.claim(`${ids}:c1:${i}`), { concurrency: 1, ms: MS }),
      claim16: await throughput((i) => inbox.claim(`${ids}:c16:${i}`), { concurrency: 16, ms: MS }),
      append1: await throughput((i) => events.append(event(`a1:${i}`)), { concurrency: 1, ms: MS }),
      append16: await throughput((i) => events.append(event(`a16:${i}`)), { concurrency: 16, ms: MS }),
      once1: await throughput((i) => inbox.processOnce(`${ids}:p1:${i}`, (trx) => new EventLogRepo(trx).append(event(`p1:${i}`))), { concurrency: 1, ms: MS }),
    };
  };
}
const none = measures(repos(base));
const channels = measures(repos(current));
const traced = measures(repos(current));
const otel = async () => {
  const uninstall = instrumentSchemaKit({ tracerProvider, meterProvider });
  try {
    return await traced();
  } finally {
    uninstall();
    await tracerProvider.forceFlush();
    exporter.reset();
  }
};

try {
  await alternate({ none, channels, otel }, 1); // warm-up: JIT, connections, plan caches
  const results = await alternate({ none, channels, otel }, ROUNDS);
  const ratio = (variant, key, field) => median(results[variant].map((r, i) => r[key][field] / results.none[i][key][field]));
  const med = (variant, key, field, digits = 0) => fmt(median(results[variant].map((r) => r[key][field])), digits);
  const rows = [
    ['claim, concurrency 1', 'claim1'],
    ['claim, concurrency 16', 'claim16'],
    ['append, concurrency 1', 'append1'],
    ['append, concurrency 16', 'append16'],
    ['processOnce + append, concurrency 1', 'once1'],
  ].flatMap(([label, key]) => [
    [`${label}: ops/s`, med('none', key, 'opsPerSec'), med('channels', key, 'opsPerSec'), med('otel', key, 'opsPerSec'), `${fmt(ratio('channels', key, 'opsPerSec'), 3)}x`, `${fmt(ratio('otel', key, 'opsPerSec'), 3)}x`],
    [`${label}: CPU µs/op`, med('none', key, 'cpuUsPerOp', 1), med('channels', key, 'cpuUsPerOp', 1), med('otel', key, 'cpuUsPerOp', 1), `${fmt(ratio('channels', key, 'cpuUsPerOp'), 3)}x`, `${fmt(ratio('otel', key, 'cpuUsPerOp'), 3)}x`],
  ]);
  console.log(`# Observability on the hot calls\n\nCommand: \`BENCH_BASE_KIT=... node bench/observability.bench.mjs\` (BENCH_MS=${MS}, BENCH_ROUNDS=${ROUNDS}, ${SPANS} span processor, durable commits); ${machine()}.\n`);
  console.log(table(['measure', 'none', 'channels', 'otel', 'channels / none', 'otel / none'], rows));
  // the subscriber's own cost, without a database: a traced call of an async no-op on the repo channel
  const calls = tracingChannel(current.REPO_CHANNEL);
  const noop = async () => true;
  const perCall = async (n) => {
    const start = performance.now();
    for (let i = 0; i < n; i++) {
      if (calls.hasSubscribers) await calls.tracePromise(noop, { repository: 'ProcessedMessageRepo', method: 'claim', table: 'processed_messages', schema: 'schema_kit', inTransaction: false });
      else await noop();
    }
    return ((performance.now() - start) * 1000) / n;
  };
  await perCall(20_000);
  const idle = await perCall(200_000);
  const uninstall = instrumentSchemaKit({ tracerProvider, meterProvider });
  await perCall(20_000);
  const instrumented = await perCall(200_000);
  uninstall();
  console.log(`\nPer call without a database (an async no-op traced on schema-kit:repo): ${fmt(idle, 2)} µs with no subscriber, ${fmt(instrumented, 2)} µs with schema-kit/otel on the SDK.`);
} finally {
  await tracerProvider.shutdown();
  await meterProvider.shutdown();
  await Promise.all(pools.map((pool) => pool.end().catch(() => undefined)));
  await bench.drop();
}
