import { describe, expect, it } from 'vitest';
import { grantRuntimeAccess, SchemaKitValidationError } from '../src/index.js';
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
});
