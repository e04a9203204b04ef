import { describe, expect, it } from 'vitest';
import { historyIn, lines, progressKeys, runCli, shippedMigrations, tablesIn } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/database.js';

const all = shippedMigrations();
const tablesOf = (migrations: typeof all) => [...migrations.flatMap((m) => m.tables), 'schema_kit_migrations'].sort();

describe('schema-kit down', () => {
  const database = useTestDatabase();
  const env = () => ({ DATABASE_URL: database().url });

  it('reverts the two newest migrations with --steps 2, and migrate brings them back', async () => {
    expect((await runCli(['migrate'], { env: env() })).code).toBe(0);
    expect(await tablesIn(database().pool, 'schema_kit')).toEqual(tablesOf(all));

    const down = await runCli(['down', '--steps', '2'], { env: env() });
    expect(down.stderr).toBe('');
    expect(down.code).toBe(0);
    const reverted = all.slice(-2).reverse();
    expect(progressKeys(down.stdout, '✓', 'down')).toEqual(reverted.map((m) => m.key));
    expect(lines(down.stdout).at(-1)).toMatch(/^Reverted 2 migration\(s\) in /);
    const kept = all.slice(0, -2);
    expect(await historyIn(database().pool, 'schema_kit')).toEqual(kept.map((m) => m.key));
    expect(await tablesIn(database().pool, 'schema_kit')).toEqual(tablesOf(kept));
    expect((await runCli(['status', '--exit-code'], { env: env() })).code).toBe(3);

    const up = await runCli(['migrate'], { env: env() });
    expect(up.code).toBe(0);
    expect(progressKeys(up.stdout)).toEqual(all.slice(-2).map((m) => m.key));
    expect(await tablesIn(database().pool, 'schema_kit')).toEqual(tablesOf(all));
    expect(await historyIn(database().pool, 'schema_kit')).toEqual(all.map((m) => m.key));
  });

  it('reverts exactly one migration by default', async () => {
    const schema = 'down_one';
    expect((await runCli(['migrate', '--schema', schema], { env: env() })).code).toBe(0);
    const down = await runCli(['down', '--schema', schema, '--json'], { env: env() });
    expect(down.code).toBe(0);
    const doc = JSON.parse(down.stdout) as { ok: boolean; results: { module: string; migration: string; status: string }[] };
    expect(doc.ok).toBe(true);
    expect(doc.results.map((r) => `${r.module}/${r.migration}:${r.status}`)).toEqual([`${all.at(-1)?.key}:Success`]);
    expect(await historyIn(database().pool, schema)).toEqual(all.slice(0, -1).map((m) => m.key));
  });

  it('refuses --steps 0 and --steps with another command (exit 2)', async () => {
    const zero = await runCli(['down', '--steps', '0'], { env: env() });
    expect(zero.code).toBe(2);
    expect(lines(zero.stderr)).toHaveLength(1);
    expect((await runCli(['migrate', '--steps', '2'], { env: env() })).code).toBe(2);
  });
});
