/**
 * Every public method of a repository is a traced call on the `schema-kit:repo` TracingChannel
 * (src/observability/channels.ts). The repository's constructor names itself once, through
 * `repoContext(db, options, this, table)`: the first construction of a class wraps the async
 * methods of its prototype, so no method is written for tracing. While the channel has no
 * subscriber a wrapped method checks `hasSubscribers` and calls the method as is (no message is
 * built); with subscribers it publishes a {@link RepoCallMessage} around the call, and the
 * statements the call runs note their verb and rows on it (prepared.ts, and the scoped executor's
 * plugin below).
 */
import type { KyselyPlugin, QueryResult, RootOperationNode } from 'kysely';
import { currentCall, noteStatement, repoCalls, verbOf, type RepoCallMessage } from '../observability/channels.js';
import type { DirectPool } from './direct-pool.js';

/** What a wrapped method reads of its repository's context (repo-context.ts's RepoContext). */
interface CallContext {
  readonly schema: string;
  readonly plain: { readonly isTransaction: boolean };
  readonly direct: Pick<DirectPool, 'server'> | undefined;
}

/** A repository instance's context and table, read by its wrapped methods when they publish. */
interface Traced {
  readonly ctx: CallContext;
  readonly table: string;
}

const traced = new WeakMap<object, Traced>();
const wrappedClasses = new WeakSet<object>();

/** Registers `repository` (its class's methods wrapped at its first construction) with its context and table. */
export function traceRepository(repository: object, ctx: CallContext, table: string): void {
  traced.set(repository, { ctx, table });
  // the base-most class: schema-kit's repository, not a host's subclass of it (whose own methods stay the host's)
  let prototype = Object.getPrototypeOf(repository) as Record<string, unknown> | null;
  while (prototype && Object.getPrototypeOf(prototype) !== Object.prototype && Object.getPrototypeOf(prototype) !== null) {
    prototype = Object.getPrototypeOf(prototype) as Record<string, unknown>;
  }
  if (!prototype || wrappedClasses.has(prototype)) return;
  wrappedClasses.add(prototype);
  const repositoryName = (prototype.constructor as { name?: string } | undefined)?.name ?? 'Repository';
  for (const method of Object.getOwnPropertyNames(prototype)) {
    const descriptor = Object.getOwnPropertyDescriptor(prototype, method);
    const original = descriptor?.value as unknown;
    if (typeof original !== 'function' || Object.prototype.toString.call(original) !== '[object AsyncFunction]') continue;
    const wrapper = wrap(repositoryName, method, original as (...args: unknown[]) => Promise<unknown>);
    Object.defineProperty(wrapper, 'name', { value: method });
    Object.defineProperty(prototype, method, { ...descriptor, value: wrapper });
  }
}

function wrap(repository: string, method: string, original: (...args: unknown[]) => Promise<unknown>): (...args: unknown[]) => Promise<unknown> {
  return function (this: object): Promise<unknown> {
    // eslint-disable-next-line prefer-rest-params -- `arguments`, not a rest array: nothing allocated while nobody listens
    if (!repoCalls.hasSubscribers) return Reflect.apply(original, this, arguments);
    // eslint-disable-next-line prefer-rest-params -- as above
    const args = arguments;
    const entry = traced.get(this);
    if (!entry) return Reflect.apply(original, this, args);
    const message: RepoCallMessage = {
      repository,
      method,
      table: entry.table,
      schema: entry.ctx.schema,
      inTransaction: entry.ctx.plain.isTransaction,
      database: entry.ctx.direct?.server?.database,
      serverAddress: entry.ctx.direct?.server?.address,
      serverPort: entry.ctx.direct?.server?.port,
    };
    return repoCalls.tracePromise(() => currentCall.run(message, () => Reflect.apply(original, this, args) as Promise<unknown>), message);
  };
}

/**
 * On a repository's scoped executor: notes each query's verb and rows on the current call while
 * the channel has subscribers; otherwise one check per query.
 */
export const NOTE_STATEMENTS: KyselyPlugin = {
  transformQuery: (args) => {
    if (repoCalls.hasSubscribers) noteStatement(verbOfNode(args.node), undefined);
    return args.node;
  },
  transformResult: (args) => {
    if (repoCalls.hasSubscribers) noteStatement(undefined, rowsOf(args.result));
    return Promise.resolve(args.result);
  },
};

function verbOfNode(node: RootOperationNode): string | undefined {
  switch (node.kind) {
    case 'SelectQueryNode':
      return 'SELECT';
    case 'InsertQueryNode':
      return 'INSERT';
    case 'UpdateQueryNode':
      return 'UPDATE';
    case 'DeleteQueryNode':
      return 'DELETE';
    case 'MergeQueryNode':
      return 'MERGE';
    case 'RawNode':
      return verbOf(node.sqlFragments[0] ?? '');
    default:
      return undefined;
  }
}

/** The rows a statement changed (INSERT, UPDATE, DELETE) or returned. */
export function rowsOf(result: QueryResult<unknown>): number | undefined {
  if (result.numAffectedRows !== undefined) return Number(result.numAffectedRows);
  return Array.isArray(result.rows) ? result.rows.length : undefined;
}
