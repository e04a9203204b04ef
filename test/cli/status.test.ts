import { describe, expect, it } from 'vitest';
import { historyIn, lines, progressKeys, runCli, schemaExists, shippedMigrations } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/database.js';
import { MODULE_NAMES } from '../../src/modules.js';

const all = shippedMigrations();

interface StatusDocument {
  command: string;
  ok: boolean;
  upToDate: boolean;
  pending: number;
  migrations: { module: string; migration: string; state: string; appliedAt?: string }[];
  problems: unknown[];
}

describe('schema-kit status', () => {
  const database = useTestDatabase();
  const env = () => ({ DATABASE_URL: database().url });

  it('lists every migration as pending, then as applied, and fails CI with --exit-code only while pending', async () => {
    const before = await runCli(['status'], { env: env() });
    expect(before.code).toBe(0);
    expect(before.stderr).toBe('');
    const rows = lines(before.stdout).filter((line) => line.startsWith('  '));
    expect(rows).toEqual(all.map((m) => `  pending  ${m.key}`));
    const modules = [...new Set(all.map((m) => m.module))].join(', ');
    expect(lines(before.stdout).slice(-4, -1)).toEqual([
      'installed: (none)',
      `to install: ${modules} (empty schema: migrate installs every module)`,
      'not installed: (none)',
    ]);
    expect(lines(before.stdout).at(-1)).toBe(`0 applied, ${all.length} pending, 0 changed, 0 missing.`);
    expect(await schemaExists(database().pool, 'schema_kit')).toBe(false); // status changes nothing

    expect((await runCli(['status', '--exit-code'], { env: env() })).code).toBe(3);
    const pendingJson = await runCli(['status', '--json'], { env: env() });
    expect(pendingJson.code).toBe(0);
    const pending = JSON.parse(pendingJson.stdout) as StatusDocument;
    expect(pending).toMatchObject({ command: 'status', ok: true, upToDate: false, pending: all.length, problems: [] });
    expect(pending.migrations.map((m) => m.state)).toEqual(all.map(() => 'pending'));

    expect((await runCli(['migrate'], { env: env() })).code).toBe(0);

    const after = await runCli(['status', '--exit-code'], { env: env() });
    expect(after.code).toBe(0);
    const applied = lines(after.stdout).filter((line) => line.startsWith('  '));
    expect(applied).toHaveLength(all.length);
    applied.forEach((line, i) => expect(line).toMatch(new RegExp(`^ {2}applied  ${all[i]?.key} {2}\\d{4}-\\d\\d-\\d\\dT`)));
    expect(lines(after.stdout).at(-1)).toBe(`${all.length} applied, 0 pending, 0 changed, 0 missing.`);

    const upToDate = JSON.parse((await runCli(['status', '--json', '--exit-code'], { env: env() })).stdout) as StatusDocument;
    expect(upToDate).toMatchObject({ upToDate: true, pending: 0, problems: [] });
    expect(upToDate.migrations.every((m) => m.state === 'applied' && !Number.isNaN(Date.parse(m.appliedAt ?? '')))).toBe(true);
  });

  it('a host that installed six modules: status passes, migrate installs nothing new, --add installs one more', async () => {
    const schema = 'status_six';
    const six = ['audit', 'idempotency', 'roles', 'planning', 'learning', 'achievements'];
    const installed = [...new Set(shippedMigrations(six).map((m) => m.module))];
    const notInstalled = MODULE_NAMES.filter((m) => !installed.includes(m));
    expect(installed).toHaveLength(8); // core comes with roles, learning and achievements, lifecycle with core, audit and roles
    expect((await runCli(['migrate', '--schema', schema, '--modules', six.join(',')], { env: env() })).code).toBe(0);

    const run = await runCli(['status', '--schema', schema, '--exit-code', '--json'], { env: env() });
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as StatusDocument & { installed: string[]; toInstall: string[]; notInstalled: string[] };
    expect(doc).toMatchObject({ upToDate: true, pending: 0, installed, toInstall: [], notInstalled });
    const text = await runCli(['status', '--schema', schema, '--exit-code'], { env: env() });
    expect(text.code).toBe(0);
    expect(lines(text.stdout).slice(-3)).toEqual([
      `installed: ${installed.join(', ')}`,
      `not installed: ${notInstalled.join(', ')}`,
      `${shippedMigrations(six).length} applied, 0 pending, 0 changed, 0 missing.`,
    ]);

    const again = await runCli(['migrate', '--schema', schema], { env: env() });
    expect(again.code).toBe(0);
    expect(lines(again.stdout)).toEqual([expect.stringMatching(/: upgrading the installed modules \(/), 'Nothing to do: already up to date.']);
    expect(await historyIn(database().pool, schema)).toHaveLength(shippedMigrations(six).length);

    // naming a module that is not installed, status and migrate both refuse and point at --add
    const named = await runCli(['status', '--schema', schema, '--modules', 'telegram', '--exit-code'], { env: env() });
    expect(named.code).toBe(2);
    expect(named.stderr).toContain('--add telegram');
    expect((await runCli(['status', '--schema', schema, '--add', 'telegram', '--exit-code'], { env: env() })).code).toBe(3);

    const added = await runCli(['migrate', '--schema', schema, '--add', 'telegram'], { env: env() });
    expect(added.code).toBe(0);
    expect(progressKeys(added.stdout)).toEqual(shippedMigrations(['telegram']).filter((m) => m.module === 'telegram').map((m) => m.key));
    const after = JSON.parse((await runCli(['status', '--schema', schema, '--json'], { env: env() })).stdout) as { installed: string[]; notInstalled: string[] };
    expect(after.notInstalled).toEqual(notInstalled.filter((m) => m !== 'telegram'));
    expect(after.installed).toContain('telegram');
  });
});
