import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, inject, vi } from 'vitest';
import { SchemaKitConnectionError } from '../../src/errors.js';
import { probeConnection } from '../../src/connection/probe.js';
import { resolveDatabaseSource } from '../setup/database-source.js';

describe('test harness: TEST_DATABASE_URL that does not answer', () => {
  let silent: Server;
  let silentPort = 0;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    // accepts connections and never answers: only a timeout can end an attempt on it
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((listening) => silent.listen(0, '127.0.0.1', listening));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    sockets.forEach((s) => s.destroy());
    await new Promise((closed) => silent.close(closed));
  });

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
    const before = sockets.size;
    const error = await resolveDatabaseSource({ TEST_DATABASE_URL: `postgres://me:pw@127.0.0.1:${silentPort}/db` }, inject('runDir')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaKitConnectionError);
    expect((error as Error).message).toMatch(new RegExp(`^TEST_DATABASE_URL: cannot connect to PostgreSQL at me@127\\.0\\.0\\.1:${silentPort}/db: .*timeout`));
    expect((error as Error).message).not.toContain(':pw@');
    expect(sockets.size).toBeGreaterThan(before); // it did connect, and the silent server let it wait
  });

  it('probeConnection ends the wait on a silent server at its timeoutMs (on a fake clock)', async () => {
    const reached = new Promise<void>((resolve) => silent.once('connection', () => resolve()));
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const attempt = probeConnection(`postgres://me:pw@127.0.0.1:${silentPort}/db`, { timeoutMs: 1234 }).catch((e: unknown) => e);
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
