import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import { z } from 'zod';
import { parseInput } from '../validation/parse.js';
import { toSchemaKitError } from '../database-errors.js';

// Named prepared statements on node-postgres, through the host's own Kysely.
//
// Kysely's PostgresDriver hands `CompiledQuery.sql` to `client.query(sql, parameters)` as is (0.28
// and 0.29 alike), and node-postgres reads a non-string first argument as a query config: with a
// `name`, it parses and plans the statement once per connection and then only binds and executes
// it. So the hot paths pass a config object `{ text, name }` as their SQL, whose `toString()` is the
// SQL text (what a host's `log` prints). Nothing private of Kysely or pg is touched.
//
// Another driver may take the SQL as a string, or refuse an object. Whether the host's Kysely
// hands the object to pg is probed once per Kysely instance (and its transactions), with a
// statement whose config text and string differ: pg runs the config's text and answers true; a
// driver that reads the string answers false; one that refuses the object throws. Only `true`
// turns named statements on; anything else runs the plain text, unnamed, as before.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any database type: the statement text is complete
type AnyExecutor = Kysely<any> | Transaction<any>;

/** node-postgres's query config of a named statement; its string is the SQL text, for loggers. */
class NamedStatement {
  constructor(
    readonly text: string,
    readonly name: string,
  ) {}

  toString(): string {
    return this.text;
  }
}

const probe = Object.assign(new NamedStatement('select true as named', 'schema_kit_probe'), { toString: () => 'select false as named' });

/** Per Kysely instance (keyed by its dialect adapter, shared by its transactions): whether pg takes named statements. */
const support = new WeakMap<object, boolean | Promise<boolean>>();

function supportKey(db: AnyExecutor): object {
  // `getExecutor().adapter` is one object per Kysely instance, shared by every transaction,
  // `withPlugin` and `withSchema` of it; where it is missing, the executor itself is the key
  const executor = (db as { getExecutor?: () => { adapter?: object } }).getExecutor?.();
  return executor?.adapter ?? db;
}

async function probeSupport(db: AnyExecutor, key: object): Promise<boolean> {
  try {
    const { rows } = await db.executeQuery<{ named: unknown }>(CompiledQuery.raw(probe as unknown as string, []));
    const named = rows[0]?.named === true;
    support.set(key, named);
    return named;
  } catch (error) {
    // an SQLSTATE (e.g. an aborted transaction) says nothing of the driver: ask again next time
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) support.delete(key);
    else support.set(key, false);
    return false;
  }
}

/** Whether `db` runs named statements: known at once after the first call on its Kysely instance. */
function namedSupport(db: AnyExecutor): boolean | Promise<boolean> {
  const key = supportKey(db);
  const known = support.get(key);
  if (known !== undefined) return known;
  const probing = probeSupport(db, key);
  support.set(key, probing);
  return probing;
}

/**
 * The `preparedStatements` option of a repository: an explicit boolean, else the environment's
 * `SCHEMA_KIT_PREPARED_STATEMENTS` (`off`, `false` or `0` turn them off), else on.
 */
export function preparedStatementsOption(value: unknown): boolean {
  if (value !== undefined) return parseInput(z.boolean(), value, 'options.preparedStatements');
  const env = typeof process === 'undefined' ? undefined : process.env.SCHEMA_KIT_PREPARED_STATEMENTS;
  return !(env !== undefined && /^(off|false|0|no)$/i.test(env.trim()));
}

/** A statement name derived from its text (cyrb53): pg refuses one name for two texts. */
function statementName(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `schema_kit_${(4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36)}`;
}

/**
 * SQL text (with `$n` parameters) that a repository builds once and runs on every call: as a named
 * prepared statement where the host's Kysely runs on node-postgres and the repository allows it,
 * else as the same text, unnamed. Either way it joins the host's transaction when run on one.
 */
export class PreparedSql {
  /** The SQL text, sent identically named or not. */
  readonly text: string;
  readonly #named: NamedStatement;

  /** Prepares `text` (complete, schema-qualified SQL with `$n` parameters). */
  constructor(text: string) {
    this.text = text;
    this.#named = new NamedStatement(text, statementName(text));
  }

  /** The statement's name on the server when it runs named. */
  get name(): string {
    return this.#named.name;
  }

  /**
   * Runs the statement on `db` (the host's Kysely or transaction) and returns its rows; `named`
   * is the repository's `preparedStatements` option. Driver errors become schema-kit's errors.
   */
  run<R>(db: AnyExecutor, parameters: readonly unknown[], named: boolean): Promise<R[]> {
    if (!named) return this.#execute(db, this.text, parameters);
    const supported = namedSupport(db);
    if (supported === true) return this.#execute(db, this.#named as unknown as string, parameters);
    if (supported === false) return this.#execute(db, this.text, parameters);
    return supported.then((yes) => this.#execute(db, yes ? (this.#named as unknown as string) : this.text, parameters));
  }

  async #execute<R>(db: AnyExecutor, sql: string, parameters: readonly unknown[]): Promise<R[]> {
    try {
      return (await db.executeQuery<R>(CompiledQuery.raw(sql, parameters as unknown[]))).rows;
    } catch (error) {
      throw toSchemaKitError(error);
    }
  }
}
