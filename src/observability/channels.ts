/**
 * What schema-kit publishes through `node:diagnostics_channel` (docs/observability.md): a
 * TracingChannel per kind of work, each with its documented name and message type. Nothing is
 * published, and no message is built, while a channel has no subscriber: a call checks
 * `hasSubscribers` and goes on.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { tracingChannel } from 'node:diagnostics_channel';

/** The TracingChannel of repository calls: one traced call per public method of a repository. */
export const REPO_CHANNEL = 'schema-kit:repo';
/** The TracingChannel of migrations: one traced call per migration the runner applies or reverts. */
export const MIGRATION_CHANNEL = 'schema-kit:migration';
/** The TracingChannel of lifecycle work: creating partitions, retention, forgetting a user. */
export const LIFECYCLE_CHANNEL = 'schema-kit:lifecycle';
/**
 * The plain channel (`diagnostics_channel.channel(name)`) a feed consumer publishes on after each
 * committed batch, when it has subscribers: a {@link ConsumerLagMessage}.
 */
export const CONSUMER_CHANNEL = 'schema-kit:consumer';

/**
 * The message of a repository call on {@link REPO_CHANNEL}. The TracingChannel adds `result` (on
 * `asyncEnd`) or `error` (on `error`: the typed `SchemaKitError`, or a `processOnce` handler's own
 * error as it was thrown). It never holds the call's arguments nor SQL text.
 */
export interface RepoCallMessage {
  /** The repository's class, e.g. `'ProcessedMessageRepo'`. */
  readonly repository: string;
  /** The method called, e.g. `'claim'`. */
  readonly method: string;
  /** The repository's table (without schema), e.g. `'processed_messages'`. */
  readonly table: string;
  /** The schema schema-kit was installed into. */
  readonly schema: string;
  /** Whether the repository was built on a host transaction (the call runs inside it). */
  readonly inTransaction: boolean;
  /** The database of the connection, where known (createSchemaKit's pool). */
  readonly database?: string | undefined;
  /** The server's host, where known (createSchemaKit's pool). */
  readonly serverAddress?: string | undefined;
  /** The server's port, where known (createSchemaKit's pool). */
  readonly serverPort?: number | undefined;
  /** The SQL verb of the call's first statement (`'INSERT'`, `'SELECT'`...), set as it runs. */
  operation?: string;
  /** The rows the call's statements returned or changed, summed, set as they run. */
  rows?: number;
  /** The call's result, set by the TracingChannel before `asyncEnd`. */
  result?: unknown;
  /** The call's error, set by the TracingChannel before `error`. */
  error?: unknown;
}

/** The message of one migration on {@link MIGRATION_CHANNEL}. */
export interface MigrationMessage {
  /** The module, e.g. `'audit'`. */
  readonly module: string;
  /** The migration's name, e.g. `'0001_audit'`. */
  readonly name: string;
  /** `'Up'` (apply) or `'Down'` (revert). */
  readonly direction: 'Up' | 'Down';
  /** The schema it runs in. */
  readonly schema: string;
  /** Whether the file has a statement marked `-- schema-kit:lock-heavy` (a lock readers or writers wait for). */
  readonly lockHeavy: boolean;
  /** How long it ran, in milliseconds, set when it succeeded. */
  durationMs?: number;
  /** Set by the TracingChannel: the migration's result. */
  result?: unknown;
  /** Set by the TracingChannel: its `SchemaKitMigrationError` (or connection error). */
  error?: unknown;
}

/** The message of lifecycle work on {@link LIFECYCLE_CHANNEL}. */
export interface LifecycleMessage {
  /** `'partitions'` (createPartitions), `'retention'` (dropPartitionsBefore) or `'forget'` (forgetUser). */
  readonly operation: 'partitions' | 'retention' | 'forget';
  /** The schema it runs in. */
  readonly schema: string;
  /** The partitioned table retention works on (retention only). */
  readonly table?: string | undefined;
  /** How many partitions were created or removed, or rows erased, set when it succeeded. No identifier of the user. */
  count?: number;
  /** Set by the TracingChannel: the work's result. */
  result?: unknown;
  /** Set by the TracingChannel: its typed error. */
  error?: unknown;
}

/**
 * The message a feed consumer publishes on {@link CONSUMER_CHANNEL} after each committed batch.
 */
export interface ConsumerLagMessage {
  /** The consumer's name. */
  readonly name: string;
  /** The stream position it has handled up to (a bigint as a string). */
  readonly position: string;
  /** How many events the batch handled. */
  readonly handled: number;
  /** How many events are behind the consumer's position. */
  readonly eventsBehind: number;
  /** How old, in seconds, the oldest event not yet handled is. */
  readonly secondsBehind: number;
  /** Whether the consumer is woken by LISTEN or polls. */
  readonly mode: 'listen' | 'poll';
}

/** The TracingChannel on {@link REPO_CHANNEL}. */
export const repoCalls = tracingChannel<unknown, RepoCallMessage & object>(REPO_CHANNEL);
/** The TracingChannel on {@link MIGRATION_CHANNEL}. */
export const migrations = tracingChannel<unknown, MigrationMessage & object>(MIGRATION_CHANNEL);
/** The TracingChannel on {@link LIFECYCLE_CHANNEL}. */
export const lifecycleWork = tracingChannel<unknown, LifecycleMessage & object>(LIFECYCLE_CHANNEL);

/** The repository call the current async code runs inside, while {@link repoCalls} has subscribers. */
export const currentCall = new AsyncLocalStorage<RepoCallMessage>();

/**
 * Notes a statement of the current repository call: its verb (the call's operation, if none yet)
 * and its rows. Only called while {@link repoCalls} has subscribers.
 */
export function noteStatement(verb: string | undefined, rows: number | undefined): void {
  const call = currentCall.getStore();
  if (!call) return;
  if (call.operation === undefined && verb) call.operation = verb;
  if (rows !== undefined) call.rows = (call.rows ?? 0) + rows;
}

/** The SQL verb a statement's text starts with (`'INSERT'`), or undefined. */
export function verbOf(text: string): string | undefined {
  const match = /^\s*(with|select|insert|update|delete|merge|call)\b/i.exec(text);
  return match ? match[1]!.toUpperCase() : undefined;
}

/** Runs lifecycle work as a traced call on {@link LIFECYCLE_CHANNEL} while it has subscribers; `count` reads the result's count. */
export function traceLifecycle<T>(
  operation: LifecycleMessage['operation'],
  schema: string,
  table: string | undefined,
  work: () => Promise<T>,
  count: (result: T) => number,
): Promise<T> {
  if (!lifecycleWork.hasSubscribers) return work();
  const message: LifecycleMessage = { operation, schema, table };
  return lifecycleWork.tracePromise(async () => {
    const result = await work();
    message.count = count(result);
    return result;
  }, message);
}
