import { afterEach, describe, expect, it, vi } from 'vitest';
import { CONNECT_TIMEOUT_MS, openTarget } from '../../src/cli/connect.js';
import { SchemaKitConnectionError } from '../../src/errors.js';
import { useSilentServer } from '../helpers/silent-server.js';

/**
 * The CLI's promise "connection within 5 s, authentication included" (README, exit code 1), checked
 * on a fake clock: against a server that accepts and never answers, the attempt is still pending
 * one millisecond before CONNECT_TIMEOUT_MS and has failed, with the typed error saying why, at it.
 * No real time is measured, so a slow machine cannot fail it.
 */
describe('schema-kit CLI connect timeout', () => {
  const silent = useSilentServer();

  afterEach(() => {
    vi.useRealTimers();
  });
  it('is the 5 s the README promises', () => {
    expect(CONNECT_TIMEOUT_MS).toBe(5000);
  });

  it('gives up on a silent server exactly at CONNECT_TIMEOUT_MS, with a typed one-line error', async () => {
    const reached = silent.nextConnection();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const url = `postgres://postgres:hunter2@127.0.0.1:${silent.port}/x`;
    let outcome: unknown;
    const attempt = openTarget(url, process.cwd()).then(
      () => (outcome = 'connected'),
      (error: unknown) => (outcome = error),
    );
    // the attempt really reached the server, which will never answer (an I/O event: no clock involved)
    await reached;

    await vi.advanceTimersByTimeAsync(CONNECT_TIMEOUT_MS - 1);
    expect(outcome).toBeUndefined(); // still waiting
    await vi.advanceTimersByTimeAsync(1);
    await attempt;
    expect(outcome).toBeInstanceOf(SchemaKitConnectionError);
    const message = (outcome as Error).message;
    expect(message).toBe(`cannot connect to PostgreSQL at postgres@127.0.0.1:${silent.port}/x: no answer within ${CONNECT_TIMEOUT_MS / 1000} s (connecting and authenticating)`);
    expect(message).not.toContain('hunter2');
  });
});

