import { describe, expect, it, inject } from 'vitest';
import { SchemaKitConnectionError } from '../../src/errors.js';
import { resolveDatabaseSource } from '../setup/database-source.js';

describe('test harness: TEST_DATABASE_URL that does not answer', () => {
  it('fails fast with one line naming the host, never the password', async () => {
    const started = Date.now();
    const error = await resolveDatabaseSource({ TEST_DATABASE_URL: 'postgres://me:hunter2secret@127.0.0.1:1/db' }, inject('runDir')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaKitConnectionError);
    const message = (error as Error).message;
    expect(message).toMatch(/^TEST_DATABASE_URL: cannot connect to PostgreSQL at me@127\.0\.0\.1:1\/db: /);
    expect(message).not.toContain('hunter2secret');
    expect(message).not.toContain('\n');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('gives up on a host that never answers instead of hanging', async () => {
    // 10.255.255.1 is not routed here: the connection attempt can only time out
    const error = await resolveDatabaseSource({ TEST_DATABASE_URL: 'postgres://me:pw@10.255.255.1:5432/db' }, inject('runDir')).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/cannot connect to PostgreSQL at me@10\.255\.255\.1:5432\/db/);
    expect((error as Error).message).not.toContain(':pw@');
  });
});
