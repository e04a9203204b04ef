import { sql, type Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { EventLogRepo, FeedConsumer, type Database } from '../../../src/index.js';
import { useInstalledDatabase } from '../../helpers/installed.js';
import { TEST_TARGET } from '../../helpers/target.js';
import { waitFor } from '../../helpers/wait.js';

interface HostDB extends Database {
  kit_projection: { event_id: string };
}

// Runs on both targets: on PGlite (the testing kit, one connection, no LISTEN) the consumer polls.
describe(`FeedConsumer on ${TEST_TARGET}, without a pool: polling`, () => {
  const database = useInstalledDatabase(['audit', 'consumers']);
  const db = () => database().db as unknown as Kysely<HostDB>;

  beforeAll(async () => {
    await sql`create table public.kit_projection (event_id bigint primary key)`.execute(database().owner.db);
    if (database().role !== 'owner') await sql`grant select, insert on public.kit_projection to ${sql.id(database().role)}`.execute(database().owner.db);
  });

  it('projects every event exactly once in polling mode, and resumes where it stopped', async () => {
    const appended = await new EventLogRepo(database().db).appendMany(Array.from({ length: 120 }, (_, i) => ({ action: 'kit', entity_type: 'kit', entity_id: String(i) })));
    const consumer = new FeedConsumer(db(), { name: 'kit', batchSize: 50, pollIntervalMs: 20 });
    const handler = async (events: { id: string }[], trx: Kysely<HostDB>) => {
      await trx.insertInto('kit_projection').values(events.map((e) => ({ event_id: e.id }))).execute();
    };
    const count = async () => Number((await sql<{ n: string }>`select count(*) as n from public.kit_projection`.execute(database().db)).rows[0]!.n);
    for (const until of [120, 150]) {
      const controller = new AbortController();
      const running = consumer.run(handler, { signal: controller.signal });
      await waitFor(async () => (await count()) === until, `${until} events projected`);
      expect(await consumer.status()).toMatchObject({ mode: 'poll', active: true, attempts: 0 });
      controller.abort();
      await running;
      await new EventLogRepo(database().db).appendMany(Array.from({ length: 30 }, (_, i) => ({ action: 'kit', entity_type: 'kit', entity_id: `more-${i}` })));
    }
    const status = (await consumer.status())!;
    expect(status.active).toBe(false);
    expect(status.eventsBehind).toBe(30);
    expect(appended).toHaveLength(120);
  });
});
