import { describe, expect, it, inject, vi } from 'vitest';
import { SchemaKitConnectionError } from '../../src/errors.js';
import { probeConnection } from '../../src/connection/probe.js';
import { resolveDatabaseSource } from '../setup/database-source.js';
import { useSilentServer } from '../helpers/silent-server.js';

describe('test harness: TEST_DATABASE_URL that does not answer', () => {
  // accepts connections and never answers: only a timeout can end an attempt on it
  const silent = useSilentServer();

  it('fails fast with one line naming the host, never the password', async () => {
    const error = await resolveDatabaseSource({ TEST_DATABASE_URL: 'postgres://me:hunter2secret@127.0.0.1:1/db' }, inject('runDir')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaKitConnectionError);
    const message = (error as Error).message;
    // fast: on the refusal itself, not after waiting out a timeout (how fast depends on the machine)
    expect(message).toMatch(/^TEST_DATABASE_URL: cannot connect to PostgreSQL at me@127\.0\.0\.1:1\/db: connect ECONNREFUSED 127\.0\.0\.1:1$/);
    expect(message).not.toContain('hunter2secret');
    expect(message).not.toContain('\n');
  });

  it('gives up on a server that never answers instead of hanging', async () => {
    const before = silent.connections;
    const error = await resolveDatabaseSource({ TEST_DATABASE_URL: `postgres://me:pw@127.0.0.1:${silent.port}/db` }, inject('runDir')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaKitConnectionError);
    expect((error as Error).message).toMatch(new RegExp(`^TEST_DATABASE_URL: cannot connect to PostgreSQL at me@127\\.0\\.0\\.1:${silent.port}/db: .*timeout`));
    expect((error as Error).message).not.toContain(':pw@');
    expect(silent.connections).toBeGreaterThan(before); // it did connect, and the silent server let it wait
  });

  it('probeConnection ends the wait on a silent server at its timeoutMs (on a fake clock)', async () => {
    const reached = silent.nextConnection();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const attempt = probeConnection(`postgres://me:pw@127.0.0.1:${silent.port}/db`, { timeoutMs: 1234 }).catch((e: unknown) => e);
      await reached; // an I/O event: the attempt is waiting on the silent server
      // 1234 ms of fake time end it: were the option ignored (5000 ms by default), nothing would
      // and the test would fail on its own timeout
      await vi.advanceTimersByTimeAsync(1234);
      const error = await attempt;
      expect(error).toBeInstanceOf(SchemaKitConnectionError);
      expect((error as Error).message).toMatch(/cannot connect to PostgreSQL at me@127\.0\.0\.1:\d+\/db: .*timeout/);
    } finally {
      vi.useRealTimers();
    }
  });
});
