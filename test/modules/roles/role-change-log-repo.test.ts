import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { RoleChangeLogRepo, SchemaKitConflictError, SchemaKitNotFoundError, SchemaKitValidationError } from '../../../src/index.js';
import { createUser, useInstalledDatabase } from '../../helpers/installed.js';

describe('RoleChangeLogRepo', () => {
  const database = useInstalledDatabase(['roles']);
  const roles = () => new RoleChangeLogRepo(database().db, { roles: ['public', 'subscriber', 'admin', 'owner'] });
  const roleOf = async (id: string) =>
    (await database().db.withSchema('schema_kit').selectFrom('users').select('role').where('id', '=', id).executeTakeFirstOrThrow()).role;
  const logCount = async () =>
    (await sql<{ n: number }>`select count(*)::int as n from schema_kit.user_role_change_log`.execute(database().db)).rows[0]!.n;

  it('changes the role and logs previous -> new in one transaction; no log when unchanged', async () => {
    const user = await createUser(database());
    const outcome = await roles().changeRole({ user_id: user, new_role: 'admin', changed_by: 'tg:owner', change_source: 'admin', reason: 'promoted', change_metadata: { ticket: 12 } });
    expect(outcome).toMatchObject({ changed: true, previous_role: 'public', new_role: 'admin' });
    expect(outcome.entry).toMatchObject({ user_id: user, previous_role: 'public', new_role: 'admin', changed_by: 'tg:owner', reason: 'promoted', change_source: 'admin', change_metadata: { ticket: 12 } });
    expect(await roleOf(user)).toBe('admin');
    const before = await logCount();
    expect(await roles().changeRole({ user_id: user, new_role: 'admin', changed_by: 'tg:owner', change_source: 'admin' })).toMatchObject({ changed: false, entry: null });
    expect(await logCount()).toBe(before);
  });

  it('chains 20 concurrent changes without gaps', async () => {
    const user = await createUser(database());
    const sequence = ['subscriber', 'admin', 'owner', 'public'];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        roles().changeRole({ user_id: user, new_role: sequence[i % 4]!, changed_by: `worker:${i}`, change_source: 'system' }),
      ),
    );
    const history = (await roles().historyForUser(user, { limit: 100 })).items.reverse();
    expect(history.length).toBeGreaterThan(0);
    expect(history[0]!.previous_role).toBe('public');
    for (let i = 1; i < history.length; i += 1) expect(history[i]!.previous_role).toBe(history[i - 1]!.new_role);
    expect(history.at(-1)!.new_role).toBe(await roleOf(user));
    expect(history.every((h) => h.previous_role !== h.new_role)).toBe(true);
  });

  it('refuses unknown users, roles outside the allowed set and roles missing from the roles table', async () => {
    const user = await createUser(database());
    const before = await logCount();
    await expect(roles().changeRole({ user_id: '00000000-0000-4000-8000-000000000000', new_role: 'admin', changed_by: 'x', change_source: 'admin' })).rejects.toBeInstanceOf(SchemaKitNotFoundError);
    await expect(roles().changeRole({ user_id: user, new_role: 'superuser', changed_by: 'x', change_source: 'admin' })).rejects.toMatchObject({ field: 'change.new_role' });
    const wider = new RoleChangeLogRepo(database().db, { roles: ['public', 'vip'] });
    const error = await wider.changeRole({ user_id: user, new_role: 'vip', changed_by: 'x', change_source: 'admin' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaKitConflictError);
    expect((error as SchemaKitConflictError).constraint).toBe('users_role_fkey');
    expect(await roleOf(user)).toBe('public');
    expect(await logCount()).toBe(before);
    expect(() => new RoleChangeLogRepo(database().db, { roles: ['Bad Role'] })).toThrow(SchemaKitValidationError);
  });

  it('records log-only changes and pages history by user and by actor', async () => {
    const subject = '11111111-1111-4111-8111-111111111111'; // a user kept elsewhere: record() needs no users row
    for (let i = 0; i < 12; i += 1) {
      await roles().record({ user_id: subject, previous_role: i ? 'subscriber' : null, new_role: 'subscriber', changed_by: 'tg:pager-admin', change_source: 'api' });
    }
    const first = await roles().historyForUser(subject, { limit: 5 });
    const second = await roles().historyForUser(subject, { limit: 5, after: first.next! });
    const third = await roles().historyForUser(subject, { limit: 5, after: second.next! });
    const ids = [...first.items, ...second.items, ...third.items].map((r) => BigInt(r.id));
    expect(ids).toHaveLength(12);
    expect(new Set(ids).size).toBe(12);
    expect([...ids].sort((a, b) => (a > b ? -1 : 1))).toEqual(ids);
    expect(third.next).toBeNull();
    expect((await roles().changesBy('tg:pager-admin', { limit: 50 })).items).toHaveLength(12);
  });

  it('refuses bad input with a typed error naming the field, writing nothing', async () => {
    const before = await logCount();
    const ok = { user_id: '11111111-1111-4111-8111-111111111111', new_role: 'admin', changed_by: 'x', change_source: 'admin' as const };
    const cases: [() => Promise<unknown>, string][] = [
      [() => roles().record({ ...ok, user_id: 'not-a-uuid' }), 'change.user_id'],
      [() => roles().record({ ...ok, changed_by: '' }), 'change.changed_by'],
      [() => roles().record({ ...ok, change_source: 'cron' as never }), 'change.change_source'],
      [() => roles().record({ ...ok, reason: 'r\u0000' }), 'change.reason'],
      [() => roles().record({ ...ok, previous_role: 'ghost' }), 'change.previous_role'],
      [() => roles().record({ ...ok, change_metadata: { n: Infinity } }), 'change.change_metadata.n'],
      [() => roles().historyForUser('nope'), 'userId'],
      [() => roles().changesBy('x', { limit: 5000 }), 'options.limit'],
    ];
    for (const [call, field] of cases) {
      const error = await call().catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(SchemaKitValidationError);
      expect((error as SchemaKitValidationError).field, field).toBe(field);
    }
    expect(await logCount()).toBe(before);
  });
});
