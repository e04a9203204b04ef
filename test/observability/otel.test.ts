// schema-kit/otel with the real OpenTelemetry SDK (in-memory span exporter, a metric reader) on
// real PostgreSQL: spans, attributes, error status and nesting of repository calls, metrics, and
// that nothing personal (SQL text, parameter values) reaches a span.
import { channel } from 'node:diagnostics_channel';
import { context, SpanStatusCode, trace, type TracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AggregationTemporality, MeterProvider, MetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CONSUMER_CHANNEL, createPartitions, EventLogRepo, migrateToLatest, ProcessedMessageRepo, UserRepo, type ConsumerLagMessage } from '../../src/index.js';
import { instrumentSchemaKit } from '../../src/otel/index.js';
import { useInstalledDatabase } from '../helpers/installed.js';

class TestReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

let unique = 0;
const id = (what: string) => `otel-test:${what}:${process.pid}:${++unique}`;

describe('schema-kit/otel', () => {
  const database = useInstalledDatabase(['core', 'audit', 'idempotency'], { as: 'owner' });
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new TestReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const contextManager = new AsyncLocalStorageContextManager();
  const host = tracerProvider.getTracer('host');
  let uninstall: () => void;

  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
    uninstall = instrumentSchemaKit({ tracerProvider, meterProvider });
  });
  afterAll(async () => {
    uninstall();
    context.disable();
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
  });
  afterEach(() => exporter.reset());

  const spans = () => exporter.getFinishedSpans();
  const named = (name: string) => spans().filter((s) => s.name === name);
  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

  async function metric(name: string): Promise<DataPoint<unknown>[]> {
    const { resourceMetrics } = await reader.collect();
    const found = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name);
    return (found?.dataPoints ?? []) as DataPoint<unknown>[];
  }

  it('processOnce whose handler appends then throws: its span fails under the host span, the append nests inside it', async () => {
    const { db } = database();
    const inbox = new ProcessedMessageRepo(db, { consumer: 'otel' });
    const messageId = id('fail');
    let hostSpanId = '';
    const failure = await host.startActiveSpan('host handles an update', async (span) => {
      hostSpanId = span.spanContext().spanId;
      try {
        return await inbox
          .processOnce(messageId, async (trx) => {
            await new EventLogRepo(trx).append({ action: 'otel.tested', entity_type: 'test', entity_id: messageId });
            throw new Error('the handler failed');
          })
          .catch((error: unknown) => error);
      } finally {
        span.end();
      }
    });
    expect((failure as Error).message).toBe('the handler failed');

    const [processOnce] = named('processOnce schema_kit.processed_messages');
    const [append] = named('append schema_kit.event_log');
    expect(processOnce, spans().map((s) => s.name).join(', ')).toBeDefined();
    expect(append).toBeDefined();
    expect(parentOf(processOnce!)).toBe(hostSpanId);
    expect(parentOf(append!)).toBe(processOnce!.spanContext().spanId);
    expect(processOnce!.status.code).toBe(SpanStatusCode.ERROR);
    expect(append!.status.code).toBe(SpanStatusCode.UNSET);
    expect(processOnce!.attributes).toMatchObject({
      'db.system.name': 'postgresql',
      'db.namespace': expect.stringMatching(/schema_kit$/),
      'db.collection.name': 'processed_messages',
      'db.operation.name': 'processOnce',
      'db.query.summary': 'INSERT processed_messages',
      'error.type': 'Error',
      'schema_kit.repository': 'ProcessedMessageRepo',
      'schema_kit.in_transaction': false,
    });
    expect(append!.attributes).toMatchObject({
      'db.collection.name': 'event_log',
      'db.operation.name': 'append',
      'db.query.summary': 'INSERT event_log',
      'db.response.returned_rows': 1,
      'schema_kit.in_transaction': true,
    });
    expect(append!.attributes['error.type']).toBeUndefined();

    // the rollback left nothing: the message can be claimed, and the duration metric has the failure
    expect(await inbox.claim(messageId)).toBe(true);
    const failed = (await metric('db.client.operation.duration')).filter((p) => p.attributes['db.operation.name'] === 'processOnce' && p.attributes['error.type'] === 'Error');
    expect((failed[0]?.value as Histogram | undefined)?.count).toBeGreaterThanOrEqual(1);
  });

  it('a failed call reports the typed error class; the claims and appends counters count', async () => {
    const { db } = database();
    const inbox = new ProcessedMessageRepo(db, { consumer: 'otel-count' });
    const claims = async (outcome: string) => (await metric('schema_kit.claims')).find((p) => p.attributes['schema_kit.claim.outcome'] === outcome)?.value ?? 0;
    const before = { won: await claims('won'), duplicate: await claims('duplicate') };
    const messageId = id('count');
    expect(await inbox.claim(messageId)).toBe(true);
    expect(await inbox.claim(messageId)).toBe(false);
    expect(await inbox.processOnce(messageId, async () => 'never')).toEqual({ processed: false, result: null });
    expect(await claims('won')).toBe((before.won as number) + 1);
    expect(await claims('duplicate')).toBe((before.duplicate as number) + 2);

    const appendedBefore = ((await metric('schema_kit.events.appended'))[0]?.value as number | undefined) ?? 0;
    const log = new EventLogRepo(db);
    await log.appendMany([
      { action: 'otel.one', entity_type: 'test', entity_id: '1' },
      { action: 'otel.two', entity_type: 'test', entity_id: '2' },
    ]);
    expect((await metric('schema_kit.events.appended'))[0]?.value).toBe(appendedBefore + 2);

    const refused = await log.append({ action: '', entity_type: 'test', entity_id: '1' }).catch((error: unknown) => error);
    expect((refused as { code?: string }).code).toBe('validation');
    const [span] = named('append schema_kit.event_log').filter((s) => s.status.code === SpanStatusCode.ERROR);
    expect(span?.attributes['error.type']).toBe('validation');
    const [claim] = named('claim schema_kit.processed_messages');
    expect(claim?.attributes['db.query.summary']).toBe('INSERT processed_messages');
  });

  it('no SQL text, parameter value or personal data reaches a span attribute', async () => {
    const { db } = database();
    const secretName = 'otel_secret_handle';
    const messageId = `tg:update:${987_654_321 + unique++}`;
    const telegramId = 555_000_111 + unique++;
    await new ProcessedMessageRepo(db).processOnce(messageId, async (trx) => {
      const { user } = await new UserRepo(trx).upsertTelegramUser({ telegram_id: telegramId, telegram_username: secretName, telegram_first_name: 'Secret Person' });
      await new EventLogRepo(trx).append({ action: 'user.seen', entity_type: 'user', entity_id: user.id, user_id: user.id, details: { username: secretName } });
    });
    expect(named('upsertTelegramUser schema_kit.users')).toHaveLength(1);
    const values = spans().flatMap((s) => [s.name, ...Object.keys(s.attributes), ...Object.values(s.attributes).map(String)]);
    for (const leaked of [secretName, 'Secret Person', messageId, String(telegramId), 'insert into', 'select ', '$1']) {
      expect(values.filter((v) => v.toLowerCase().includes(leaked.toLowerCase()))).toEqual([]);
    }
    expect(spans().some((s) => 'db.query.text' in s.attributes)).toBe(false);
  });

  it('a tracer that throws does not break the call', async () => {
    const broken = {
      getTracer: () => ({
        startSpan: () => {
          throw new Error('the tracer is broken');
        },
      }),
    } as unknown as TracerProvider;
    const off = instrumentSchemaKit({ tracerProvider: broken, meterProvider });
    try {
      expect(await new ProcessedMessageRepo(database().db, { consumer: 'otel-broken' }).claim(id('broken'))).toBe(true);
    } finally {
      off();
    }
  });

  it('migrations and lifecycle work are spans; consumer lag comes from the schema-kit:consumer channel', async () => {
    const { db } = database();
    const { error } = await migrateToLatest(db, { modules: ['core'], schema: 'otel_migrated' });
    expect(error).toBeUndefined();
    const migration = named('migrate core/0001_core')[0];
    expect(migration?.attributes).toMatchObject({ 'schema_kit.migration.module': 'core', 'schema_kit.migration.direction': 'Up', 'schema_kit.migration.lock_heavy': false });
    expect((await metric('schema_kit.migration.duration')).length).toBeGreaterThan(0);

    await createPartitions(db);
    expect(named('lifecycle partitions').at(-1)?.attributes).toMatchObject({ 'schema_kit.lifecycle.operation': 'partitions', 'db.namespace': 'schema_kit' });

    const lag: ConsumerLagMessage = { name: 'otel-feed', position: '42', handled: 3, eventsBehind: 7, secondsBehind: 1.5, mode: 'listen' };
    channel(CONSUMER_CHANNEL).publish(lag);
    const events = (await metric('schema_kit.consumer.lag.events')).find((p) => p.attributes['schema_kit.consumer.name'] === 'otel-feed');
    const seconds = (await metric('schema_kit.consumer.lag.seconds')).find((p) => p.attributes['schema_kit.consumer.name'] === 'otel-feed');
    expect(events?.value).toBe(7);
    expect(seconds?.value).toBe(1.5);
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
