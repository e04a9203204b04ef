import { sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { toSchemaKitError } from '../../src/database-errors.js';
import {
  SchemaKitConflictError,
  SchemaKitConnectionError,
  SchemaKitDatabaseError,
  SchemaKitError,
  ProcessedMessageRepo,
  type Database,
  SchemaKitOutcomeUnknownError,
  SchemaKitTimeoutError,
} from '../../src/index.js';
import { useTestDatabase } from '../helpers/database.js';
import { useInstalledDatabase } from '../helpers/installed.js';

/**
 * Errors are classified by SQLSTATE first, by node's error code or node-postgres's own wording
 * only without one, and never by the text of a server message (issue 27, item 12).
 */
type Expected = { type: abstract new (...args: never[]) => SchemaKitError; code: string; retryable: boolean };
const connection = (retryable: boolean): Expected => ({ type: SchemaKitConnectionError, code: 'connection', retryable });
const database: Expected = { type: SchemaKitDatabaseError, code: 'database', retryable: false };
const timeout: Expected = { type: SchemaKitTimeoutError, code: 'timeout', retryable: true };
const serialization: Expected = { type: SchemaKitDatabaseError, code: 'serialization_failure', retryable: true };
const conflict: Expected = { type: SchemaKitConflictError, code: 'conflict', retryable: false };
const unknown: Expected = { type: SchemaKitOutcomeUnknownError, code: 'outcome_unknown', retryable: false };
const unexpected: Expected = { type: SchemaKitError, code: 'unexpected', retryable: false };

/** A server error as node-postgres builds it: SQLSTATE in `code`, the server's text in `message`. */
function serverError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code, severity: 'ERROR' });
}

const SERVER: [string, Error, Expected][] = [
  // the examples: a message naming TLS, SSL or certificates is not a connection failure
  ['22P02 on a value tls-7', serverError('22P02', 'invalid input syntax for type uuid: "tls-7"'), database],
  ['42P01 on a table named certificates', serverError('42P01', 'relation "certificates" does not exist'), database],
  ['P0001 mentioning SSL', serverError('P0001', 'SSL is required for this tenant'), database],
  ['08006 connection failure', serverError('08006', 'connection failure'), connection(true)],
  ['08001 cannot establish', serverError('08001', 'could not connect'), connection(true)],
  ['08P01 protocol violation', serverError('08P01', 'insufficient data left in message'), connection(true)],
  ['57P01 admin shutdown', serverError('57P01', 'terminating connection due to administrator command'), connection(true)],
  ['57P02 crash shutdown', serverError('57P02', 'terminating connection because of crash of another server process'), connection(true)],
  ['57P03 cannot connect now', serverError('57P03', 'the database system is starting up'), connection(true)],
  ['53300 too many connections', serverError('53300', 'sorry, too many clients already'), connection(true)],
  ['28P01 wrong password', serverError('28P01', 'password authentication failed for user "x"'), connection(false)],
  ['28000 no pg_hba entry for SSL off', serverError('28000', 'no pg_hba.conf entry for host, SSL off'), connection(false)],
  ['3D000 missing database', serverError('3D000', 'database "x" does not exist'), connection(false)],
  ['40001 serialization failure', serverError('40001', 'could not serialize access due to concurrent update'), serialization],
  ['40P01 deadlock', serverError('40P01', 'deadlock detected'), serialization],
  ['40003 completion unknown', serverError('40003', 'statement completion unknown'), unknown],
  ['57014 statement timeout', serverError('57014', 'canceling statement due to statement timeout'), timeout],
  ['55P03 lock timeout', serverError('55P03', 'canceling statement due to lock timeout'), timeout],
  ['23505 unique', serverError('23505', 'duplicate key value violates unique constraint "x"'), conflict],
  ['23514 check', serverError('23514', 'new row violates check constraint "x"'), conflict],
  // a row routed to a log's DEFAULT partition when its month's partition was attached: retryable
  ['23514 on a log DEFAULT partition, no constraint', Object.assign(serverError('23514', 'new row for relation "event_log_default" violates partition constraint'), { table: 'event_log_default' }), { type: SchemaKitError, code: 'contention', retryable: true }],
  ['23514 on user_role_change_log_default, no constraint', Object.assign(serverError('23514', 'violates partition constraint'), { table: 'user_role_change_log_default' }), { type: SchemaKitError, code: 'contention', retryable: true }],
  ['23514 of a named CHECK on a DEFAULT partition', Object.assign(serverError('23514', 'new row violates check constraint'), { table: 'event_log_default', constraint: 'event_log_action_check' }), conflict],
  ['23514 on a host DEFAULT partition, no constraint (the same race)', Object.assign(serverError('23514', 'violates partition constraint'), { table: 'orders_default' }), { type: SchemaKitError, code: 'contention', retryable: true }],
  ['23514 with no constraint on a table that is no DEFAULT partition', Object.assign(serverError('23514', 'violates partition constraint'), { table: 'orders_2026' }), conflict],
  ['23505 on a DEFAULT partition', Object.assign(serverError('23505', 'duplicate key'), { table: 'event_log_default' }), conflict],
  ['23001 restrict', serverError('23001', 'update or delete violates RESTRICT setting'), conflict],
  ['25P02 aborted transaction', serverError('25P02', 'current transaction is aborted'), { type: SchemaKitDatabaseError, code: 'transaction_aborted', retryable: false }],
  ['42501 permission denied', serverError('42501', 'permission denied for table certificates'), { type: SchemaKitError, code: 'permission_denied', retryable: false }],
  ['53100 disk full', serverError('53100', 'could not extend file: No space left on device'), database],
  ['XX000 internal error mentioning TLS', serverError('XX000', 'TLS state corrupted'), database],
  ['HV000 foreign data wrapper', serverError('HV000', 'fdw error: connection terminated'), database],
  ['0A000 cached plan', serverError('0A000', 'cached plan must not change result type'), database],
];

const DRIVER: [string, unknown, Expected][] = [
  ['ECONNREFUSED', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), connection(true)],
  ['ECONNRESET', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), connection(true)],
  ['EPIPE (five letters, not a SQLSTATE)', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }), connection(true)],
  ['a self-signed certificate', Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), connection(false)],
  ['pg: connection terminated', new Error('Connection terminated unexpectedly'), connection(true)],
  ['pg: connect timeout', new Error('timeout exceeded when trying to connect'), connection(true)],
  ['pg: server without SSL', new Error('The server does not support SSL connections'), connection(false)],
  ['pg: query_timeout', new Error('Query read timeout'), unknown],
  ['a host error mentioning certificates', new Error('certificate store unavailable'), unexpected],
  ['a host error mentioning SSL and a connection', new Error('SSL Connection terminated by my plugin'), unexpected],
  ['a TypeError', new TypeError('cannot read properties of undefined'), unexpected],
  ['EPERM from a plugin (five letters, not a SQLSTATE)', Object.assign(new Error('operation not permitted'), { code: 'EPERM' }), unexpected],
  ['a thrown string', 'boom', unexpected],
  ["kysely's aborted transaction", Object.assign(new Error('aborted'), { [Symbol.for('kysely.AbortedTransactionError')]: true }), { type: SchemaKitDatabaseError, code: 'transaction_aborted', retryable: false }],
];

describe('error classification', () => {
  it.each([...SERVER, ...DRIVER])('%s', (_name, error, expected) => {
    const typed = toSchemaKitError(error);
    expect(typed).toBeInstanceOf(expected.type);
    expect({ code: typed.code, retryable: typed.retryable }).toEqual({ code: expected.code, retryable: expected.retryable });
    expect(typed.cause).toBe(error);
    if (expected === unexpected) {
      expect(typed.message).not.toMatch(/refused the statement/);
      if (error instanceof Error) expect(typed.message).toContain(error.message);
    }
  });

  describe('the issue\'s examples, raised by a real server', () => {
    const db = useTestDatabase();
    const cases: [string, string][] = [
      ['22P02', `select 'tls-7'::uuid`],
      ['42P01', `select * from certificates`],
      ['P0001', `do $$ begin raise exception 'SSL is required for this tenant'; end $$`],
    ];
    it.each(cases)('%s is a database error, not a connection error', async (state, statement) => {
      const error = await sql.raw(statement).execute(db().db).then(
        () => undefined,
        (e: unknown) => e,
      );
      const typed = toSchemaKitError(error);
      expect(typed).toBeInstanceOf(SchemaKitDatabaseError);
      expect(typed).not.toBeInstanceOf(SchemaKitConnectionError);
      expect((typed as SchemaKitDatabaseError).sqlState).toBe(state);
      expect(typed.retryable).toBe(false);
    });
  });
});

describe("a processOnce handler's own errors keep their identity", () => {
  const database = useInstalledDatabase(['core', 'idempotency'], { as: 'owner' });
  const own: [string, Error][] = [
    ['an Error mentioning SSL and certificates', new Error('SSL certificate problem: unable to get local issuer certificate')],
    ["an HTTP client's ECONNRESET", Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['an Error saying Connection terminated', new Error('Connection terminated by the payment provider')],
  ];
  it.each(own)('%s is rethrown as the same object, inside and outside a host transaction', async (_name, thrown) => {
    const { db } = database();
    const run = (executor: Kysely<Database>, id: string) =>
      new ProcessedMessageRepo(executor, { consumer: 'identity' }).processOnce(id, async () => Promise.reject(thrown)).catch((e: unknown) => e);
    expect(await run(db, `own-${Math.random()}`)).toBe(thrown);
    const inside = await db
      .transaction()
      .execute(async (trx) => run(trx, `own-${Math.random()}`));
    expect(inside).toBe(thrown);
  });
});
