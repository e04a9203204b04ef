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

  it("alsoTables grants the host's own tables with the same rules: read and write, its serial sequence, no TRUNCATE nor DDL", async () => {
    const { owner, role } = database();
    await owner.pool.query('create table if not exists public.grant_orders (id serial primary key, note text)');
    const statements = await grantRuntimeAccess(owner.db, { role, alsoTables: ['public.grant_orders'] });
    expect(statements).toEqual(expect.arrayContaining([
      `REVOKE ALL ON "public"."grant_orders" FROM "${role}"`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."grant_orders" TO "${role}"`,
      `GRANT USAGE ON SEQUENCE public.grant_orders_id_seq TO "${role}"`,
    ]));
    await q(`insert into public.grant_orders (note) values ('a')`); // the serial default needs the sequence
    await q(`update public.grant_orders set note = 'b'`);
    expect((await q('select count(*)::int as n from public.grant_orders')).rows[0].n).toBe(1);
    await q('delete from public.grant_orders');
    expect(await refusal(() => q('truncate public.grant_orders'))).toBe('42501');
    expect(await refusal(() => q('alter table public.grant_orders add column x int'))).toBe('42501');
  });

  it('refuses a host table that is not schema-qualified, in its schema or missing, naming the entry', async () => {
    const { owner, role } = database();
    for (const [alsoTables, field] of [[['orders'], 'alsoTables.0'], [['public.grant_orders', 'schema_kit.users'], 'alsoTables.1'], [['public.no_such_table'], 'alsoTables.0']] as const) {
      const error = await grantRuntimeAccess(owner.db, { role, alsoTables }).catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(SchemaKitValidationError);
      expect((error as SchemaKitValidationError).field).toBe(field);
    }
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
