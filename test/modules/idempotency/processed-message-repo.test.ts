import { CamelCasePlugin, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { EventLogRepo, ProcessedMessageRepo, SchemaKitValidationError } from '../../../src/index.js';
import { useInstalledDatabase } from '../../helpers/installed.js';

describe('ProcessedMessageRepo', () => {
  const database = useInstalledDatabase(['idempotency', 'audit']);
  const repo = (consumer?: string) => new ProcessedMessageRepo(database().db, consumer ? { consumer } : {});
  const count = async () => {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from schema_kit.processed_messages`.execute(database().db);
    return rows[0]!.n;
  };

  it('claims an id once per consumer', async () => {
    expect(await repo().claim('tg:update:1')).toBe(true);
    expect(await repo().claim('tg:update:1')).toBe(false);
    expect(await repo('billing').claim('tg:update:1')).toBe(true);
    expect(await repo().claim('tg:update:1', { consumer: 'billing' })).toBe(false);
    expect(await repo().isProcessed('tg:update:1')).toBe(true);
    expect(await repo().isProcessed('tg:update:2')).toBe(false);
  });

  it('gives exactly one true to 50 concurrent claims of one id', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => repo().claim('race:1')));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('claims many in one statement, returning the new ids in input order, each once', async () => {
    await repo().claim('many:2');
    expect(await repo().claimMany(['many:1', 'many:2', 'many:3', 'many:1'])).toEqual(['many:1', 'many:3']);
    expect(await repo().claimMany([])).toEqual([]);
  });

  it('processOnce: a throwing handler leaves the id unclaimed and a redelivery retries', async () => {
    const inbox = repo();
    const events = (trx: Parameters<Parameters<ProcessedMessageRepo['processOnce']>[1]>[0]) => new EventLogRepo(trx);
    await expect(
      inbox.processOnce('once:1', async (trx) => {
        await events(trx).append({ action: 'x', entity_type: 'order', entity_id: 'o1' });
        throw new Error('handler failed');
      }),
    ).rejects.toThrow('handler failed');
    expect(await inbox.isProcessed('once:1')).toBe(false);
    expect((await new EventLogRepo(database().db).listByEntity('order', 'o1')).items).toEqual([]);

    const first = await inbox.processOnce('once:1', async () => ({ orderId: 'o1' }), { keepResult: true });
    expect(first).toEqual({ processed: true, result: { orderId: 'o1' } });
    const duplicate = await inbox.processOnce('once:1', async () => {
      throw new Error('must not run for a duplicate');
    });
    expect(duplicate).toEqual({ processed: false, result: { orderId: 'o1' } });
  });

  it('processOnce joins the host transaction through a savepoint', async () => {
    const inbox = new ProcessedMessageRepo(database().db);
    await database().db.transaction().execute(async (trx) => {
      await new ProcessedMessageRepo(trx).claim('host:before');
      await expect(
        new ProcessedMessageRepo(trx).processOnce('host:inner', async () => {
          throw new Error('inner failed');
        }),
      ).rejects.toThrow('inner failed');
      await new ProcessedMessageRepo(trx).processOnce('host:after', async () => 1);
    });
    expect(await inbox.isProcessed('host:before')).toBe(true);
    expect(await inbox.isProcessed('host:inner')).toBe(false);
    expect(await inbox.isProcessed('host:after')).toBe(true);
  });

  it('prunes claims older than the cut-off in bounded batches', async () => {
    await sql`insert into schema_kit.processed_messages (consumer, message_id, processed_at)
      select 'prune', 'old:' || i, now() - interval '10 days' from generate_series(1, 2500) i`.execute(database().db);
    await repo('prune').claim('fresh:1');
    const cutoff = new Date(Date.now() - 86_400_000);
    expect(await repo().pruneOlderThan(cutoff, { batchSize: 1000, consumer: 'prune' })).toBe(2500);
    expect(await repo('prune').isProcessed('fresh:1')).toBe(true);
    expect(await repo().pruneOlderThan(cutoff)).toBe(0);
  });

  it('keeps exactly-once within the dedup window: only claims older than the window go, by the server clock', async () => {
    const inbox = repo('window');
    await sql`insert into schema_kit.processed_messages (consumer, message_id, processed_at) values
      ('window', 'w:inside', now() - interval '59 minutes'), ('window', 'w:outside', now() - interval '61 minutes')`.execute(database().db);
    expect(await inbox.pruneOutsideWindow(3_600_000, { consumer: 'window', batchSize: 1 })).toBe(1);
    // a redelivery inside the window is still a duplicate; one after it runs again
    expect(await inbox.claim('w:inside')).toBe(false);
    expect(await inbox.claim('w:outside')).toBe(true);
    expect(await inbox.pruneOutsideWindow(3_600_000, { consumer: 'window' })).toBe(0);
  });

  it('works whatever plugins the host Kysely carries', async () => {
    const camel = database().db.withPlugin(new CamelCasePlugin());
    const inbox = new ProcessedMessageRepo(camel);
    expect(await inbox.claim('camel:1')).toBe(true);
    expect(await inbox.processOnce('camel:2', async () => 'ok', { keepResult: true })).toEqual({ processed: true, result: 'ok' });
    expect(await inbox.processOnce('camel:2', async () => 'again')).toEqual({ processed: false, result: 'ok' });
  });

  it('refuses bad input with a typed error naming the field, writing nothing', async () => {
    const before = await count();
    const cases: [() => Promise<unknown>, string][] = [
      [() => repo().claim(''), 'messageId'],
      [() => repo().claim('x'.repeat(513)), 'messageId'],
      [() => repo().claim('nul\u0000byte'), 'messageId'],
      [() => repo().claim(42 as unknown as string), 'messageId'],
      [() => repo().claim(undefined as unknown as string), 'messageId'],
      [() => repo().claim('ok', { consumer: '' }), 'options.consumer'],
      [() => repo().claimMany(['fine', ''] as string[]), 'messageIds.1'],
      [() => repo().claimMany('nope' as unknown as string[]), 'messageIds'],
      [() => repo().processOnce('bad:result', async () => ({ when: new Date() }), { keepResult: true }), 'result.when'],
      [() => repo().processOnce('bad:result2', async () => ({ n: Number.NaN }), { keepResult: true }), 'result.n'],
      [() => repo().pruneOlderThan(new Date('garbage')), 'cutoff'],
      [() => repo().pruneOlderThan(new Date(), { batchSize: 0 }), 'options.batchSize'],
      [() => repo().pruneOutsideWindow(999), 'windowMs'],
      [() => repo().pruneOutsideWindow(Number.NaN), 'windowMs'],
      [() => repo().pruneOutsideWindow(60_000, { consumer: '' }), 'options.consumer'],
    ];
    for (const [call, field] of cases) {
      const error = await call().catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(SchemaKitValidationError);
      expect((error as SchemaKitValidationError).field).toBe(field);
    }
    expect(() => new ProcessedMessageRepo(database().db, { schema: 'bad-schema' })).toThrow(SchemaKitValidationError);
    expect(await count()).toBe(before);
  });
});
