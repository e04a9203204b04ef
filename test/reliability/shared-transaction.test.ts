import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ProcessedMessageRepo, RoleChangeLogRepo, UserRepo } from '../../src/index.js';
import { createUser, useInstalledDatabase } from '../helpers/installed.js';

/**
 * Concurrent schema-kit calls on one host transaction (issue 27, item 1). A transaction is one
 * connection: each call's savepoint must not be released or rolled back across a sibling's, so a
 * throwing handler's rollback never undoes a sibling whose caller was told it succeeded.
 */
describe('concurrent calls sharing one host transaction', () => {
  const database = useInstalledDatabase(['core', 'audit', 'idempotency', 'roles'], { as: 'owner' });

  it('processOnce: every reported success is committed, a throwing sibling undoes only its own work', async () => {
    const { db } = database();
    await sql`create table if not exists public.shared_trx_work (message_id text primary key)`.execute(db);
    const prefix = `shared-${Math.random().toString(36).slice(2)}`;
    const n = 12;
    const failing = 0;
    const settled = await db.transaction().execute(async (trx) => {
      const inbox = new ProcessedMessageRepo(trx, { consumer: prefix });
      return Promise.allSettled(
        Array.from({ length: n }, (_, i) =>
          inbox.processOnce(`${prefix}:${i}`, async (t) => {
            await sql`insert into public.shared_trx_work values (${`${prefix}:${i}`})`.execute(t);
            if (i !== failing) return i;
            // the failing handler goes on longer than its siblings before it throws: without
            // serialization, the siblings' savepoints were opened after its own and released
            // before its rollback, which then undid them
            for (let k = 0; k < 5; k++) await sql`select 1`.execute(t);
            throw new Error('handler failed');
          }),
        ),
      );
    });
    const { rows } = await sql<{ message_id: string }>`select message_id from public.shared_trx_work where message_id like ${`${prefix}:%`}`.execute(db);
    const written = new Set(rows.map((r) => r.message_id));
    const claimed = new Set(
      (await sql<{ message_id: string }>`select message_id from schema_kit.processed_messages where consumer = ${prefix}`.execute(db)).rows.map((r) => r.message_id),
    );
    settled.forEach((outcome, i) => {
      const id = `${prefix}:${i}`;
      if (outcome.status === 'fulfilled') {
        expect(outcome.value).toEqual({ processed: true, result: i });
        expect(written.has(id), `${id} reported processed but its work is gone`).toBe(true);
        expect(claimed.has(id), `${id} reported processed but its claim is gone`).toBe(true);
      } else {
        expect(written.has(id)).toBe(false);
        expect(claimed.has(id)).toBe(false);
      }
    });
    expect(settled.map((s) => s.status)).toEqual(Array.from({ length: n }, (_, i) => (i === failing ? 'rejected' : 'fulfilled')));
  });

  it('nested and concurrent calls from inside a handler run, in order, without waiting on the outer call', async () => {
    const { db } = database();
    const prefix = `nested-${Math.random().toString(36).slice(2)}`;
    const outcome = await db.transaction().execute(async (trx) => {
      const inbox = new ProcessedMessageRepo(trx, { consumer: prefix });
      return inbox.processOnce(`${prefix}:outer`, async (t) => {
        const inner = new ProcessedMessageRepo(t, { consumer: prefix });
        const results = await Promise.allSettled([
          inner.processOnce(`${prefix}:a`, async () => 'a'),
          inner.processOnce(`${prefix}:b`, async (u) => {
            await sql`select 1`.execute(u);
            throw new Error('b failed');
          }),
          inner.processOnce(`${prefix}:c`, async () => 'c'),
        ]);
        return results.map((r) => r.status);
      });
    });
    expect(outcome).toEqual({ processed: true, result: ['fulfilled', 'rejected', 'fulfilled'] });
    const { rows } = await sql<{ message_id: string }>`select message_id from schema_kit.processed_messages where consumer = ${prefix} order by 1`.execute(db);
    expect(rows.map((r) => r.message_id)).toEqual([`${prefix}:a`, `${prefix}:c`, `${prefix}:outer`]);
  });

  it('every method that opens a savepoint in a host transaction: changeRole beside a throwing processOnce', async () => {
    const { db } = database();
    const prefix = `mixed-${Math.random().toString(36).slice(2)}`;
    const users = await Promise.all(Array.from({ length: 4 }, () => createUser(database())));
    const settled = await db.transaction().execute(async (trx) => {
      const inbox = new ProcessedMessageRepo(trx, { consumer: prefix });
      const roles = new RoleChangeLogRepo(trx);
      return Promise.allSettled([
        inbox.processOnce(`${prefix}:fail`, async (t) => {
          for (let k = 0; k < 5; k++) await sql`select 1`.execute(t);
          throw new Error('handler failed');
        }),
        ...users.map((user) => roles.changeRole({ user_id: user, new_role: 'admin', changed_by: 'test', change_source: 'admin', reason: 'test' })),
      ]);
    });
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    for (const user of users) expect((await new UserRepo(db).findById(user))?.role).toBe('admin');
  });
});
