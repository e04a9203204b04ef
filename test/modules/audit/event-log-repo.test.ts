import { CamelCasePlugin, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { EventLogRepo, SchemaKitValidationError, UserRepo, type Database, type StreamedEvent } from '../../../src/index.js';
import { useInstalledDatabase } from '../../helpers/installed.js';
import { itWithConnections } from '../../helpers/target.js';
import { hangGuard, waitFor } from '../../helpers/wait.js';

describe('EventLogRepo', () => {
  const database = useInstalledDatabase(['audit']);
  const events = () => new EventLogRepo(database().db);
  const count = async () => {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from schema_kit.event_log`.execute(database().db);
    return rows[0]!.n;
  };

  it('appends an event and returns the stored row', async () => {
    const when = new Date('2026-01-02T03:04:05.678Z');
    const row = await events().append({ user_id: 'tg:1', action: 'project.created', entity_type: 'project', entity_id: 7, details: { name: "O'Brien \"quoted\" ☃" }, timestamp: when });
    expect(row).toMatchObject({ user_id: 'tg:1', action: 'project.created', entity_type: 'project', entity_id: '7', details: { name: "O'Brien \"quoted\" ☃" }, timestamp: when });
    expect(row.id).toMatch(/^\d+$/);
    expect(row.tx_id).toMatch(/^\d+$/);
    const system = await events().append({ action: 'cron.ran', entity_type: 'job', entity_id: 'nightly' });
    expect(system).toMatchObject({ user_id: null, details: {} });
  });

  it('appends many in one statement, in input order', async () => {
    const list = Array.from({ length: 300 }, (_, i) => ({ user_id: i % 2 ? 'tg:odd' : null, action: 'bulk', entity_type: 'bulk', entity_id: `b${i}`, details: { i } }));
    const rows = await events().appendMany(list);
    expect(rows.map((r) => r.entity_id)).toEqual(list.map((e) => e.entity_id));
    expect(rows.map((r) => r.details)).toEqual(list.map((e) => e.details));
    expect(rows[1]!.user_id).toBe('tg:odd');
    expect(new Set(rows.map((r) => r.tx_id)).size).toBe(1);
    expect(await events().appendMany([])).toEqual([]);
  });

  it('pages by entity and by user with keyset cursors, stable under concurrent inserts', async () => {
    await events().appendMany(Array.from({ length: 25 }, (_, i) => ({ user_id: 'tg:pager', action: `a${i}`, entity_type: 'feature', entity_id: 'f1' })));
    const first = await events().listByEntity('feature', 'f1', { limit: 10 });
    expect(first.items.map((e) => e.action)).toEqual(Array.from({ length: 10 }, (_, i) => `a${24 - i}`));
    await events().append({ action: 'late', entity_type: 'feature', entity_id: 'f1' }); // newer: not in later pages
    const second = await events().listByEntity('feature', 'f1', { limit: 10, after: first.next! });
    const third = await events().listByEntity('feature', 'f1', { limit: 10, after: second.next! });
    expect([...second.items, ...third.items].map((e) => e.action)).toEqual(Array.from({ length: 15 }, (_, i) => `a${14 - i}`));
    expect(third.next).toBeNull();

    const asc = await events().listByUser('tg:pager', { limit: 20, order: 'asc' });
    expect(asc.items[0]!.action).toBe('a0');
    const rest = await events().listByUser('tg:pager', { limit: 20, order: 'asc', after: asc.next! });
    expect(rest.items.map((e) => e.action)).toEqual(['a20', 'a21', 'a22', 'a23', 'a24']);
    expect(rest.next).toBeNull();
  });

  // The feed only reads below the oldest transaction running anywhere on the server (xids are
  // cluster-wide), so while other test files hold transactions it lags: follow until caught up.
  async function readAll({ after, until }: { after?: string; until: number }): Promise<StreamedEvent[]> {
    const seen: StreamedEvent[] = [];
    const controller = new AbortController();
    const guard = hangGuard(controller, `the feed to reach ${until} events (it has ${seen.length})`);
    for await (const event of events().stream({ after, batchSize: 7, follow: true, pollIntervalMs: 20, signal: controller.signal })) {
      seen.push(event);
      if (seen.length >= until) controller.abort();
    }
    guard.done();
    return seen;
  }

  it('streams the global feed in batches and resumes from a position', async () => {
    const total = await count();
    const seen = await readAll({ until: total });
    expect(seen.length).toBe(total);
    const ids = seen.map((e) => BigInt(e.id));
    expect(new Set(ids).size).toBe(ids.length);
    const resumed = await readAll({ after: seen[9]!.position, until: total - 10 });
    expect(resumed.map((e) => e.id)).toEqual(seen.slice(10).map((e) => e.id));
  });

  itWithConnections('a second session holds its transaction open while this one reads')('never skips an event whose transaction commits late', async () => {
    const slow = new pg.Client({ connectionString: database().url });
    await slow.connect();
    // the follower reads through a Kysely of its own whose log counts its polls of the feed
    let polls = 0;
    const pool = new pg.Pool({ connectionString: database().url, max: 1 });
    const followerDb = new Kysely<Database>({
      dialect: new PostgresDialect({ pool }),
      log: (event) => {
        if (String(event.query.sql).includes('event_log')) polls += 1;
      },
    });
    const controller = new AbortController();
    try {
      await slow.query('begin');
      await slow.query(`insert into schema_kit.event_log (action, entity_type, entity_id) values ('slow', 'late', '1')`);
      const seen: string[] = [];
      const follower = (async () => {
        for await (const e of new EventLogRepo(followerDb).stream({ follow: true, pollIntervalMs: 20, signal: controller.signal })) {
          if (e.entity_type !== 'late') continue;
          seen.push(e.action);
          if (seen.includes('slow') && seen.includes('fast')) controller.abort();
        }
      })();
      await events().append({ action: 'fast', entity_type: 'late', entity_id: '2' }); // commits first, with a newer id
      // of the polls that end from now on, the first may have begun before 'fast' committed, the
      // second began after it (polls run one at a time), and its rows were all taken before the
      // third began: once three have ended, the follower has had 'fast' to read
      const committed = polls;
      await waitFor(() => polls >= committed + 3, "the follower to poll twice after 'fast' committed");
      expect(seen).toEqual([]); // 'fast' is held back while the older transaction is open
      await slow.query('commit');
      await follower;
      expect(seen).toEqual(['slow', 'fast']);
    } finally {
      controller.abort();
      await slow.end();
      await followerDb.destroy();
    }
  });

  it('runs in the host transaction and ignores host plugins', async () => {
    const camel = new EventLogRepo(database().db.withPlugin(new CamelCasePlugin()));
    const row = await camel.append({ action: 'camel', entity_type: 'tx', entity_id: 'c' });
    expect(row.entity_type).toBe('tx');
    const page = await camel.listByEntity('tx', 'c');
    expect(page.items.map((e) => e.action)).toEqual(['camel']);
    await expect(
      database().db.transaction().execute(async (trx) => {
        await new EventLogRepo(trx).append({ action: 'undone', entity_type: 'tx', entity_id: 'u' });
        throw new Error('host failed');
      }),
    ).rejects.toThrow('host failed');
    expect((await events().listByEntity('tx', 'u')).items).toEqual([]);
  });

  it('refuses bad input with a typed error naming the field, writing nothing', async () => {
    const before = await count();
    const ok = { action: 'a', entity_type: 't', entity_id: 'e' };
    const cases: [() => Promise<unknown>, string][] = [
      [() => events().append({ ...ok, action: '' }), 'event.action'],
      [() => events().append({ ...ok, action: 'x'.repeat(129) }), 'event.action'],
      [() => events().append({ ...ok, entity_id: 1.5 }), 'event.entity_id'],
      [() => events().append({ ...ok, user_id: 'a\u0000b' }), 'event.user_id'],
      [() => events().append({ ...ok, details: [] as unknown as Record<string, unknown> }), 'event.details'],
      [() => events().append({ ...ok, details: { deep: { s: 'x\u0000' } } }), 'event.details.deep.s'],
      [() => events().append({ ...ok, details: { f: () => 1 } as unknown as Record<string, unknown> }), 'event.details.f'],
      [() => events().append({ ...ok, extra: 1 } as never), 'event.extra'],
      [() => events().append({ ...ok, timestamp: new Date('nope') }), 'event.timestamp'],
      [() => events().appendMany([ok, { ...ok, entity_type: '' }]), 'events.1.entity_type'],
      [() => events().listByEntity('t', 'e', { limit: 0 }), 'options.limit'],
      [() => events().listByEntity('t', 'e', { after: 'abc' }), 'options.after'],
      [() => events().listByUser(''), 'userId'],
      [() => events().stream({ after: 'nope' }).next(), 'options.after'],
    ];
    for (const [call, field] of cases) {
      const error = await call().catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(SchemaKitValidationError);
      expect((error as SchemaKitValidationError).field, field).toBe(field);
    }
    expect(await count()).toBe(before);
  });

  it('refuses a batch too large in total, quickly, with a typed error and nothing written (issue 14, item 6)', async () => {
    const before = await count();
    const details = { blob: 'x'.repeat(900_000) };
    const batch = Array.from({ length: 700 }, (_, i) => ({ action: 'big', entity_type: 'blob', entity_id: String(i), details }));
    const error = await events().appendMany(batch).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaKitValidationError);
    expect((error as SchemaKitValidationError).field).toBe('events');
    expect((error as Error).message).toMatch(/at most 64000000 characters/);
    expect(await count()).toBe(before);
    // a batch under the total still goes through in one statement
    expect(await events().appendMany(batch.slice(0, 20))).toHaveLength(20);
  });
});


describe('joining event_log to users (the supported join: users.id cast to text)', () => {
  const database = useInstalledDatabase(['core', 'audit']);

  it('joins on eb.cast(users.id, text); the uncast join is refused by PostgreSQL (uuid = text)', async () => {
    const db = database().db.withSchema('schema_kit');
    const ada = await new UserRepo(database().db).create({ name: 'Ada' });
    await new EventLogRepo(database().db).append({ user_id: ada.id, action: 'order.created', entity_type: 'order', entity_id: '1' });
    await new EventLogRepo(database().db).append({ user_id: 'tg:42', action: 'order.created', entity_type: 'order', entity_id: '2' });
    const joined = await db
      .selectFrom('event_log as e')
      .innerJoin('users as u', (join) => join.on((eb) => eb(eb.cast<string>('u.id', 'text'), '=', eb.ref('e.user_id'))))
      .select(['u.name', 'e.entity_id'])
      .execute();
    expect(joined).toEqual([{ name: 'Ada', entity_id: '1' }]);
    await expect(db.selectFrom('event_log as e').innerJoin('users as u', 'u.id', 'e.user_id').select('u.name').execute()).rejects.toThrow(
      /operator does not exist: uuid = text/,
    );
  });
});
