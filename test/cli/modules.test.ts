import { describe, expect, it } from 'vitest';
import { failureOf, historyIn, lines, progressKeys, runCli, schemaExists, shippedMigrations, tablesIn } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/database.js';

describe('schema-kit --modules', () => {
  const database = useTestDatabase();
  const env = () => ({ DATABASE_URL: database().url });

  it('installs only the modules asked for', async () => {
    const schema = 'mods_two';
    const wanted = shippedMigrations(['audit', 'idempotency']);
    expect([...new Set(wanted.map((m) => m.module))]).toEqual(['lifecycle', 'audit', 'idempotency']);
    const run = await runCli(['migrate', '--schema', schema, '--modules', 'audit,idempotency'], { env: env() });
    expect(run.code).toBe(0);
    expect(progressKeys(run.stdout)).toEqual(wanted.map((m) => m.key));
    expect(await historyIn(database().pool, schema)).toEqual(wanted.map((m) => m.key));
    expect(await tablesIn(database().pool, schema)).toEqual([...wanted.flatMap((m) => m.tables), 'schema_kit_migrations', 'schema_kit_modules'].sort());
  });

  it('adds the dependencies first, and installs more modules later', async () => {
    const schema = 'mods_deps';
    const run = await runCli(['migrate', '--schema', schema, '--modules', 'roles'], { env: env() });
    expect(run.code).toBe(0);
    const core = shippedMigrations(['core']).map((m) => m.key);
    const roles = shippedMigrations(['roles']).map((m) => m.key);
    expect(roles.slice(0, core.length)).toEqual(core);
    expect(await historyIn(database().pool, schema)).toEqual(roles);

    const refused = await runCli(['migrate', '--schema', schema, '--modules', 'interests'], { env: env() });
    expect(refused.code).toBe(2);
    expect(failureOf(refused.stderr).error).toEqual(expect.stringMatching(/^schema-kit: Module\(s\) interests not installed \(installed: lifecycle, core, roles\): install them deliberately with --add interests/));

    const later = await runCli(['migrate', '--schema', schema, '--add', 'interests'], { env: env() });
    expect(later.code).toBe(0);
    expect(lines(later.stdout)[0]).toMatch(/: upgrading the installed modules \(lifecycle, core, roles\); installing interests$/);
    expect(progressKeys(later.stdout)).toEqual(shippedMigrations(['interests']).filter((m) => m.module === 'interests').map((m) => m.key));
  });

  it('refuses an unknown module with exit 2 and creates nothing', async () => {
    const schema = 'mods_unknown';
    for (const modules of ['audit,nope', 'nope', ',']) {
      const run = await runCli(['migrate', '--schema', schema, '--modules', modules], { env: env() });
      expect(run.code, modules).toBe(2);
      expect(run.stdout).toBe('');
      expect(failureOf(run.stderr).error).toContain('--modules');
    }
    expect(await schemaExists(database().pool, schema)).toBe(false);
  });
});
