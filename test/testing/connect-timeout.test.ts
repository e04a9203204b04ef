import { describe, expect, it } from 'vitest';
import { SchemaKitConnectionError, SchemaKitError } from '../../src/errors.js';
import { checkConnectionUrl } from '../../src/connection/config.js';
import { probeConnection } from '../../src/connection/probe.js';
import { createTestDatabase } from '../../src/testing/index.js';
import { useSilentServer } from '../helpers/silent-server.js';

/**
 * createTestDatabase against a server that accepts the TCP connection and never answers: every
 * connect it makes is bounded by connectTimeoutMs and fails typed. The timeout is short and only
 * bounds the wait; the test asserts the outcome, never how long it took.
 */
describe('createTestDatabase: connect timeout and malformed URLs', () => {
  const silent = useSilentServer();

  it('fails with a typed connection error, password masked, on a server that never answers', async () => {
    const url = `postgres://postgres:hunter2secret@127.0.0.1:${silent.port}/postgres`;
    const error = await createTestDatabase({ target: { url }, connectTimeoutMs: 200 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SchemaKitConnectionError);
    expect((error as SchemaKitError).code).toBe('connection');
    expect((error as Error).message).toMatch(/^target\.url: cannot connect to PostgreSQL at postgres@127\.0\.0\.1:\d+\/postgres: no answer within 200 ms/);
    expect((error as Error).cause).toBeDefined();
    expect(JSON.stringify(error) + String(error) + String((error as Error).stack)).not.toContain('hunter2secret');
    expect(silent.connections).toBeGreaterThan(0); // it did reach the silent server
  });

  const malformed = [
    ['a port that is not a number', 'postgres://postgres:hunter2secret@127.0.0.1:notaport/db'],
    ['a broken IPv6 host', 'postgres://postgres:hunter2secret@[::1/db'],
    ['not a postgres URL', 'mysql://postgres:hunter2secret@127.0.0.1/db'],
    ['no scheme at all', 'hunter2secret'],
  ] as const;

  for (const [what, url] of malformed) {
    it(`refuses ${what} with a configuration error naming target.url, the secret absent`, async () => {
      const error = await createTestDatabase({ target: { url } }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SchemaKitError);
      expect((error as SchemaKitError).code).toBe('configuration');
      expect((error as Error).message).toMatch(/^target\.url is not a usable PostgreSQL URL/);
      let everything = `${String(error)} ${String((error as Error).stack)}`;
      for (let cause = (error as Error).cause; cause; cause = (cause as Error).cause) everything += ` ${String(cause)} ${JSON.stringify(cause)} ${String((cause as Error).stack)}`;
      expect(everything).not.toContain('hunter2secret');
    });
  }

  it('names the variable a host read the URL from', () => {
    expect(() => checkConnectionUrl('postgres://u:hunter2secret@h:x/db', 'TEST_DATABASE_URL')).toThrow(/^TEST_DATABASE_URL is not a usable PostgreSQL URL \(postgres:\/\/u:\*\*\*@h:x\/db\)/);
  });

  it('the test setup\'s probe of TEST_DATABASE_URL refuses a malformed one typed, naming it, the secret absent', async () => {
    const error = await probeConnection('postgres://u:hunter2secret@127.0.0.1:x/db', { label: 'TEST_DATABASE_URL' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaKitError);
    expect(error).toMatchObject({ code: 'configuration', message: expect.stringMatching(/^TEST_DATABASE_URL is not a usable PostgreSQL URL/) });
    expect(`${String(error)} ${String((error as Error).cause)} ${JSON.stringify((error as Error).cause)}`).not.toContain('hunter2secret');
  });

  it('refuses a connectTimeoutMs that is not a whole number of milliseconds', async () => {
    await expect(createTestDatabase({ target: { url: 'postgres://postgres@127.0.0.1/db' }, connectTimeoutMs: 0 })).rejects.toMatchObject({ code: 'configuration' });
  });
});
