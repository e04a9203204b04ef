import { describe, expect, it } from 'vitest';
import { grantRuntimeAccess, SchemaKitError, SchemaKitValidationError } from '../src/index.js';
import { useInstalledDatabase } from './helpers/installed.js';

async function refusal(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    return (error as { code: string }).code;
  }
  throw new Error('expected the statement to be refused');
}

describe('grantRuntimeAccess: least privilege for the runtime role', () => {
  const database = useInstalledDatabase(['core', 'roles', 'audit', 'idempotency']);
  const q = (text: string) => database().pool.query(text);

  it('lets the runtime role read and append the logs, but never change or remove them', async () => {
    await q(`insert into schema_kit.event_log (action, entity_type, entity_id) values ('a', 't', '1')`);
    expect((await q('select count(*)::int as n from schema_kit.event_log')).rows[0].n).toBe(1);
    for (const table of ['event_log', 'user_role_change_log']) {
      expect(await refusal(() => q(`update schema_kit.${table} set ${table === 'event_log' ? 'action' : 'changed_by'} = 'x'`)), table).toBe('42501');
      expect(await refusal(() => q(`delete from schema_kit.${table}`)), table).toBe('42501');
      expect(await refusal(() => q(`truncate schema_kit.${table}`)), table).toBe('42501');
    }
  });

  it('gives no DDL and no access to the migration history', async () => {
    expect(await refusal(() => q('create table schema_kit.intruder (id int)'))).toBe('42501');
    expect(await refusal(() => q('drop table schema_kit.processed_messages'))).toBe('42501');
    expect(await refusal(() => q('alter table schema_kit.event_log disable trigger all'))).toBe('42501');
    expect(await refusal(() => q('select * from schema_kit.schema_kit_migrations'))).toBe('42501');
  });

  it('is exact and repeatable: a dry run lists the statements, extra privileges are revoked', async () => {
    const { owner, role } = database();
    await owner.pool.query(`grant update on schema_kit.event_log to "${role}"`);
    const statements = await grantRuntimeAccess(owner.db, { role, dryRun: true });
    expect(statements).toContain(`GRANT SELECT, INSERT ON "schema_kit"."event_log" TO "${role}"`);
    expect(statements).toContain(`GRANT SELECT, INSERT, UPDATE, DELETE ON "schema_kit"."processed_messages" TO "${role}"`);
    expect(statements.some((s) => s.includes('schema_kit_migrations'))).toBe(false);
    expect((await owner.pool.query(`select has_table_privilege($1, 'schema_kit.event_log', 'UPDATE') as can`, [role])).rows[0].can).toBe(true);
    await grantRuntimeAccess(owner.db, { role });
    expect((await owner.pool.query(`select has_table_privilege($1, 'schema_kit.event_log', 'UPDATE') as can`, [role])).rows[0].can).toBe(false);
  });

  it('refuses a role name that is not an identifier, before any SQL', async () => {
    await expect(grantRuntimeAccess(database().owner.db, { role: 'x"; drop table y; --' })).rejects.toBeInstanceOf(SchemaKitValidationError);
  });

  it('refuses, granting nothing, when PUBLIC may CREATE in the schema; revokePublicCreate closes it (issue 14, item 10)', async () => {
    const { owner, role } = database();
    await owner.pool.query('grant create on schema schema_kit to public');
    try {
      // the hole: through PUBLIC, the runtime role creates a table, a view and a function
      await q('create table schema_kit.intruder (id int)');
      await q('create view schema_kit.intruder_view as select 1 as one');
      await q('create function schema_kit.intruder_fn() returns int language sql as $$ select 1 $$');
      await owner.pool.query('drop table schema_kit.intruder; drop view schema_kit.intruder_view; drop function schema_kit.intruder_fn()');

      await owner.pool.query(`revoke insert on schema_kit.event_log from "${role}"`);
      for (const dryRun of [true, false]) {
        const error = await grantRuntimeAccess(owner.db, { role, dryRun }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SchemaKitError);
        expect((error as SchemaKitError).code).toBe('runtime_may_create');
        expect((error as Error).message).toContain('REVOKE CREATE ON SCHEMA "schema_kit" FROM PUBLIC');
      }
      // nothing was granted
      expect((await owner.pool.query(`select has_table_privilege($1, 'schema_kit.event_log', 'INSERT') as can`, [role])).rows[0].can).toBe(false);

      const statements = await grantRuntimeAccess(owner.db, { role, revokePublicCreate: true });
      expect(statements[0]).toBe('REVOKE CREATE ON SCHEMA "schema_kit" FROM PUBLIC');
      expect(await refusal(() => q('create table schema_kit.intruder (id int)'))).toBe('42501');
      expect(await refusal(() => q('create view schema_kit.intruder_view as select 1 as one'))).toBe('42501');
      expect(await refusal(() => q('create function schema_kit.intruder_fn() returns int language sql as $$ select 1 $$'))).toBe('42501');
    } finally {
      await owner.pool.query('revoke create on schema schema_kit from public');
      await grantRuntimeAccess(owner.db, { role });
    }
  });

  it('refuses a runtime role that may CREATE through a role it belongs to', async () => {
    const { owner, role } = database();
    const creator = `${role}_creator`;
    await owner.pool.query(`create role "${creator}"`);
    await owner.pool.query(`grant create on schema schema_kit to "${creator}"`);
    await owner.pool.query(`grant "${creator}" to "${role}"`);
    try {
      const error = await grantRuntimeAccess(owner.db, { role }).catch((e: unknown) => e);
      expect((error as SchemaKitError).code).toBe('runtime_may_create');
      expect((error as Error).message).toContain('member');
    } finally {
      await owner.pool.query(`revoke "${creator}" from "${role}"`);
      await owner.pool.query(`drop owned by "${creator}"`);
      await owner.pool.query(`drop role "${creator}"`);
    }
  });
});
