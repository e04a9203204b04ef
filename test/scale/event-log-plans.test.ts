import { Kysely, PostgresDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import { EventLogRepo } from '../../src/index.js';
import { useInstalledDatabase } from '../helpers/installed.js';

// The listings and the stream of the partitioned event_log must read each partition in index order
// and stop at the limit even where the statistics know nothing of the values (an entity or user
// new since the last ANALYZE, the stream's tail past it): planned on constants, such a statement
// reads every matching row and sorts them (Append + Sort), 0.5 s a page at 480k events.

interface PlanNode {
  readonly 'Node Type': string;
  readonly Plans?: readonly PlanNode[];
}

const nodeTypes = (node: PlanNode): string[] => [node['Node Type'], ...(node.Plans ?? []).flatMap(nodeTypes)];

describe('event_log statements at the edge of the statistics', () => {
  const database = useInstalledDatabase(['audit'], { as: 'owner' });

  it('every listing shape and the stream merge the partitions in index order, never sort', async () => {
    const { pool } = database();
    // known to the statistics: 2,000 events of one entity and user; then, unknown to them, 30,000
    // of a new entity and user, in later transactions (the stream's tail)
    const fill = (n: number, user: string, entity: string) =>
      pool.query(`insert into schema_kit.event_log (user_id, action, entity_type, entity_id) select $1, 'a', 'doc', $2 from generate_series(1, ${n})`, [user, entity]);
    await fill(2_000, 'u:old', 'old');
    const partitions = await pool.query<{ name: string }>(`select inhrelid::regclass::text as name from pg_inherits where inhparent = 'schema_kit.event_log'::regclass`);
    for (const { name } of partitions.rows) await pool.query(`alter table ${name} set (autovacuum_enabled = off)`);
    await pool.query('analyze schema_kit.event_log');
    for (let i = 0; i < 3; i++) await fill(10_000, 'u:new', 'new');

    // the statements the repository sends, with their parameters
    const sent: { text: string; parameters: unknown[] }[] = [];
    const db = new Kysely({
      dialect: new PostgresDialect({ pool: { connect: () => pool.connect(), end: async () => undefined } }),
      log: (event) => {
        if (event.level === 'query' && !String(event.query.sql).includes('as named')) sent.push({ text: String(event.query.sql), parameters: [...event.query.parameters] });
      },
    });
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
    const stream = events.stream({ after: tail!.position, batchSize: 50 });
    expect((await stream.next()).done).toBe(false);
    await stream.return();
    await db.destroy();
    expect(sent.map((s) => s.text.split(' where ')[1]).filter((w, i, all) => all.indexOf(w) === i)).toHaveLength(9);

    const plan = async (text: string, parameters: unknown[]) =>
      nodeTypes((await pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`explain (format json) ${text}`, parameters)).rows[0]!['QUERY PLAN'][0].Plan);
    for (const { text, parameters } of sent) {
      const nodes = await plan(text, parameters);
      expect(nodes, text).toContain('Merge Append');
      expect(nodes, text).not.toContain('Sort');
      // the same statement on constants the planner looks up does sort here: the fixture is at the edge
      const onConstants = text.replace(/\(select (\$\d+::\w+(?:, \$\d+::\w+)*)\)/g, '($1)');
      expect(onConstants).not.toBe(text);
      expect(await plan(onConstants, parameters), onConstants).toContain('Sort');
    }
  });
});
