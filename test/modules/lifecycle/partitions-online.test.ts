import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createPartitions, dropPartitionsBefore, EventLogRepo, forgetUser, migrateToLatest, ProjectRepo, RoleChangeLogRepo, SchemaKitError } from '../../../src/index.js';
import { useInstalledDatabase } from '../../helpers/installed.js';
import { HANG_LIMIT_MS, hangGuard, signal, waitFor } from '../../helpers/wait.js';

/**
 * Partition maintenance under live traffic (docs/lifecycle.md, "Creating partitions under live
 * traffic"). Every race is made to happen: a second connection holds a lock, and the test waits
 * until pg_locks shows the other side waiting for it, instead of hoping for timing.
 */

/** The first instant of the UTC month `offset` months from now. */
function monthStart(offset: number): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
}

const monthSuffix = (at: Date) => `${at.getUTCFullYear()}${String(at.getUTCMonth() + 1).padStart(2, '0')}`;

describe('partition maintenance under live traffic', () => {
  const modules = ['core', 'roles', 'audit', 'planning'] as const;
  const database = useInstalledDatabase(modules, { as: 'owner' });
  const pool = () => database().pool;
  let schemas = 0;

  /**
   * A schema of its own whose logs have no partition for the current month yet, so every append
   * (stamped now()) goes to a DEFAULT partition, holding `seeded` events of `user_id` `seed-user`
   * in event_log's.
   */
  async function currentMonthInDefault(seeded: number): Promise<string> {
    const schema = `online_${++schemas}`;
    const { error } = await migrateToLatest(database().db, { schema, modules: [...modules] });
    expect(error).toBeUndefined();
    await pool().query(`drop table ${schema}.event_log_p${monthSuffix(monthStart(0))}, ${schema}.user_role_change_log_p${monthSuffix(monthStart(0))}`);
    await pool().query(
      `insert into ${schema}.event_log (user_id, action, entity_type, entity_id, details)
       select 'seed-user', 'seed', 'thing', n::text, jsonb_build_object('n', n) from generate_series(1, $1) n`, [seeded]);
    return schema;
  }

  /** Every event of the schema: its columns, and where it lives. */
  async function allEvents(schema: string): Promise<Record<string, unknown>[]> {
    const { rows } = await pool().query(`select tableoid::regclass::text as at, * from ${schema}.event_log order by id`);
    return rows;
  }

  /** How many lock requests on `table` in `mode` wait (not granted). */
  async function waiting(table: string, mode: string): Promise<number> {
    const { rows } = await pool().query<{ n: number }>(
      `select count(*)::int as n from pg_locks where relation = $1::regclass and mode = $2 and not granted`, [table, mode]);
    return rows[0]!.n;
  }

  /** A connection that inserts one event into the DEFAULT partition and keeps its transaction open:
   * it holds ROW EXCLUSIVE on the DEFAULT partition, so partition creation cannot take its lock. */
  async function openWriter(schema: string): Promise<{ client: pg.PoolClient; id: string }> {
    const client = await pool().connect();
    await client.query('begin');
    const { rows } = await client.query<{ id: string }>(
      `insert into ${schema}.event_log (user_id, action, entity_type, entity_id) values ('seed-user', 'open', 'thing', 'open') returning id`);
    return { client, id: rows[0]!.id };
  }

  it('writes to the logs that met the attach are retried: none fails, none is lost, every column kept', async () => {
    const schema = await currentMonthInDefault(500);
    const { rows: users } = await pool().query<{ id: string }>(`insert into ${schema}.users (role) values ('public') returning id`);
    const before = await allEvents(schema);
    const events = new EventLogRepo(database().db, { schema });
    const roles = new RoleChangeLogRepo(database().db, { schema });
    const appends: Promise<unknown>[] = [];
    let bare: Promise<unknown> | undefined;
    let hosted: Promise<unknown> | undefined;
    const creator = await pool().connect();
    try {
      // the creation, done but not committed: it holds the DEFAULT partition ACCESS EXCLUSIVE
      await creator.query('begin');
      const { rows: created } = await creator.query(
        `select ${schema}.create_partitions('event_log', 0) as name union all select ${schema}.create_partitions('user_role_change_log', 0)`);
      expect(created.map((row) => row.name)).toEqual(['event_log', 'user_role_change_log'].map((log) => `${log}_p${monthSuffix(monthStart(0))}`));
      // ATTACH holds the parent SHARE UPDATE EXCLUSIVE only: rows for another month's partition go on
      await pool().query(`insert into ${schema}.event_log (action, entity_type, entity_id, created_at) values ('next', 'thing', 'n', $1)`, [monthStart(1)]);
      const { rows: parentLock } = await pool().query(
        `select mode from pg_locks where relation = $1::regclass and pid = $2`, [`${schema}.event_log`, (creator as unknown as { processID: number }).processID]);
      expect(parentLock.map((lock) => lock.mode)).toContain('ShareUpdateExclusiveLock');
      expect(parentLock.map((lock) => lock.mode)).not.toContain('AccessExclusiveLock');
      for (let i = 0; i < 8; i++) appends.push(events.append({ action: 'live', entity_type: 'thing', entity_id: `a${i}` }));
      // every other write of the library to a log: alone, and in a transaction of its own
      const others = Promise.all([
        events.appendMany([{ action: 'many', entity_type: 'thing', entity_id: 'm' }]),
        roles.record({ user_id: '11111111-1111-4111-8111-111111111111', new_role: 'admin', changed_by: 'tg:1', change_source: 'api' }),
        roles.changeRole({ user_id: users[0]!.id, new_role: 'admin', changed_by: 'tg:1', change_source: 'admin' }),
        new ProjectRepo(database().db, { schema }).create({ name: 'Raced' }, { actor: 'tg:1' }),
      ]);
      appends.push(others);
      // the same race without schema-kit's retry: a bare INSERT, and an append in the host's transaction
      bare = pool().query(`insert into ${schema}.event_log (action, entity_type, entity_id) values ('bare', 'thing', 'b')`).catch((e: unknown) => e);
      hosted = database()
        .db.transaction()
        .execute((host) => new EventLogRepo(host, { schema }).append({ action: 'hosted', entity_type: 'thing', entity_id: 'h' }))
        .catch((e: unknown) => e);
      // each routed its row to the DEFAULT partition and waits for it
      await waitFor(
        async () => (await waiting(`${schema}.event_log_default`, 'RowExclusiveLock')) === 12 && (await waiting(`${schema}.user_role_change_log_default`, 'RowExclusiveLock')) === 2,
        'the writes to queue on the DEFAULT partitions',
      );
      await creator.query('commit');
    } finally {
      await creator.query('rollback').catch(() => undefined);
      creator.release();
    }
    const appended = (await Promise.all(appends)).slice(0, 8);
    // the race was real: PostgreSQL refused the rows the attach moved out of the DEFAULT partition's bounds
    expect(await bare).toMatchObject({ code: '23514', table: 'event_log_default', constraint: undefined });
    const typed = (await hosted) as SchemaKitError;
    expect(typed).toBeInstanceOf(SchemaKitError);
    expect(typed).toMatchObject({ code: 'contention', retryable: true });
    expect(typed.cause).toMatchObject({ code: '23514' });

    const after = await allEvents(schema);
    const partition = `${schema}.event_log_p${monthSuffix(monthStart(0))}`;
    expect(after.filter((row) => row.action !== 'next').every((row) => row.at === partition)).toBe(true);
    // the moved rows kept every column (id, tx_id, times), and the retried appends are there once each
    expect(after.slice(0, before.length)).toEqual(before.map((row) => ({ ...row, at: partition })));
    expect(after.slice(before.length).filter((row) => row.action === 'live').map((row) => row.id).sort()).toEqual(appended.map((row) => (row as { id: string }).id).sort());
    // the others once each: the event of appendMany, the project's event, the two role changes
    expect(after.filter((row) => !['seed', 'live', 'next'].includes(row.action as string)).map((row) => row.action).sort()).toEqual(['many', 'project.created']);
    const { rows: changes } = await pool().query(`select tableoid::regclass::text as at, new_role from ${schema}.user_role_change_log`);
    expect(changes).toEqual([0, 1].map(() => ({ at: `${schema}.user_role_change_log_p${monthSuffix(monthStart(0))}`, new_role: 'admin' })));
    const { rows: projects } = await pool().query(`select count(*)::int as n from ${schema}.projects where name = 'Raced'`);
    expect(projects[0].n).toBe(1);
  });

  it('moves the rows under row locks only: appends go on while the creation waits for an open writer', async () => {
    const schema = await currentMonthInDefault(2000);
    const before = await allEvents(schema);
    const writer = await openWriter(schema);
    let created: string[] | undefined;
    const creation = createPartitions(database().db, { schema, ahead: 0 }).then((names) => (created = names));
    try {
      // the months' rows are moved; the creation now tries, again and again, to lock the DEFAULT partition
      await waitFor(async () => (await waiting(`${schema}.event_log_default`, 'AccessExclusiveLock')) > 0, 'the creation to try to lock DEFAULT');
      const events = new EventLogRepo(database().db, { schema });
      const appended = await Promise.all(Array.from({ length: 20 }, (_, i) => events.append({ action: 'live', entity_type: 'thing', entity_id: `l${i}` })));
      // into the DEFAULT partition, while the creation is still under way
      expect(created).toBeUndefined();
      await writer.client.query('commit');
      expect(await creation).toEqual(['event_log', 'user_role_change_log'].map((log) => `${log}_p${monthSuffix(monthStart(0))}`));
      const after = await allEvents(schema);
      const partition = `${schema}.event_log_p${monthSuffix(monthStart(0))}`;
      // the open writer's row and the appends arrived after the first move: moved under the lock
      expect(after.map((row) => row.id)).toEqual([...before.map((row) => row.id), writer.id, ...appended.map((row) => row.id)].sort((a, b) => Number(a) - Number(b)));
      expect(after.every((row) => row.at === partition)).toBe(true);
      expect(after.slice(0, before.length)).toEqual(before.map((row) => ({ ...row, at: partition })));
    } finally {
      await writer.client.query('rollback').catch(() => undefined);
      writer.client.release();
      await creation.catch(() => undefined);
    }
  });

  it('a following stream sees every event exactly once across the move', async () => {
    const schema = await currentMonthInDefault(300);
    const seeded = (await allEvents(schema)).map((row) => row.id as string);
    const events = new EventLogRepo(database().db, { schema });
    const controller = new AbortController();
    const guard = hangGuard(controller, 'the stream');
    const seen: string[] = [];
    const halfway = signal();
    const resume = signal();
    const reader = (async () => {
      for await (const event of events.stream({ follow: true, batchSize: 20, pollIntervalMs: 10, signal: controller.signal })) {
        seen.push(event.id);
        if (seen.length === 100) {
          halfway.resolve();
          await resume.promise; // read on only once the creation is half done
        }
      }
    })();
    await halfway.promise;
    const writer = await openWriter(schema);
    const creation = createPartitions(database().db, { schema, ahead: 0 });
    let marker: string | undefined;
    try {
      await waitFor(async () => (await waiting(`${schema}.event_log_default`, 'AccessExclusiveLock')) > 0, 'the creation to try to lock DEFAULT');
      // the rows are deleted from DEFAULT and copied into the month's table, not yet committed:
      // the stream reads the rest of the old rows from DEFAULT meanwhile
      resume.resolve();
      await waitFor(() => seen.length >= seeded.length, 'the stream to read the seeded events');
      await writer.client.query('commit');
      await creation;
      marker = (await events.append({ action: 'marker', entity_type: 'thing', entity_id: 'm' })).id;
      await waitFor(() => seen.includes(marker!), 'the stream to reach the marker');
    } finally {
      controller.abort();
      await writer.client.query('rollback').catch(() => undefined);
      writer.client.release();
      await creation.catch(() => undefined);
      await reader;
      guard.done();
    }
    expect(seen).toEqual([...seeded, writer.id, marker]);
  }, 2 * HANG_LIMIT_MS);

  it('forgetUser waits for a move under way and then reaches every moved row', async () => {
    const schema = await currentMonthInDefault(1000);
    const writer = await openWriter(schema); // one more of the user's events, still uncommitted
    const creation = createPartitions(database().db, { schema, ahead: 0 });
    let erasure: ReturnType<typeof forgetUser> | undefined;
    try {
      await waitFor(async () => (await waiting(`${schema}.event_log_default`, 'AccessExclusiveLock')) > 0, 'the creation to try to lock DEFAULT');
      erasure = forgetUser(database().db, { schema, identifiers: ['seed-user'] });
      // its first step commits; then it waits for the move's transaction (and takes the partition
      // maintenance lock of event_log before erasing, should another move start)
      await waitFor(async () => (await pool().query(`select 1 from ${schema}.erased_identifiers`)).rows.length > 0, 'the erasure to remember the user');
      expect((await pool().query(`select 1 from ${schema}.lifecycle_log where action = 'user.erased'`)).rows).toEqual([]);
      await writer.client.query('commit');
      await creation;
      const { rows } = await erasure;
      expect(rows.event_log).toBe(1001);
    } finally {
      await writer.client.query('rollback').catch(() => undefined);
      writer.client.release();
      await creation.catch(() => undefined);
      await erasure?.catch(() => undefined);
    }
    const { rows: left } = await pool().query(`select count(*)::int as n from ${schema}.event_log where user_id = 'seed-user'`);
    expect(left[0].n).toBe(0);
  });

  it('retention waits for a long reader without stalling appends behind its queued lock', async () => {
    const schema = await currentMonthInDefault(0);
    await createPartitions(database().db, { schema, ahead: 0 }); // appends go to the month's partition again
    await pool().query(`select ${schema}.lifecycle_create_partitions('${schema}.event_log', array[$1::timestamptz])`, [monthStart(-6)]);
    const reader = await pool().connect();
    await reader.query('begin');
    await reader.query(`select count(*) from ${schema}.event_log`); // holds ACCESS SHARE on the parent until it ends
    let dropped: string[] | undefined;
    const retention = dropPartitionsBefore(database().db, { schema, table: 'event_log', before: monthStart(-5) }).then((names) => (dropped = names));
    try {
      await waitFor(async () => (await waiting(`${schema}.event_log`, 'AccessExclusiveLock')) > 0, 'the retention to try to lock the parent');
      const events = new EventLogRepo(database().db, { schema });
      // each try gives up after 100 ms and lets the appends through
      await Promise.all(Array.from({ length: 10 }, (_, i) => events.append({ action: 'live', entity_type: 'thing', entity_id: `r${i}` })));
      expect(dropped).toBeUndefined();
      await reader.query('commit');
      expect(await retention).toEqual([`${schema}.event_log_p${monthSuffix(monthStart(-6))}`]);
    } finally {
      await reader.query('rollback').catch(() => undefined);
      reader.release();
      await retention.catch(() => undefined);
    }
  });
});
