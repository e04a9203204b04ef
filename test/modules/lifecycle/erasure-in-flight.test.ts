import { describe, expect, it } from 'vitest';
import { EventLogRepo, forgetUser, SchemaKitError, SchemaKitValidationError, type Database } from '../../../src/index.js';
import { useInstalledDatabase } from '../../helpers/installed.js';
import { waitFor } from '../../helpers/wait.js';

/**
 * The order of an erasure and the writes naming the same user, made deterministic: each write is
 * held open on its own connection, and each step waits for the state it expects (the digests
 * committed, the erasure recorded), never for time. The tests run in order on one database: the
 * first one is its first erasure ever.
 */
describe('forgetUser against writes in flight', () => {
  const database = useInstalledDatabase(['core', 'roles', 'audit', 'planning'], { as: 'owner' });

  /** A connection holding a transaction open (at `isolation`) after `statements`. */
  async function openTransaction(isolation: 'read committed' | 'repeatable read', ...statements: [string, unknown[]][]) {
    const client = await database().pool.connect();
    await client.query(`begin isolation level ${isolation}`);
    for (const [text, values] of statements) await client.query(text, values);
    return client;
  }

  const insertEvent = (user: string): [string, unknown[]] => [
    `insert into schema_kit.event_log (user_id, action, entity_type, entity_id, details) values ($1, 'a.b', 'x', '1', $2)`,
    [user, { note: user }],
  ];
  const remembered = async () => Number((await database().pool.query(`select count(*) from schema_kit.erased_identifiers`)).rows[0].count);
  const recorded = async () => Number((await database().pool.query(`select count(*) from schema_kit.lifecycle_log where action = 'user.erased'`)).rows[0].count);
  const remaining = async (identifier: string) =>
    Number((await database().pool.query(`select count(*) from schema_kit.event_log where user_id = $1 or details::text like '%' || $1 || '%'`, [identifier])).rows[0].count);

  /** Starts forgetUser on `identifier` and waits until its first step committed. */
  async function startForget(identifier: string) {
    const [digests, erasures] = [await remembered(), await recorded()];
    const erasure = forgetUser(database().db, { identifiers: [identifier] });
    erasure.catch(() => undefined);
    await waitFor(async () => (await remembered()) > digests, 'forgetUser to commit the digests');
    return { erasure, erasures };
  }

  it('the first erasure waits for a write that began before any guard ran, and erases it', async () => {
    const { rows } = await database().pool.query(`select is_called from schema_kit.lifecycle_erasures`);
    expect(rows[0].is_called).toBe(false);
    const write = await openTransaction('read committed', insertEvent('tg:first'));
    const { erasure, erasures } = await startForget('tg:first');
    expect(await recorded()).toBe(erasures); // not erased while the write is open
    await write.query('commit');
    write.release();
    expect((await erasure).rows.event_log).toBe(1);
    expect(await remaining('tg:first')).toBe(0);
  });

  it('a write checked before the digests committed is waited for and erased; one checked after is refused at once', async () => {
    const events = new EventLogRepo(database().db);
    const early = await openTransaction('read committed', insertEvent('tg:second'));
    const { erasure, erasures } = await startForget('tg:second');
    const late = await events.append({ user_id: 'tg:second', action: 'a.c', entity_type: 'x', entity_id: '3' }).catch((e: unknown) => e);
    expect(late).toBeInstanceOf(SchemaKitError);
    expect((late as SchemaKitError).code).toBe('user_forgotten');
    expect((late as SchemaKitError).retryable).toBe(false);
    expect(await recorded()).toBe(erasures);
    await early.query('commit');
    early.release();
    expect((await erasure).rows.event_log).toBe(1);
    expect(await remaining('tg:second')).toBe(0);
  });

  it('a repeatable-read transaction that took its snapshot before the digests committed is waited for, and its write erased', async () => {
    const reader = await openTransaction('repeatable read', ['select count(*) from schema_kit.event_log', []]);
    const { erasure, erasures } = await startForget('tg:third');
    await reader.query(...insertEvent('tg:third')); // its snapshot has no digests: the guard lets it through
    expect(await recorded()).toBe(erasures);
    await reader.query('commit');
    reader.release();
    expect((await erasure).rows.event_log).toBe(1);
    expect(await remaining('tg:third')).toBe(0);
  });

  it('refuses every later write naming a forgotten identifier in a guarded column, and only those', async () => {
    const owner = database().pool;
    await forgetUser(database().db, { identifiers: ['tg:second'] }); // again: an erasure can be repeated
    const events = new EventLogRepo(database().db);
    for (const event of [
      { user_id: 'tg:second', action: 'a.b', entity_type: 'x', entity_id: '4' },
      { user_id: 'tg:other', action: 'a.b', entity_type: 'user', entity_id: 'tg:second' },
    ]) {
      const error = await events.append(event).catch((e: unknown) => e);
      expect((error as SchemaKitError).code, JSON.stringify(event)).toBe('user_forgotten');
    }
    await expect(owner.query(`insert into schema_kit.user_context (user_id) values ('tg:second')`)).rejects.toMatchObject({ code: 'SKF01' });
    await expect(owner.query(`insert into schema_kit.user_role_change_log (user_id, new_role, changed_by, change_source)
      values (gen_random_uuid(), 'user', 'tg:second', 'system')`)).rejects.toMatchObject({ code: 'SKF01' });
    // the same text elsewhere, another user, a bare number: written as ever
    await events.append({ user_id: 'tg:other', action: 'a.b', entity_type: 'x', entity_id: '5', details: { said: 'tg:second is a name' } });
    await events.append({ user_id: 'tg:second-cousin', action: 'a.b', entity_type: 'x', entity_id: '6' });
    await forgetUser(database().db, { identifiers: ['42'] });
    await events.append({ user_id: '42', action: 'a.b', entity_type: 'x', entity_id: '42' });
    await owner.query(`insert into schema_kit.user_context (user_id) values ('tg:fourth')`);
    // only digests are kept
    const { rows } = await owner.query(`select digest from schema_kit.erased_identifiers`);
    expect(rows.map((r) => Buffer.from(r.digest).toString('utf8')).join()).not.toContain('tg:');
    expect(rows).toHaveLength(3);
  });

  it('refuses a transaction as its db, before anything is remembered', async () => {
    const before = await remembered();
    const error = await database().db.transaction().execute((trx) => forgetUser<Database>(trx, { identifiers: ['tg:fifth'] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaKitValidationError);
    expect((error as SchemaKitValidationError).field).toBe('db');
    expect(await remembered()).toBe(before);
  });
});
