import { describe, expect, it } from 'vitest';
import { failureOf, historyIn, lines, runCli, shippedMigrations } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/database.js';

describe('schema-kit with a changed migration', () => {
  const database = useTestDatabase();
  const env = () => ({ DATABASE_URL: database().url });

  it('reports the changed checksum in status and refuses to migrate', async () => {
    expect((await runCli(['migrate', '--modules', 'core'], { env: env() })).code).toBe(0);
    const changed = shippedMigrations(['core'])[0];
    if (!changed) throw new Error('core ships no migration');
    await database().pool.query(`update schema_kit.schema_kit_migrations set checksum = 'x' where module = $1 and name = $2`, [
      changed.module,
      changed.name,
    ]);

    const status = await runCli(['status'], { env: env() });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`^ {2}changed {2}${changed.key} `, 'm'));
    expect(status.stdout).toContain(`problem: Migration ${changed.key} was applied with a different checksum`);
    expect((await runCli(['status', '--exit-code'], { env: env() })).code).toBe(3);
    const doc = JSON.parse((await runCli(['status', '--json'], { env: env() })).stdout) as {
      upToDate: boolean;
      problems: { code: string; module: string; migration: string }[];
    };
    expect(doc.upToDate).toBe(false);
    expect(doc.problems).toEqual([expect.objectContaining({ code: 'checksum_mismatch', module: changed.module, migration: changed.name })]);

    const migrate = await runCli(['migrate'], { env: env() });
    expect(migrate.code).toBe(1);
    expect(lines(migrate.stdout)).toHaveLength(1); // the target line; no migration ran
    expect(failureOf(migrate.stderr).error).toContain(changed.key);
    expect(migrate.stderr).toMatch(/checksum/);
    // the pending modules did not run
    expect(await historyIn(database().pool, 'schema_kit')).toEqual(shippedMigrations(['core']).map((m) => m.key));

    const json = await runCli(['migrate', '--json'], { env: env() });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: { code: 'checksum_mismatch' } });
  });
});
