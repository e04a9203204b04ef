import { Kysely, PostgresDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import { EventLogRepo, RoleChangeLogRepo } from '../../src/index.js';
import { hangGuard } from '../helpers/wait.js';
import { useInstalledDatabase, type InstalledDatabase } from '../helpers/installed.js';

// The listings and the stream of the partitioned append-only logs (event_log, user_role_change_log) must read each partition in index order
// and stop at the limit even where the statistics know nothing of the values (an entity or user
// new since the last ANALYZE, the stream's tail past it): planned on constants, such a statement
// reads every matching row and sorts them (Append + Sort), 0.5 s a page at 480k events.

interface PlanNode {
  readonly 'Node Type': string;
  readonly Plans?: readonly PlanNode[];
}

const nodeTypes = (node: PlanNode): string[] => [node['Node Type'], ...(node.Plans ?? []).flatMap(nodeTypes)];

const plan = async (pool: InstalledDatabase['pool'], text: string, parameters: unknown[]) =>
  nodeTypes((await pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`explain (format json) ${text}`, parameters)).rows[0]!['QUERY PLAN'][0].Plan);

/** Each statement sent merges the partitions in index order; the same statement on constants sorts (the fixture is at the edge). */
async function expectMergedNotSorted(pool: InstalledDatabase['pool'], sent: readonly { text: string; parameters: unknown[] }[]): Promise<void> {
  for (const { text, parameters } of sent) {
    const nodes = await plan(pool, text, parameters);
    expect(nodes, text).toContain('Merge Append');
    expect(nodes, text).not.toContain('Sort');
    const onConstants = text.replace(/\(select (\$\d+::\w+(?:, \$\d+::\w+)*)\)/g, '($1)');
    expect(onConstants).not.toBe(text);
    expect(await plan(pool, onConstants, parameters), onConstants).toContain('Sort');
  }
}

/** A Kysely on `pool` that records the statements schema-kit sends (its probe left out). */
function recording(pool: InstalledDatabase['pool']) {
  const sent: { text: string; parameters: unknown[] }[] = [];
  const db = new Kysely({
    dialect: new PostgresDialect({ pool: { connect: () => pool.connect(), end: async () => undefined } }),
    log: (event) => {
      if (event.level === 'query' && !String(event.query.sql).includes('as named')) sent.push({ text: String(event.query.sql), parameters: [...event.query.parameters] });
    },
  });
  return { db, sent };
}

/** Turns autovacuum off on `table`'s partitions and analyzes it: what is written next is unknown to the statistics. */
async function freezeStatistics(pool: InstalledDatabase['pool'], table: string): Promise<void> {
  const partitions = await pool.query<{ name: string }>(`select inhrelid::regclass::text as name from pg_inherits where inhparent = $1::regclass`, [table]);
  expect(partitions.rows.length).toBeGreaterThan(1);
  for (const { name } of partitions.rows) await pool.query(`alter table ${name} set (autovacuum_enabled = off)`);
  await pool.query(`analyze ${table}`);
}

describe('statements of the partitioned logs at the edge of the statistics', () => {
  const database = useInstalledDatabase(['core', 'roles', 'audit'], { as: 'owner' });

  it('every listing shape and the stream merge the partitions in index order, never sort', async () => {
    const { pool } = database();
    // known to the statistics: 2,000 events of one entity and user; then, unknown to them, 30,000
    // of a new entity and user, in later transactions (the stream's tail)
    const fill = (n: number, user: string, entity: string) =>
      pool.query(`insert into schema_kit.event_log (user_id, action, entity_type, entity_id) select $1, 'a', 'doc', $2 from generate_series(1, ${n})`, [user, entity]);
    await fill(2_000, 'u:old', 'old');
    await freezeStatistics(pool, 'schema_kit.event_log');
    for (let i = 0; i < 3; i++) await fill(10_000, 'u:new', 'new');

    const { db, sent } = recording(pool);
    const events = new EventLogRepo(db);
    for (const order of ['asc', 'desc'] as const) {
      const first = await events.listByEntity('doc', 'new', { limit: 20, order });
      await events.listByEntity('doc', 'new', { limit: 20, order, after: first.next! });
      const mine = await events.listByUser('u:new', { limit: 20, order });
      await events.listByUser('u:new', { limit: 20, order, after: mine.next! });
    }
    const { rows: [tail] } = await pool.query<{ position: string }>(
      `select tx_id::text || ':' || id::text as position from schema_kit.event_log where entity_id = 'new' order by tx_id, id limit 1`,
    );
    // the feed stops below the oldest transaction open anywhere on the server (other test files'
    // included): follow until the tail's first batch is visible, whatever else the server runs
    const controller = new AbortController();
    const guard = hangGuard(controller, "the stream's first batch past the oldest open transaction");
    const stream = events.stream({ after: tail!.position, batchSize: 50, follow: true, pollIntervalMs: 20, signal: controller.signal });
    const first = await stream.next();
    guard.done();
    expect(first.done).toBe(false);
    await stream.return();
    await db.destroy();
    const distinct = sent.filter((s, i) => sent.findIndex((t) => t.text === s.text) === i); // a follow may poll more than once
    expect(distinct.map((s) => s.text.split(' where ')[1]).filter((w, i, all) => all.indexOf(w) === i)).toHaveLength(9);

    await expectMergedNotSorted(pool, distinct);
  });

  it('the role change history of a user, and the changes by an actor, merge the partitions in index order', async () => {
    const { pool } = database();
    const [oldUser, newUser] = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'];
    const fill = (n: number, user: string, actor: string) =>
      pool.query(
        `insert into schema_kit.user_role_change_log (user_id, new_role, changed_by, change_source) select $1, 'subscriber', $2, 'admin' from generate_series(1, ${n})`,
        [user, actor],
      );
    await fill(2_000, oldUser, 'admin:old');
    await freezeStatistics(pool, 'schema_kit.user_role_change_log');
    for (let i = 0; i < 3; i++) await fill(10_000, newUser, 'admin:new');

    const { db, sent } = recording(pool);
    const log = new RoleChangeLogRepo(db);
    const history = await log.historyForUser(newUser, { limit: 20 });
    await log.historyForUser(newUser, { limit: 20, after: history.next! });
    const by = await log.changesBy('admin:new', { limit: 20 });
    await log.changesBy('admin:new', { limit: 20, after: by.next! });
    await db.destroy();
    expect(sent).toHaveLength(4);
    await expectMergedNotSorted(pool, sent);
  });
});
