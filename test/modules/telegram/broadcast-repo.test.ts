import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { SchemaKitConflictError, SchemaKitNotFoundError, SchemaKitValidationError } from '../../../src/index.js';
import { BroadcastRepo } from '../../../src/modules/telegram/index.js';
import { useInstalledDatabase } from '../../helpers/installed.js';
import { TEST_TARGET } from '../../helpers/target.js';
import { signal, waitFor } from '../../helpers/wait.js';

describe('BroadcastRepo', () => {
  const database = useInstalledDatabase(['telegram']);
  const broadcasts = () => new BroadcastRepo(database().db);
  const past = (minutes: number) => new Date(Date.now() - minutes * 60_000);
  const count = async () => (await sql<{ n: number }>`select count(*)::int as n from schema_kit.broadcasts`.execute(database().db)).rows[0]!.n;
  /** Claims everything that is due, so a test starts from an empty queue. */
  const drain = async () => {
    while ((await broadcasts().claimDue(1000)).length > 0);
  };

  it('drafts, schedules, claims, and records the send', async () => {
    await drain();
    const draft = await broadcasts().create({ title: 'Weekly', message_text: 'Hi!', target_audience: 'subscriber' });
    expect(draft).toMatchObject({ status: 'draft', scheduled_at: null, message_type: 'text', target_audience: 'subscriber' });
    expect(await broadcasts().claimDue(10)).toEqual([]);
    const scheduled = await broadcasts().schedule(draft.id, past(1));
    expect(scheduled.status).toBe('scheduled');
    const future = await broadcasts().create({ title: 'Later', message_text: 'Soon', scheduled_at: new Date(Date.now() + 3_600_000) });
    expect(future.status).toBe('scheduled');
    const [claimed, ...none] = await broadcasts().claimDue(10);
    expect(none).toEqual([]);
    expect(claimed).toMatchObject({ id: draft.id, status: 'sending' });
    await expect(broadcasts().schedule(draft.id, past(1))).rejects.toBeInstanceOf(SchemaKitConflictError);
    const sent = await broadcasts().markSent(draft.id, { recipients_count: 120, failed_count: 3 });
    expect(sent).toMatchObject({ status: 'sent', recipients_count: 120, failed_count: 3 });
    expect(sent.sent_at).toBeInstanceOf(Date);
    await expect(broadcasts().markSent(draft.id, { recipients_count: 1, failed_count: 0 })).rejects.toBeInstanceOf(SchemaKitConflictError);
    await expect(broadcasts().markFailed('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(SchemaKitNotFoundError);
  });

  it('claims the earliest due first, and a failed broadcast can be scheduled again', async () => {
    await drain();
    const late = await broadcasts().create({ title: 'b', message_text: 'b', scheduled_at: past(1) });
    const early = await broadcasts().create({ title: 'a', message_text: 'a', scheduled_at: past(10) });
    expect((await broadcasts().claimDue(1)).map((b) => b.id)).toEqual([early.id]);
    expect((await broadcasts().claimDue(5)).map((b) => b.id)).toEqual([late.id]);
    expect(await broadcasts().markFailed(early.id, { failed_count: 50 })).toMatchObject({ status: 'failed', failed_count: 50, recipients_count: 0 });
    expect((await broadcasts().schedule(early.id, past(0))).status).toBe('scheduled');
    expect((await broadcasts().claimDue(5)).map((b) => b.id)).toEqual([early.id]);
  });

  it('never gives two concurrent senders the same broadcast', async () => {
    await drain();
    const ids = [];
    for (let i = 0; i < 30; i += 1) ids.push((await broadcasts().create({ title: `c${i}`, message_text: 'x', scheduled_at: past(i) })).id);
    // two senders in open transactions at the same time: the second skips what the first locked.
    // The first holds its row locks until the second has claimed (signals, not sleeps)
    const firstClaimed = signal();
    const release = signal();
    const firstRun = database().db.transaction().execute(async (trx) => {
      const mine = await new BroadcastRepo(trx).claimDue(10);
      firstClaimed.resolve();
      await release.promise; // hold the row locks
      return mine;
    });
    await firstClaimed.promise;
    const secondRun = database().db.transaction().execute((trx) => new BroadcastRepo(trx).claimDue(10));
    // PGlite is one connection: its second transaction starts once the first ends
    if (TEST_TARGET === 'pglite') release.resolve();
    const second = await secondRun;
    release.resolve();
    const first = await firstRun;
    expect(first).toHaveLength(10);
    expect(second).toHaveLength(10);
    expect(new Set([...first, ...second].map((b) => b.id)).size).toBe(20);
    // and many senders on the pool, racing
    const rest = await Promise.all(Array.from({ length: 8 }, () => broadcasts().claimDue(2)));
    const all = [...first, ...second, ...rest.flat()].map((b) => b.id);
    expect(all).toHaveLength(30);
    expect(new Set(all)).toEqual(new Set(ids));
  });

  it('requeues a broadcast whose sender crashed once it is older than the cut-off, and it can be claimed again', async () => {
    await drain();
    // only this test's broadcasts are in flight
    await sql`update schema_kit.broadcasts set status = 'failed' where status = 'sending'`.execute(database().db);
    const stale = await broadcasts().create({ title: 'stale', message_text: 'x', scheduled_at: past(10) });
    const [crashed] = await broadcasts().claimDue(10); // its sender crashes: never marked sent or failed
    expect(crashed).toMatchObject({ id: stale.id, status: 'sending' });
    // the next claim must be stamped at least 2 ms later (the midpoint below is taken of the
    // stamps read back in whole ms): wait for the database clock, not a fixed sleep
    await waitFor(
      async () =>
        (await sql<{ moved: boolean }>`select clock_timestamp() > ${crashed!.updated_at}::timestamptz + interval '2 milliseconds' as moved`.execute(database().db)).rows[0]!.moved,
      'the database clock to move 2 ms past the claim',
    );
    const recent = await broadcasts().create({ title: 'recent', message_text: 'x', scheduled_at: past(5) });
    const [busy] = await broadcasts().claimDue(10); // its sender is still at work
    expect(busy).toMatchObject({ id: recent.id, status: 'sending' });

    // a cut-off in the past: both were claimed after it
    expect(await broadcasts().requeueStale(past(60))).toEqual([]);
    expect(await broadcasts().requeueStale(crashed!.updated_at)).toEqual([]);
    // a cut-off between the two claims: only the crashed one goes back
    const between = new Date((crashed!.updated_at.getTime() + busy!.updated_at.getTime()) / 2);
    const [requeued, ...none] = await broadcasts().requeueStale(between);
    expect(none).toEqual([]);
    expect(requeued).toMatchObject({ id: stale.id, status: 'scheduled', scheduled_at: stale.scheduled_at, sent_at: null });
    expect(requeued!.updated_at.getTime()).toBeGreaterThan(crashed!.updated_at.getTime());
    expect((await broadcasts().get(recent.id))!.status).toBe('sending');

    // claimable again, and its new claim is left alone by the same cut-off
    expect((await broadcasts().claimDue(10)).map((b) => b.id)).toEqual([stale.id]);
    expect(await broadcasts().requeueStale(between)).toEqual([]);
    await broadcasts().markSent(stale.id, { recipients_count: 1, failed_count: 0 });

    // a cut-off in the future takes every broadcast still sending, and nothing else
    expect((await broadcasts().requeueStale(new Date(Date.now() + 60_000))).map((b) => [b.id, b.status])).toEqual([[recent.id, 'scheduled']]);
    expect((await broadcasts().get(stale.id))!.status).toBe('sent');
    expect((await broadcasts().claimDue(10)).map((b) => b.id)).toEqual([recent.id]);
    await broadcasts().markFailed(recent.id);
  });

  it('requeues a broadcast set to sending without a scheduled_at, scheduling it now', async () => {
    await drain();
    const draft = await broadcasts().create({ title: 'odd', message_text: 'x' });
    await sql`update schema_kit.broadcasts set status = 'sending' where id = ${draft.id}`.execute(database().db);
    const requeued = await broadcasts().requeueStale(new Date(Date.now() + 60_000));
    const mine = requeued.find((b) => b.id === draft.id);
    expect(mine).toMatchObject({ status: 'scheduled' });
    expect(mine!.scheduled_at).toBeInstanceOf(Date);
    expect((await broadcasts().claimDue(1000)).map((b) => b.id)).toContain(draft.id);
  });

  it('refuses bad input with a typed error naming the field, writing nothing', async () => {
    const draft = await broadcasts().create({ title: 'ok', message_text: 'ok' });
    await broadcasts().create({ title: 'due', message_text: 'x', scheduled_at: past(1) });
    await drain(); // so a broadcast is sending, which requeueStale would move
    const rows = async () => (await sql`select id, status, scheduled_at, updated_at from schema_kit.broadcasts order by id`.execute(database().db)).rows;
    const snapshot = await rows();
    expect(snapshot.some((row) => (row as { status: string }).status === 'sending')).toBe(true);
    const before = await count();
    const cases: [() => Promise<unknown>, string][] = [
      [() => broadcasts().create({ title: '', message_text: 'x' }), 'broadcast.title'],
      [() => broadcasts().create({ title: 't', message_text: '' }), 'broadcast.message_text'],
      [() => broadcasts().create({ title: 't', message_text: 'x', message_type: 'audio' as never }), 'broadcast.message_type'],
      [() => broadcasts().create({ title: 't', message_text: 'x', target_audience: 'All Users' }), 'broadcast.target_audience'],
      [() => broadcasts().create({ title: 't', message_text: 'x', scheduled_at: 'tomorrow' as never }), 'broadcast.scheduled_at'],
      [() => broadcasts().create({ title: 't', message_text: 'x', status: 'sent' } as never), 'broadcast.status'],
      [() => broadcasts().schedule(draft.id, new Date('never')), 'at'],
      [() => broadcasts().claimDue(0), 'limit'],
      [() => broadcasts().claimDue(1001), 'limit'],
      [() => broadcasts().markSent(draft.id, { recipients_count: -1, failed_count: 0 }), 'counts.recipients_count'],
      [() => broadcasts().markSent(draft.id, { recipients_count: 1 } as never), 'counts.failed_count'],
      [() => broadcasts().markFailed('x'), 'id'],
      [() => broadcasts().requeueStale(new Date('never')), 'olderThan'],
      // a string PostgreSQL would read as a timestamp: refused before it gets there
      [() => broadcasts().requeueStale('2999-01-01' as never), 'olderThan'],
      [() => broadcasts().requeueStale(undefined as never), 'olderThan'],
    ];
    for (const [call, field] of cases) {
      const error = await call().catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(SchemaKitValidationError);
      expect((error as SchemaKitValidationError).field, field).toBe(field);
    }
    expect(await count()).toBe(before);
    expect(await rows()).toEqual(snapshot);
    expect((await broadcasts().get(draft.id))!.status).toBe('draft');
  });
});
