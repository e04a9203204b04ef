import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EventLogRepo } from '../../../src/index.js';
import { useInstalledDatabase } from '../../helpers/installed.js';
import { TEST_TARGET } from '../../helpers/target.js';
import { waitFor } from '../../helpers/wait.js';

const CHILD = fileURLToPath(new URL('./fixtures/chaos-consumer.mjs', import.meta.url));

// Exactly-once under chaos: writers append while the consumer's connections are killed at random
// moments and the process running it is SIGKILLed and restarted. Uses the built package (dist).
describe.skipIf(TEST_TARGET === 'pglite')('FeedConsumer exactly-once under chaos', () => {
  const database = useInstalledDatabase(['audit', 'consumers']);

  it('projects every event exactly once, and its checkpoint ends at the end of the feed', async () => {
    const owner = database().owner.pool;
    await owner.query('create table public.chaos_projection (event_id bigint not null)');
    if (database().role !== 'owner') await owner.query(`grant select, insert on public.chaos_projection to "${database().role}"`);
    const projected = async () => Number((await owner.query<{ n: string }>('select count(*) as n from public.chaos_projection')).rows[0]!.n);
    const children: ChildProcess[] = [];
    const start = () => {
      const child = spawn(process.execPath, [CHILD], { env: { ...process.env, CHAOS_URL: database().url }, stdio: ['ignore', 'ignore', 'inherit'] });
      children.push(child);
      return child;
    };
    const killBackends = () => owner.query(`select count(pg_terminate_backend(pid)) from pg_stat_activity where application_name = 'chaos-consumer'`);

    // 4 writers, 50 transactions of 1-5 events each
    const events = new EventLogRepo(database().db);
    let appended = 0;
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let t = 0; t < 50; t++) {
        const n = 1 + ((w + t) % 5);
        await events.appendMany(Array.from({ length: n }, (_, i) => ({ action: 'chaos', entity_type: 'chaos', entity_id: `${w}-${t}-${i}` })));
        appended += n;
        await new Promise((resume) => setImmediate(resume));
      }
    });
    try {
      for (let round = 0; round < 4; round++) {
        const child = start();
        const base = await projected();
        // a random moment: after a random number of further events is projected
        const more = 1 + Math.floor(Math.random() * 60);
        await waitFor(async () => (await projected()) >= base + more || (appended >= 600 && (await projected()) >= appended), `round ${round}: ${more} more events projected`);
        await killBackends(); // mid-batch or idle, wherever it is
        const after = await projected();
        await waitFor(async () => (await projected()) > after || (await projected()) >= appended, `round ${round}: progress after the connections were killed`);
        child.kill('SIGKILL');
        await new Promise((resume) => child.once('exit', resume));
      }
      await Promise.all(writers);
      start();
      const total = Number((await owner.query<{ n: string }>(`select count(*) as n from schema_kit.event_log`)).rows[0]!.n);
      expect(total).toBe(appended);
      await waitFor(async () => (await projected()) >= total, `all ${total} events projected`);
      const duplicates = await owner.query(`select event_id, count(*) from public.chaos_projection group by event_id having count(*) > 1`);
      const missing = await owner.query(`select e.id from schema_kit.event_log e left join public.chaos_projection p on p.event_id = e.id where p.event_id is null`);
      expect({ duplicates: duplicates.rows, missing: missing.rows }).toEqual({ duplicates: [], missing: [] });
      const end = await owner.query<{ position: string }>(`select tx_id::text || ':' || id::text as position from schema_kit.event_log order by tx_id desc, id desc limit 1`);
      const checkpoint = await owner.query<{ position: string }>(`select position_tx::text || ':' || position_id::text as position from schema_kit.consumer_checkpoints where name = 'chaos'`);
      expect(checkpoint.rows[0]!.position).toBe(end.rows[0]!.position);
    } finally {
      for (const child of children) child.kill('SIGKILL');
      await Promise.allSettled(writers);
    }
  });
});
