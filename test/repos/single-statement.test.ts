import { Kysely, PostgresDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import { EventLogRepo, ProcessedMessageRepo, UserInterestRepo, type Database } from '../../src/index.js';
import { useInstalledDatabase } from '../helpers/installed.js';

describe('the hot paths send one statement per call', () => {
  const database = useInstalledDatabase(['interests', 'audit', 'idempotency']);

  /**
   * A Kysely over the file's pool that records every statement it sends, from its second call on:
   * the first call on a Kysely instance also sends the one-time probe of named statements.
   */
  async function recording(): Promise<{ db: Kysely<Database>; sent: string[] }> {
    const sent: string[] = [];
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: { connect: () => database().pool.connect(), end: async () => undefined } }),
      log: (event) => void sent.push(String(event.query.sql)),
    });
    await new EventLogRepo(db).listByUser('warm-up');
    sent.length = 0;
    return { db, sent };
  }

  it.each([
    ['claim', (db: Kysely<Database>) => new ProcessedMessageRepo(db).claim('one:1')],
    ['claim of a duplicate', (db: Kysely<Database>) => new ProcessedMessageRepo(db).claim('one:1')],
    ['claimMany of 1,000', (db: Kysely<Database>) => new ProcessedMessageRepo(db).claimMany(Array.from({ length: 1000 }, (_, i) => `many:${i}`))],
    ['append', (db: Kysely<Database>) => new EventLogRepo(db).append({ action: 'a', entity_type: 't', entity_id: '1' })],
    ['appendMany of 1,000', (db: Kysely<Database>) => new EventLogRepo(db).appendMany(Array.from({ length: 1000 }, (_, i) => ({ action: 'a', entity_type: 't', entity_id: `${i}` })))],
    ['listByEntity', (db: Kysely<Database>) => new EventLogRepo(db).listByEntity('t', '1')],
  ])('%s', async (_name, call) => {
    const { db, sent } = await recording();
    await call(db);
    expect(sent).toHaveLength(1);
    await db.destroy();
  });

  it('UserInterestRepo.add: one statement when it creates, two when the row already exists', async () => {
    const owner = database().owner.db.withSchema('schema_kit');
    const user = (await owner.insertInto('users').values({ role: 'public' }).returning('id').executeTakeFirstOrThrow()).id;
    const pkg = (await owner.insertInto('content_packages').values({ title: 'p', category: 'course', package_type: 'free' }).returning('id').executeTakeFirstOrThrow()).id;
    const { db, sent } = await recording();
    await new UserInterestRepo(db).add(user, pkg);
    expect(sent).toHaveLength(1);
    await new UserInterestRepo(db).add(user, pkg);
    expect(sent).toHaveLength(3);
    await db.destroy();
  });
});
