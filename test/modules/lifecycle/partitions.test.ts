import { describe, expect, it } from 'vitest';
import { createPartitions, dropPartitionsBefore, EventLogRepo, RoleChangeLogRepo, SchemaKitError, SchemaKitValidationError } from '../../../src/index.js';
import { createUser, useInstalledDatabase } from '../../helpers/installed.js';
import { HANG_LIMIT_MS, waitFor } from '../../helpers/wait.js';

/** The first instant of the UTC month `offset` months from now. */
function monthStart(offset: number): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
}

const partitionName = (table: string, at: Date) => `${table}_p${at.getUTCFullYear()}${String(at.getUTCMonth() + 1).padStart(2, '0')}`;

describe('time partitions of the logs', () => {
  const database = useInstalledDatabase(['core', 'roles', 'audit']);
  const owner = () => database().owner;

  async function partitionsOf(table: string): Promise<string[]> {
    const { rows } = await owner().pool.query<{ name: string }>(
      `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
       where i.inhparent = $1::regclass order by 1`, [`schema_kit.${table}`]);
    return rows.map((r) => r.name);
  }

  async function whereIs(table: string, id: string): Promise<string> {
    const { rows } = await owner().pool.query(`select tableoid::regclass::text as at from schema_kit.${table} where id = $1`, [id]);
    return rows[0].at;
  }

  /** An old month's partition, as a conversion of old data or an earlier server would have made. */
  async function createPastPartition(table: string, offset: number): Promise<void> {
    await owner().pool.query(`select schema_kit.lifecycle_create_partitions($1::regclass, array[$2::timestamptz])`, [`schema_kit.${table}`, monthStart(offset)]);
  }

  it('installs both logs partitioned by month, a DEFAULT partition and three months ahead', async () => {
    for (const table of ['event_log', 'user_role_change_log']) {
      const expected = [0, 1, 2, 3].map((m) => partitionName(table, monthStart(m)));
      expect(await partitionsOf(table)).toEqual([...expected, `${table}_default`].sort());
    }
  });

  it('never fails an insert: across a month boundary, far in the future, or on a clock ahead', async () => {
    const events = new EventLogRepo(database().db);
    const boundary = monthStart(1);
    const times = [new Date(boundary.getTime() - 1), boundary, new Date(boundary.getTime() + 1), new Date('2299-12-31T23:59:59Z'), new Date('1999-01-01T00:00:00Z')];
    // the runtime role writes the rows; created_at is what a server whose clock is off would stamp
    const { rows } = await database().pool.query<{ id: string; created_at: Date }>(
      `insert into schema_kit.event_log (action, entity_type, entity_id, created_at)
       select 'clock.test', 'clock', n::text, t from unnest($1::timestamptz[]) with ordinality as x(t, n) returning id, created_at`, [times]);
    expect(rows).toHaveLength(times.length);
    expect(await whereIs('event_log', rows[0]!.id)).toBe(`schema_kit.${partitionName('event_log', monthStart(0))}`);
    expect(await whereIs('event_log', rows[1]!.id)).toBe(`schema_kit.${partitionName('event_log', monthStart(1))}`);
    expect(await whereIs('event_log', rows[3]!.id)).toBe('schema_kit.event_log_default');
    expect(await whereIs('event_log', rows[4]!.id)).toBe('schema_kit.event_log_default');
    // and through the repositories, as ever
    const appended = await events.appendMany(times.map((t) => ({ action: 'repo.test', entity_type: 'clock', entity_id: 'r', timestamp: t })));
    expect(appended).toHaveLength(times.length);
    const user = await createUser(owner());
    await new RoleChangeLogRepo(database().db).record({ user_id: user, new_role: 'admin', changed_by: 'test', change_source: 'system' });
  });

  it('moves rows that landed in the DEFAULT partition into their month when its partition is created, keeping every column', async () => {
    const far = new Date(monthStart(7).getTime() + 3_600_000);
    const { rows: before } = await owner().pool.query(
      `insert into schema_kit.event_log (action, entity_type, entity_id, created_at) values ('ahead', 'clock', 'a', $1), ('ahead', 'clock', 'b', $1)
       returning *`, [far]);
    expect(await whereIs('event_log', before[0].id)).toBe('schema_kit.event_log_default');

    const created = await createPartitions(database().db, { ahead: 8 }); // the runtime role may keep partitions ahead
    expect(created).toEqual(expect.arrayContaining([partitionName('event_log', monthStart(7)), partitionName('user_role_change_log', monthStart(8))]));
    const { rows: after } = await owner().pool.query(`select * from schema_kit.event_log where id = any($1) order by id`, [before.map((r) => r.id)]);
    expect(after).toEqual(before);
    expect(await whereIs('event_log', before[0].id)).toBe(`schema_kit.${partitionName('event_log', monthStart(7))}`);
    // nothing else may delete from the DEFAULT partition, nor change a row
    await expect(owner().pool.query(`delete from schema_kit.event_log_default`)).rejects.toThrow(/append-only/);
    await expect(owner().pool.query(`update schema_kit.event_log set action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(owner().pool.query(`truncate schema_kit.${partitionName('event_log', monthStart(7))}`)).rejects.toThrow(/append-only/);
    expect(await createPartitions(database().db, { ahead: 8 })).toEqual([]);
  });

  it('creates each partition once when many replicas run it at the same time', async () => {
    const runs = await Promise.all(Array.from({ length: 8 }, () => createPartitions(database().db, { ahead: 12 })));
    const created = runs.flat();
    expect(new Set(created).size).toBe(created.length);
    expect(created).toEqual(expect.arrayContaining([partitionName('event_log', monthStart(12)), partitionName('user_role_change_log', monthStart(12))]));
    expect(runs.filter((r) => r.length > 0).length).toBeGreaterThanOrEqual(1);
  });

  it('keeps keyset pages whole across partitions', async () => {
    const events = new EventLogRepo(database().db);
    const written = [];
    for (const offset of [0, 1, 2, 9]) {
      const { rows } = await database().pool.query<{ id: string }>(
        `insert into schema_kit.event_log (user_id, action, entity_type, entity_id, created_at)
         select 'pager', 'page', 'p', n::text, $1 from generate_series(1, 7) n returning id`, [new Date(monthStart(offset).getTime() + 1000)]);
      written.push(...rows.map((r) => r.id));
    }
    for (const order of ['asc', 'desc'] as const) {
      const seen: string[] = [];
      let after: string | undefined;
      do {
        const page = await events.listByUser('pager', { limit: 5, order, ...(after ? { after } : {}) });
        seen.push(...page.items.map((e) => e.id));
        after = page.next ?? undefined;
      } while (after);
      const sorted = [...written].sort((a, b) => Number(a) - Number(b));
      expect(seen).toEqual(order === 'asc' ? sorted : sorted.reverse());
    }
  });

  it('retention drops exactly the partitions that end before the cut-off, records it, and only the owner may', async () => {
    await createPastPartition('event_log', -3);
    await createPastPartition('event_log', -2);
    await createPastPartition('user_role_change_log', -2);
    await owner().pool.query(
      `insert into schema_kit.event_log (action, entity_type, entity_id, created_at) values ('old', 'o', '1', $1), ('old', 'o', '2', $2)`,
      [monthStart(-3), monthStart(-2)]);
    const total = async () => Number((await owner().pool.query('select count(*) from schema_kit.event_log')).rows[0].count);
    const rowsBefore = await total();

    const refused = await dropPartitionsBefore(database().db, { table: 'event_log', before: monthStart(-1) }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SchemaKitError);
    expect((refused as SchemaKitError).code).toBe('permission_denied');
    expect(await partitionsOf('event_log')).toContain(partitionName('event_log', monthStart(-3)));
    await expect(database().pool.query(`drop table schema_kit.${partitionName('event_log', monthStart(-3))}`)).rejects.toThrow(/must be owner/);

    // a cut-off inside a month keeps that month's partition whole
    const dropped = await dropPartitionsBefore(owner().db, { table: 'event_log', before: new Date(monthStart(-2).getTime() + 86_400_000) });
    expect(dropped).toEqual([`schema_kit.${partitionName('event_log', monthStart(-3))}`]);
    expect(await total()).toBe(rowsBefore - 1);
    expect(await partitionsOf('event_log')).toContain(partitionName('event_log', monthStart(-2)));
    expect(await partitionsOf('user_role_change_log')).toContain(partitionName('user_role_change_log', monthStart(-2)));

    const detached = await dropPartitionsBefore(owner().db, { table: 'event_log', before: monthStart(-1), detach: true });
    expect(detached).toEqual([`schema_kit.${partitionName('event_log', monthStart(-2))}`]);
    const archive = (await owner().pool.query(`select count(*) from schema_kit.${partitionName('event_log', monthStart(-2))}_detached`)).rows[0];
    expect(Number(archive.count)).toBe(1);
    expect(await total()).toBe(rowsBefore - 2);

    const { rows: log } = await owner().pool.query(`select action, target, details from schema_kit.lifecycle_log order by id`);
    expect(log.map((r) => [r.action, r.target, r.details.table])).toEqual([
      ['partition.dropped', `schema_kit.${partitionName('event_log', monthStart(-3))}`, 'event_log'],
      ['partition.detached', `schema_kit.${partitionName('event_log', monthStart(-2))}`, 'event_log'],
    ]);
    expect(log[0].details.from).toBe(monthStart(-3).toISOString().replace('.000Z', '+00:00'));
    // the runtime role reads the record and cannot write it
    await expect(database().pool.query(`delete from schema_kit.lifecycle_log`)).rejects.toThrow(/permission denied/);
  });

  it('refuses bad retention and creation options before any SQL', async () => {
    const cases: [() => Promise<unknown>, string][] = [
      [() => dropPartitionsBefore(owner().db, { table: 'users' as never, before: new Date() }), 'options.table'],
      [() => dropPartitionsBefore(owner().db, { table: 'event_log', before: new Date('nope') }), 'options.before'],
      [() => dropPartitionsBefore(owner().db, { table: 'event_log', before: new Date(), detach: 'yes' as never }), 'options.detach'],
      [() => createPartitions(owner().db, { ahead: -1 }), 'options.ahead'],
      [() => createPartitions(owner().db, { ahead: 121 }), 'options.ahead'],
      [() => createPartitions(owner().db, { schema: 'bad-name' }), 'options.schema'],
    ];
    for (const [call, field] of cases) {
      const error = await call().catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(SchemaKitValidationError);
      expect((error as SchemaKitValidationError).field).toBe(field);
    }
  });

  it('streams every event exactly once across partitions while partitions are created and dropped', async () => {
    const events = new EventLogRepo(database().db);
    const { rows: start } = await owner().pool.query(`select max(tx_id)::text as tx, max(id)::text as id from schema_kit.event_log`);
    const after = `${start[0].tx}:${start[0].id}`;
    const written = new Set<string>();
    const seen: string[] = [];
    const controller = new AbortController();
    const reader = (async () => {
      for await (const e of events.stream({ after, follow: true, batchSize: 50, pollIntervalMs: 10, signal: controller.signal })) seen.push(e.id);
    })();
    let writing = true;
    const months = [0, 1, 2, 9];
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; i < 40; i++) {
        const at = new Date(monthStart(months[(i + w) % months.length]!).getTime() + 1000 * (i + 1));
        const { rows } = await database().pool.query<{ id: string }>(
          `insert into schema_kit.event_log (action, entity_type, entity_id, created_at) select 'feed', 'f', $1, $2 from generate_series(1, 3) returning id`, [`${w}:${i}`, at]);
        rows.forEach((r) => written.add(r.id));
      }
    });
    const maintenance = (async () => {
      for (let round = 0; writing; round++) {
        await createPastPartition('event_log', -20 - (round % 5));
        await createPartitions(owner().db, { ahead: 10 + (round % 3) });
        await dropPartitionsBefore(owner().db, { table: 'event_log', before: monthStart(-15) });
      }
    })();
    await Promise.all(writers);
    writing = false;
    await maintenance;
    // a last event, written after all the others: once the reader has it (the feed is in
    // order), it has read everything before it, and anything extra would already be in `seen`
    const { rows: last } = await database().pool.query<{ id: string }>(
      `insert into schema_kit.event_log (action, entity_type, entity_id) values ('feed', 'f', 'last') returning id`);
    const marker = last[0]!.id;
    await waitFor(() => seen.includes(marker), 'the reader to reach the last event');
    controller.abort();
    await reader;
    const before = seen.slice(0, -1);
    expect(seen.at(-1)).toBe(marker);
    expect(before.length).toBe(written.size);
    expect(new Set(before)).toEqual(written);
  }, 2 * HANG_LIMIT_MS);
});
