import { describe, expect, it } from 'vitest';
import { lines, runCli, schemaExists, shippedMigrations } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/database.js';

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
    const rows = lines(before.stdout).slice(1, -1);
    expect(rows).toEqual(all.map((m) => `  pending  ${m.key}`));
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
    const applied = lines(after.stdout).slice(1, -1);
    expect(applied).toHaveLength(all.length);
    applied.forEach((line, i) => expect(line).toMatch(new RegExp(`^ {2}applied  ${all[i]?.key} {2}\\d{4}-\\d\\d-\\d\\dT`)));
    expect(lines(after.stdout).at(-1)).toBe(`${all.length} applied, 0 pending, 0 changed, 0 missing.`);

    const upToDate = JSON.parse((await runCli(['status', '--json', '--exit-code'], { env: env() })).stdout) as StatusDocument;
    expect(upToDate).toMatchObject({ upToDate: true, pending: 0, problems: [] });
    expect(upToDate.migrations.every((m) => m.state === 'applied' && !Number.isNaN(Date.parse(m.appliedAt ?? '')))).toBe(true);
  });

  it('reports a partly installed schema as pending for the rest', async () => {
    const schema = 'status_partial';
    expect((await runCli(['migrate', '--schema', schema, '--modules', 'audit'], { env: env() })).code).toBe(0);
    const run = await runCli(['status', '--schema', schema, '--exit-code', '--json'], { env: env() });
    expect(run.code).toBe(3);
    const doc = JSON.parse(run.stdout) as StatusDocument;
    expect(doc.pending).toBe(all.length - shippedMigrations(['audit']).length);
    expect(doc.migrations.filter((m) => m.state === 'applied').map((m) => m.module)).toEqual(shippedMigrations(['audit']).map(() => 'audit'));

    // scoped to the installed module, nothing is pending
    expect((await runCli(['status', '--schema', schema, '--modules', 'audit', '--exit-code'], { env: env() })).code).toBe(0);
  });
});
