/**
 * How a prepared statement reaches node-postgres (see the contract in prepared.ts): the objects pg
 * runs itself (a named statement, the probe), the compiled query that hands one to Kysely's driver,
 * and the probe that finds out, per Kysely instance, whether pg's Client runs them.
 */
import { RawNode, type CompiledQuery, type Kysely, type QueryId, type Transaction } from 'kysely';
import type pg from 'pg';
import { sqlStateOf } from '../database-errors.js';

/** Any Kysely or transaction a prepared statement runs on. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any database type: the statement text is complete
export type AnyExecutor = Kysely<any> | Transaction<any>;

/** Builds a named statement with its parameters, as an object pg runs itself (a Submittable). */
type NamedQueryFactory = (text: string, name: string, parameters: readonly unknown[]) => PromiseLike<pg.QueryResult>;

/** An object a probe settles with: did node-postgres's Client run it. */
interface ProbeQuery {
  readonly ranByPg: boolean;
}

/** The statements over the host's pg `Query` class (pg is loaded only when a probe runs). */
export interface PgQueries {
  readonly named: NamedQueryFactory;
  readonly probe: () => ProbeQuery;
}

/** What the probe's text is, for a driver that reads the object as a string (one harmless read). */
const PROBE_SQL = 'select false as named';

function pgQueries(Query: typeof pg.Query): PgQueries {
  // Kysely's PostgresDriver hands `CompiledQuery.sql` to `client.query(sql, parameters)` as is.
  // node-postgres takes an object with a `submit` method as a query of its own (pg's Submittable,
  // as pg-cursor uses it) and returns it; Kysely awaits it. Its callback is given to pg's
  // constructor, not set afterwards as pg's promise form does: a Query whose callback is set after
  // construction keeps every row of its result alive past a young-generation collection (2-3 µs
  // of GC per row read, measured in bench/stream-peer.mjs).
  class NamedQuery extends Query {
    /** Set by pg's constructor (its type does not declare it). */
    declare readonly text: string;
    readonly #settled: Promise<pg.QueryResult>;

    constructor(config: pg.QueryConfig) {
      let settle!: (error: Error | undefined, result: pg.QueryResult) => void;
      const settled = new Promise<pg.QueryResult>((resolve, reject) => {
        settle = (error, result) => (error ? reject(error) : resolve(result));
      });
      super(config, (error: Error | undefined, result: pg.QueryResult) => settle(error, result));
      this.#settled = settled;
    }

    /** Kysely awaits what `client.query` returns: this query, settled by pg's callback. */
    then<T1 = pg.QueryResult, T2 = never>(onFulfilled?: ((result: pg.QueryResult) => T1 | PromiseLike<T1>) | null, onRejected?: ((error: unknown) => T2 | PromiseLike<T2>) | null): Promise<T1 | T2> {
      return this.#settled.then(onFulfilled, onRejected);
    }

    override toString(): string {
      return this.text;
    }
  }

  return {
    named: (text, name, parameters) => new NamedQuery({ text, name, values: parameters as unknown[] }),
    probe: () => new Probe(),
  };
}

/** What pg hands back to the probe's `handleError`: the marker its `submit` returned. */
const answered = new Error('schema-kit probe: run by node-postgres');

/**
 * The probe: a string (a String object whose value is {@link PROBE_SQL}) that is also a pg
 * Submittable. pg calls its `submit`, which sends nothing and returns a marker that pg hands back
 * to `handleError` on the next tick: no round trip. A driver that reads it as a string runs a
 * harmless select; one that refuses objects throws before sending anything. Every other object a
 * driver might misread (a pg `Query`) is only ever given to a driver this probe found to be pg.
 */
class Probe extends String implements ProbeQuery {
  ranByPg = false;
  /** Set by pg (its read timeout wraps it): settles the promise Kysely awaits. */
  callback: (error: Error | undefined, result?: unknown) => void;
  readonly #settled: Promise<unknown>;

  constructor() {
    super(PROBE_SQL);
    let settle!: (error: Error | undefined, result?: unknown) => void;
    this.#settled = new Promise((resolve, reject) => {
      settle = (error, result) => (error ? reject(error) : resolve(result));
    });
    this.callback = settle;
  }

  submit(): Error {
    this.ranByPg = true;
    return answered; // pg calls handleError(answered) on the next tick, then runs its next query
  }

  handleError(error: Error): void {
    this.callback(error === answered ? undefined : error, { command: 'SELECT', rowCount: 1, rows: [{ named: true }], fields: [] });
  }

  then<T1 = unknown, T2 = never>(onFulfilled?: ((result: unknown) => T1 | PromiseLike<T1>) | null, onRejected?: ((error: unknown) => T2 | PromiseLike<T2>) | null): Promise<T1 | T2> {
    return this.#settled.then(onFulfilled, onRejected);
  }
}

/** pg's Query class, loaded once; undefined where pg is not installed. */
let loading: Promise<PgQueries | undefined> | undefined;
/** The statements over pg's `Query`, once {@link loadPg} has loaded it. */
export let loaded: PgQueries | undefined;

/** Loads pg (once) and builds its statements; undefined where pg is not installed. */
export function loadPg(): Promise<PgQueries | undefined> {
  loading ??= import('pg').then(
    (module) => (loaded = pgQueries((module.default ?? module).Query)),
    () => undefined,
  );
  return loading;
}

/** Whether a place runs named statements: yes, no, a probe in flight (run as text meanwhile). */
export type Support = 'named' | 'text' | 'probing';

/** Whether named statements run, per Kysely instance (keyed by {@link supportKey}). */
export const support = new WeakMap<object, Support>();

/** The key of `db` in {@link support}: its dialect adapter, shared by its transactions. */
export function supportKey(db: AnyExecutor): object {
  // `getExecutor().adapter` is one object per Kysely instance, shared by every transaction,
  // `withPlugin` and `withSchema` of it; where it is missing, the executor itself is the key
  const executor = (db as { getExecutor?: () => { adapter?: object } }).getExecutor?.();
  return executor?.adapter ?? db;
}

/**
 * A compiled query whose `sql` is `statement` on its first read (the driver's: Kysely's
 * PostgresConnection reads it once, to hand it to `client.query`) and the SQL text on every later
 * read (a host's `log`, after the statement ran). A class: its getter lives on the prototype.
 */
class CompiledOnce {
  #statement: object | undefined;
  readonly queryId: QueryId = { queryId: 'schema-kit' } as QueryId;

  constructor(
    statement: object,
    readonly text: string,
    readonly query: RawNode,
    readonly parameters: readonly unknown[],
  ) {
    this.#statement = statement;
  }

  get sql(): string {
    const statement = this.#statement;
    if (statement === undefined) return this.text;
    this.#statement = undefined;
    return statement as unknown as string;
  }
}

/** The raw node of a text (immutable: one per text). */
const rawNodes = new Map<string, RawNode>();

/** The raw node of `text`, one per text. */
export function rawNodeOf(text: string): RawNode {
  let node = rawNodes.get(text);
  if (!node) rawNodes.set(text, (node = RawNode.createWithSql(text)));
  return node;
}

/** The compiled query that hands `statement` to Kysely's driver once (see {@link CompiledOnce}). */
export function compiledOnce(statement: object, text: string, parameters: readonly unknown[], node: RawNode = rawNodeOf(text)): CompiledQuery {
  return new CompiledOnce(statement, text, node, parameters) as unknown as CompiledQuery;
}

/** Probes `run` (a statement runner on the connection the caller holds or takes next); resolves to the answer. */
export function probe(run: (statement: ProbeQuery) => PromiseLike<unknown>, queries: PgQueries): Promise<Support | undefined> {
  const statement = queries.probe();
  let answer: Promise<unknown>;
  try {
    answer = Promise.resolve(run(statement));
  } catch (error) {
    answer = Promise.reject(error);
  }
  return answer.then(
    () => (statement.ranByPg ? 'named' : 'text'),
    (error: unknown) => {
      if (statement.ranByPg) return 'named';
      // an SQLSTATE (e.g. an aborted transaction) says nothing of the driver: ask again later
      return sqlStateOf(error) ? undefined : 'text';
    },
  );
}

/** The connection interface of Kysely (what `provideConnection` hands out). */
interface KyselyConnection {
  executeQuery(compiled: CompiledQuery): Promise<unknown>;
}

/**
 * Whether `connection` is the connection of Kysely's own PostgresDriver (PostgresDialect), whose
 * client is a pg pool's: only there may the probe, an object, be handed to the driver. Another
 * dialect's connection (PGlite's, kysely-pglite's, postgres.js's) never gets an object: PGlite
 * misreads one and answers the next message with 08P01. A name that differs (a host's bundler that
 * renames classes) only costs the named statements: the SQL runs as text.
 */
function isPostgresDialectConnection(connection: object): boolean {
  return (Object.getPrototypeOf(connection) as { constructor?: { name?: string } } | null)?.constructor?.name === 'PostgresConnection';
}

/**
 * Decides `db`'s support, on a connection of its own executor: the transaction's own (no second
 * connection), or, outside one, a connection taken before the call takes its own (the call holds
 * none meanwhile). Where the executor cannot be asked, the SQL runs as text.
 */
export function probeKysely(db: AnyExecutor, key: object): Promise<void> {
  support.set(key, 'probing');
  const executor = (db as { getExecutor?: () => { provideConnection?: <T>(consumer: (connection: KyselyConnection) => Promise<T>) => Promise<T> } }).getExecutor?.();
  return loadPg()
    .then((queries) => {
      if (!queries || typeof executor?.provideConnection !== 'function') return 'text' as const;
      return executor.provideConnection((connection) =>
        isPostgresDialectConnection(connection) ? probe((statement) => connection.executeQuery(compiledOnce(statement, PROBE_SQL, [])), queries) : Promise.resolve('text' as const),
      );
    })
    .then(
      (answer) => {
        if (answer) support.set(key, answer);
        else support.delete(key);
      },
      () => void support.delete(key), // no connection to ask on: the call fails or runs as text, a later one asks again
    );
}

