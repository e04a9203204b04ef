/**
 * `schema-kit/otel`: OpenTelemetry spans and metrics from schema-kit's diagnostics channels
 * (docs/observability.md). Requires the optional peer `@opentelemetry/api`.
 *
 * @packageDocumentation
 */
import { channel, tracingChannel } from 'node:diagnostics_channel';
import { context, diag, metrics, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type MeterProvider, type Span, type TracerProvider } from '@opentelemetry/api';
import {
  CONSUMER_CHANNEL,
  LIFECYCLE_CHANNEL,
  MIGRATION_CHANNEL,
  REPO_CHANNEL,
  type ConsumerLagMessage,
  type LifecycleMessage,
  type MigrationMessage,
  type RepoCallMessage,
} from '../observability/channels.js';

declare const __SCHEMA_KIT_VERSION__: string;

/** Options of {@link instrumentSchemaKit}. */
export interface InstrumentSchemaKitOptions {
  /** Where spans go. Default: the global tracer provider (`trace.getTracerProvider()`). */
  readonly tracerProvider?: TracerProvider;
  /** Where metrics go. Default: the global meter provider (`metrics.getMeterProvider()`). */
  readonly meterProvider?: MeterProvider;
}

/** A span in flight and when its call started. */
interface InFlight {
  readonly span: Span;
  readonly started: number;
  readonly attributes: Attributes;
}

/** What each traced call's message becomes: its span's name and the attributes known at its start. */
interface Kind<M extends object> {
  readonly name: string;
  readonly start: (message: M) => { readonly name: string; readonly attributes: Attributes };
  readonly end: (message: M, flight: InFlight, seconds: number, error: unknown) => void;
}

/**
 * Subscribes to schema-kit's channels and turns them into OpenTelemetry spans and metrics:
 *
 * - a CLIENT span per repository call, named `<method> <schema>.<table>` (`claim
 *   schema_kit.processed_messages`), with the stable database semantic conventions
 *   (`db.system.name`, `db.namespace`, `db.collection.name`, `db.operation.name`,
 *   `db.query.summary`, `error.type`, `server.address`/`server.port` where known) and
 *   `schema_kit.*` attributes (repository, in_transaction, rows). It is a child of the span active
 *   where the call was made, and the calls made inside it (a `processOnce` handler's) are its
 *   children. A failed call's span has status ERROR and `error.type` (the `SchemaKitError`'s code,
 *   else the error's name); no error message, SQL text or parameter is ever recorded.
 * - an INTERNAL span per migration (`migrate <module>/<name>`) and per lifecycle work
 *   (`lifecycle <operation>`).
 * - metrics: `db.client.operation.duration` (s), `schema_kit.claims` (by `schema_kit.claim.outcome`:
 *   `won` or `duplicate`, from claim and processOnce), `schema_kit.events.appended`,
 *   `schema_kit.migration.duration` (s), and the consumer lag gauges
 *   `schema_kit.consumer.lag.events` and `schema_kit.consumer.lag.seconds` (from the
 *   `schema-kit:consumer` channel, by `schema_kit.consumer.name`).
 *
 * Returns the function that unsubscribes. A failure inside the instrumentation is reported
 * through OpenTelemetry's `diag` and never reaches the call.
 *
 * ### Examples
 * ```ts
 * import { instrumentSchemaKit } from 'schema-kit/otel';
 * const uninstall = instrumentSchemaKit({ tracerProvider, meterProvider });
 * ```
 */
export function instrumentSchemaKit(options: InstrumentSchemaKitOptions = {}): () => void {
  const version = typeof __SCHEMA_KIT_VERSION__ === 'string' ? __SCHEMA_KIT_VERSION__ : undefined;
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer('schema-kit', version);
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter('schema-kit', version);
  const operationDuration = meter.createHistogram('db.client.operation.duration', {
    description: 'Duration of schema-kit repository calls.',
    unit: 's',
    advice: { explicitBucketBoundaries: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10] },
  });
  const claims = meter.createCounter('schema_kit.claims', { description: 'Claims of message ids: won (first) or duplicate.', unit: '{claim}' });
  const appended = meter.createCounter('schema_kit.events.appended', { description: 'Events appended to event_log.', unit: '{event}' });
  const migrationDuration = meter.createHistogram('schema_kit.migration.duration', { description: 'Duration of each migration.', unit: 's' });
  const lag = new Map<string, ConsumerLagMessage>();
  const lagEvents = meter.createObservableGauge('schema_kit.consumer.lag.events', { description: 'Events a feed consumer is behind.', unit: '{event}' });
  const lagSeconds = meter.createObservableGauge('schema_kit.consumer.lag.seconds', { description: 'Age of the oldest event a feed consumer has not handled.', unit: 's' });
  const observeLag = (result: { observe: (value: number, attributes: Attributes) => void }, pick: (m: ConsumerLagMessage) => number): void => {
    for (const [name, message] of lag) result.observe(pick(message), { 'schema_kit.consumer.name': name, 'schema_kit.consumer.mode': message.mode });
  };
  const onEvents = (result: Parameters<typeof observeLag>[0]) => observeLag(result, (m) => m.eventsBehind);
  const onSeconds = (result: Parameters<typeof observeLag>[0]) => observeLag(result, (m) => m.secondsBehind);
  lagEvents.addCallback(onEvents);
  lagSeconds.addCallback(onSeconds);

  const repo: Kind<RepoCallMessage> = {
    name: REPO_CHANNEL,
    start: (m) => ({ name: `${m.method} ${m.schema}.${m.table}`, attributes: repoAttributes(m) }),
    // the span's attributes are the metric's too (the span copied them at its start)
    end: (m, { span, attributes }, seconds, error) => {
      span.setAttributes(
        m.rows === undefined
          ? { 'db.query.summary': `${m.operation ?? m.method} ${m.table}` }
          : { 'db.query.summary': `${m.operation ?? m.method} ${m.table}`, 'db.response.returned_rows': m.rows },
      );
      if (error !== undefined) attributes['error.type'] = errorType(error);
      operationDuration.record(seconds, attributes);
      if (error !== undefined) return;
      const outcome = claimOutcome(m);
      if (outcome) claims.add(1, { 'schema_kit.claim.outcome': outcome });
      if (m.repository === 'EventLogRepo' && (m.method === 'append' || m.method === 'appendMany')) {
        appended.add(Array.isArray(m.result) ? m.result.length : 1);
      }
    },
  };
  const migration: Kind<MigrationMessage> = {
    name: MIGRATION_CHANNEL,
    start: (m) => ({
      name: `migrate ${m.module}/${m.name}`,
      attributes: {
        'db.system.name': 'postgresql',
        'db.namespace': m.schema,
        'schema_kit.migration.module': m.module,
        'schema_kit.migration.name': m.name,
        'schema_kit.migration.direction': m.direction,
        'schema_kit.migration.lock_heavy': m.lockHeavy,
      },
    }),
    end: (m, _flight, seconds, error) => {
      const attributes: Attributes = { 'schema_kit.migration.module': m.module, 'schema_kit.migration.direction': m.direction, 'schema_kit.migration.lock_heavy': m.lockHeavy };
      if (error !== undefined) attributes['error.type'] = errorType(error);
      migrationDuration.record((m.durationMs ?? seconds * 1000) / 1000, attributes);
    },
  };
  const lifecycle: Kind<LifecycleMessage> = {
    name: LIFECYCLE_CHANNEL,
    start: (m) => ({
      name: `lifecycle ${m.operation}`,
      attributes: { 'db.system.name': 'postgresql', 'db.namespace': m.schema, 'schema_kit.lifecycle.operation': m.operation, ...(m.table ? { 'db.collection.name': m.table } : {}) },
    }),
    end: (m, { span }) => {
      if (m.count !== undefined) span.setAttribute('schema_kit.lifecycle.count', m.count);
    },
  };

  const uninstalls = [
    traceChannel(repo, tracer, SpanKind.CLIENT),
    traceChannel(migration, tracer, SpanKind.INTERNAL),
    traceChannel(lifecycle, tracer, SpanKind.INTERNAL),
  ];
  const consumer = channel(CONSUMER_CHANNEL);
  const onConsumer = (message: unknown): void => {
    const m = message as ConsumerLagMessage;
    if (m && typeof m.name === 'string') lag.set(m.name, m);
  };
  consumer.subscribe(onConsumer);
  return () => {
    uninstalls.forEach((uninstall) => uninstall());
    consumer.unsubscribe(onConsumer);
    lagEvents.removeCallback(onEvents);
    lagSeconds.removeCallback(onSeconds);
  };
}

/**
 * Traces the calls of one TracingChannel: the span starts in the `start` channel's bound store
 * (so the call runs in the span's context, and nests under the caller's), and ends at `asyncEnd`.
 */
function traceChannel<M extends object>(kind: Kind<M>, tracer: ReturnType<TracerProvider['getTracer']>, spanKind: SpanKind): () => void {
  const channels = tracingChannel<unknown, M>(kind.name);
  const inFlight = new WeakMap<object, InFlight>();
  // what the start channel's bound store runs the call in: OpenTelemetry's active context
  const store = { run: <T>(ctx: Context, next: () => T): T => context.with(ctx, next) };
  const transform = (message: M): Context => {
    const parent = context.active();
    try {
      const { name, attributes } = kind.start(message);
      const span = tracer.startSpan(name, { kind: spanKind, attributes }, parent);
      inFlight.set(message, { span, started: performance.now(), attributes });
      return trace.setSpan(parent, span);
    } catch (error) {
      diag.error('schema-kit: starting a span failed', error);
      return parent;
    }
  };
  const onError = (message: M): void => {
    try {
      const flight = inFlight.get(message);
      const error = (message as { error?: unknown }).error;
      if (!flight) return;
      flight.span.setAttribute('error.type', errorType(error));
      flight.span.setStatus({ code: SpanStatusCode.ERROR, message: errorType(error) });
    } catch (failure) {
      diag.error('schema-kit: recording an error failed', failure);
    }
  };
  const onAsyncEnd = (message: M): void => {
    try {
      const flight = inFlight.get(message);
      if (!flight) return;
      inFlight.delete(message);
      const error = (message as { error?: unknown }).error;
      kind.end(message, flight, (performance.now() - flight.started) / 1000, 'error' in message ? error : undefined);
      flight.span.end();
    } catch (failure) {
      diag.error('schema-kit: ending a span failed', failure);
    }
  };
  // `start` is bound, not subscribed: the span begins in its store's transform
  channels.start.bindStore(store as never, transform);
  channels.error.subscribe(onError as (message: unknown) => void);
  channels.asyncEnd.subscribe(onAsyncEnd as (message: unknown) => void);
  return () => {
    channels.start.unbindStore(store as never);
    channels.error.unsubscribe(onError as (message: unknown) => void);
    channels.asyncEnd.unsubscribe(onAsyncEnd as (message: unknown) => void);
  };
}

/** The semantic-convention attributes of a repository call known at its start. */
function repoAttributes(m: RepoCallMessage): Attributes {
  const attributes: Attributes = {
    'db.system.name': 'postgresql',
    'db.namespace': m.database ? `${m.database}.${m.schema}` : m.schema,
    'db.collection.name': m.table,
    'db.operation.name': m.method,
    'schema_kit.repository': m.repository,
    'schema_kit.in_transaction': m.inTransaction,
  };
  if (m.serverAddress !== undefined) attributes['server.address'] = m.serverAddress;
  if (m.serverPort !== undefined) attributes['server.port'] = m.serverPort;
  return attributes;
}

/** `won` or `duplicate` for a claim (claim's boolean, processOnce's `processed`), else undefined. */
function claimOutcome(m: RepoCallMessage): 'won' | 'duplicate' | undefined {
  if (m.repository !== 'ProcessedMessageRepo') return undefined;
  if (m.method === 'claim' && typeof m.result === 'boolean') return m.result ? 'won' : 'duplicate';
  if (m.method === 'processOnce' && m.result && typeof m.result === 'object') return (m.result as { processed?: unknown }).processed ? 'won' : 'duplicate';
  return undefined;
}

/** A low-cardinality class of an error: a SchemaKitError's code, else the error's name. */
function errorType(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (error as { name?: unknown }).name !== 'Error') return code;
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' && name.length > 0 ? name : '_OTHER';
}
