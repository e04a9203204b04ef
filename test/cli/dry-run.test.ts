import { describe, expect, it } from 'vitest';
import { historyIn, lines, runCli, schemaExists, shippedMigrations, tablesIn } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/database.js';

const all = shippedMigrations();

describe('schema-kit --dry-run', () => {
  const database = useTestDatabase();
  const env = () => ({ DATABASE_URL: database().url });

  it('prints the SQL of every pending migration and creates nothing', async () => {
    const schema = 'dry_fresh';
    const run = await runCli(['migrate', '--dry-run', '--schema', schema], { env: env() });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`CREATE TABLE "${schema}".`);
    expect(run.stdout).not.toContain(':SCHEMA_KIT_SCHEMA');
    const headers = lines(run.stdout).filter((line) => line.startsWith('-- ') && line.endsWith(' (up)'));
    expect(headers).toEqual(all.map((m) => `-- ${m.key} (up)`));
    expect(lines(run.stdout).at(-1)).toBe(`Dry run: ${all.length} migration(s) would run; nothing was changed.`);
    expect(await schemaExists(database().pool, schema)).toBe(false);
  });

  it('plans only what is pending, as JSON too, and leaves the history alone', async () => {
    const schema = 'dry_partial';
    expect((await runCli(['migrate', '--schema', schema, '--modules', 'core'], { env: env() })).code).toBe(0);
    const tables = await tablesIn(database().pool, schema);
    const history = await historyIn(database().pool, schema);

    const others = [...new Set(all.map((m) => m.module))].filter((m) => m !== 'core').join(',');
    const run = await runCli(['migrate', '--dry-run', '--json', '--schema', schema, '--add', others], { env: env() });
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as { dryRun: boolean; results: { module: string; migration: string; status: string; sql: string }[] };
    expect(doc.dryRun).toBe(true);
    expect(doc.results.map((r) => `${r.module}/${r.migration}`)).toEqual(all.filter((m) => m.module !== 'core' && m.module !== 'lifecycle').map((m) => m.key));
    expect(doc.results.every((r) => r.status === 'Planned' && r.sql.length > 0)).toBe(true);
    expect(doc.results.some((r) => r.sql.includes(`CREATE TABLE "${schema}".`))).toBe(true);

    const down = await runCli(['down', '--dry-run', '--schema', schema], { env: env() });
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('-- core/');
    expect(down.stdout).toMatch(/DROP /i);

    expect(await tablesIn(database().pool, schema)).toEqual(tables);
    expect(await historyIn(database().pool, schema)).toEqual(history);
  });
});
