import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { failureOf, historyIn, lines, runCli, schemaExists, shippedMigrations, tablesIn } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/database.js';

const all = shippedMigrations();
const allTables = [...all.flatMap((m) => m.tables), 'schema_kit_migrations', 'schema_kit_modules'].sort();

async function schemaNames(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ nspname: string }>('select nspname from pg_namespace order by 1');
  return rows.map((r) => r.nspname);
}

describe('schema-kit target schema', () => {
  const database = useTestDatabase();
  const env = () => ({ DATABASE_URL: database().url });

  it('installs into --schema other_schema and leaves schema_kit alone', async () => {
    const run = await runCli(['migrate', '--schema', 'other_schema'], { env: env() });
    expect(run.code).toBe(0);
    expect(lines(run.stdout)[0]).toMatch(/, schema "other_schema": empty schema, installing every module /);
    expect(await tablesIn(database().pool, 'other_schema')).toEqual(allTables);
    expect(await historyIn(database().pool, 'other_schema')).toEqual(all.map((m) => m.key));
    expect(await schemaExists(database().pool, 'schema_kit')).toBe(false);
    expect((await runCli(['status', '--schema', 'other_schema', '--exit-code'], { env: env() })).code).toBe(0);
  });

  it('takes the schema from SCHEMA_KIT_SCHEMA, and --schema wins over it', async () => {
    const run = await runCli(['migrate'], { env: { ...env(), SCHEMA_KIT_SCHEMA: 'env_schema' } });
    expect(run.code).toBe(0);
    expect(lines(run.stdout)[0]).toMatch(/, schema "env_schema": empty schema, installing every module /);
    expect(await tablesIn(database().pool, 'env_schema')).toEqual(allTables);
    expect((await runCli(['status', '--exit-code'], { env: { ...env(), SCHEMA_KIT_SCHEMA: 'env_schema' } })).code).toBe(0);

    const flag = await runCli(['migrate', '--schema', 'flag_schema', '--modules', 'audit'], { env: { ...env(), SCHEMA_KIT_SCHEMA: 'env_schema' } });
    expect(flag.code).toBe(0);
    expect(await historyIn(database().pool, 'flag_schema')).toEqual(shippedMigrations(['audit']).map((m) => m.key));
    expect(await schemaExists(database().pool, 'schema_kit')).toBe(false);
  });

  it('refuses an invalid schema name with exit 2 before connecting or running any SQL', async () => {
    const before = await schemaNames(database().pool);
    for (const schema of ['x"; drop table', 'pg_catalog', '1abc', 'a'.repeat(64)]) {
      const run = await runCli(['migrate', '--schema', schema], { env: env() });
      expect(run.code, schema).toBe(2);
      expect(run.stdout).toBe('');
      expect(failureOf(run.stderr).error).toContain('--schema');
    }
    const fromEnv = await runCli(['status'], { env: { ...env(), SCHEMA_KIT_SCHEMA: 'bad-name' } });
    expect(fromEnv.code).toBe(2);
    // exit 2, not a connection failure: the name was refused before any connection was tried
    const unreachable = await runCli(['migrate', '--schema', 'x"; drop table', '--database-url', 'postgres://u@127.0.0.1:1/x']);
    expect(unreachable.code).toBe(2);
    expect(await schemaNames(database().pool)).toEqual(before);
  });
});
