import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { RoleChangeLogRepo, RoleRepo, SchemaKitValidationError } from '../../../src/index.js';
import { createUser, useInstalledDatabase } from '../../helpers/installed.js';

describe('RoleRepo, and RoleChangeLogRepo validating against the roles table', () => {
  const database = useInstalledDatabase(['roles']);
  const roles = () => new RoleRepo(database().db);
  const logCount = async () =>
    (await sql<{ n: number }>`select count(*)::int as n from schema_kit.user_role_change_log`.execute(database().db)).rows[0]!.n;

  it('lists the seeded roles by rank, adds a role idempotently and lists it', async () => {
    expect((await roles().list()).map((r) => [r.name, r.rank])).toEqual([
      ['public', 0], ['mentor', 1], ['student', 1], ['subscriber', 1], ['admin', 2], ['moderator', 2], ['owner', 3],
    ]);
    expect(await roles().add({ name: 'vip', rank: 1, description: 'a paying member' })).toMatchObject({ role: { name: 'vip', rank: 1, description: 'a paying member' }, created: true });
    expect(await roles().add({ name: 'vip', rank: 3 })).toMatchObject({ role: { rank: 1, description: 'a paying member' }, created: false });
    expect(await roles().get('vip')).toMatchObject({ name: 'vip', rank: 1 });
    expect(await roles().get('nobody')).toBeUndefined();
    expect((await roles().list()).map((r) => r.name)).toContain('vip');
  });

  it('refuses a malformed role before any SQL', async () => {
    const before = (await roles().list()).length;
    for (const [role, field] of [
      [{ name: 'Bad Role', rank: 1 }, 'role.name'],
      [{ name: 'ok', rank: -1 }, 'role.rank'],
      [{ name: 'ok', rank: 1.5 }, 'role.rank'],
      [{ name: 'ok', rank: 1, extra: true }, 'role.extra'],
    ] as const) {
      const error = await roles().add(role as never).catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(SchemaKitValidationError);
      expect((error as SchemaKitValidationError).field).toBe(field);
    }
    expect((await roles().list()).length).toBe(before);
  });

  it('without a list, RoleChangeLogRepo takes any role of the table (one source of truth) and refuses others, writing nothing', async () => {
    const log = new RoleChangeLogRepo(database().db);
    const user = await createUser(database());
    const before = await logCount();
    for (const call of [
      () => log.changeRole({ user_id: user, new_role: 'patron', changed_by: 'tg:1', change_source: 'admin' }),
      () => log.record({ user_id: user, new_role: 'patron', changed_by: 'tg:1', change_source: 'admin' }),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SchemaKitValidationError);
      expect((error as SchemaKitValidationError).field).toBe('change.new_role');
    }
    expect(await logCount()).toBe(before);

    await roles().add({ name: 'patron', rank: 1 });
    expect(await log.changeRole({ user_id: user, new_role: 'patron', changed_by: 'tg:1', change_source: 'admin' })).toMatchObject({ changed: true, new_role: 'patron' });
    expect(await log.record({ user_id: user, previous_role: 'retired_role', new_role: 'patron', changed_by: 'tg:1', change_source: 'api' })).toMatchObject({ new_role: 'patron' });
    expect(await logCount()).toBe(before + 2);
  });
});
