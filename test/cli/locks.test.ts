import { describe, expect, it } from 'vitest';
import { lockLine } from '../../src/cli/lock-lines.js';
import { migrateCatalogToLatest } from '../../src/migrate/migrate-to-latest.js';
import { migrateToLatest, migrationStatus } from '../../src/index.js';
import { SHIPPED_CATALOG } from '../../src/shipped.js';
import { lines, runCli } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/database.js';

/** The catalog of release 0.1.0: every module at its first migration (applied files never change). */
const RELEASE_0_1 = SHIPPED_CATALOG.map((module) => ({ ...module, migrations: module.migrations.filter((m) => m.name.startsWith('0001_')) }));

describe('status and migrate --dry-run show the locks of each pending migration', () => {
  const database = useTestDatabase();

  it('one line per finding: lock, table, rewrite, rule, allowed and why', () => {
    const base = { statement: 'ALTER TABLE t ALTER COLUMN c SET NOT NULL', line: 7, rewrites: false, message: 'm' } as const;
    expect(lockLine({ ...base, rule: 'set-not-null', table: 't', lock: 'ACCESS EXCLUSIVE', allowed: true, reason: 'proven by CHECK t_c_check' }))
      .toBe('line 7: ACCESS EXCLUSIVE on t (set-not-null; allowed: proven by CHECK t_c_check)');
    expect(lockLine({ ...base, rule: 'stored-generated-column', table: 'messages', lock: 'ACCESS EXCLUSIVE', rewrites: true, allowed: false }))
      .toBe('line 7: ACCESS EXCLUSIVE on messages, rewrites it (stored-generated-column; not allowed)');
    expect(lockLine({ ...base, rule: 'marker-without-reason', message: '-- schema-kit:lock-heavy needs a reason', allowed: false }))
      .toBe('line 7: -- schema-kit:lock-heavy needs a reason (marker-without-reason; not allowed)');
  });

  it('on an upgrade of release 0.1.0: the lines say what the library reports, under each migration', async () => {
    const { db, url } = database();
    const schema = 'locks_upgrade';
    expect((await migrateCatalogToLatest(db as never, RELEASE_0_1, { schema })).error).toBeUndefined();
    const env = { DATABASE_URL: url };

    const status = await migrationStatus(db, { schema });
    const expected = status.migrations.flatMap((m) => [`  ${m.state.padEnd(8)} ${m.module}/${m.migration}`, ...(m.locks ?? []).map((f) => `             lock ${lockLine(f)}`)]);
    const shown = await runCli(['status', '--schema', schema], { env });
    expect(shown.code).toBe(0);
    expect(lines(shown.stdout).filter((line) => line.startsWith('  ')).map((line) => line.replace(/ {2}\d{4}-\S+$/, ''))).toEqual(expected);
    const json = JSON.parse((await runCli(['status', '--schema', schema, '--json'], { env })).stdout) as { migrations: { locks?: unknown[] }[] };
    expect(json.migrations.map((m) => m.locks)).toEqual(status.migrations.map((m) => m.locks));

    const plan = await migrateToLatest(db, { schema, dryRun: true });
    const dry = await runCli(['migrate', '--dry-run', '--schema', schema], { env });
    expect(dry.code).toBe(0);
    expect(lines(dry.stdout).filter((line) => line.startsWith('--   lock '))).toEqual(plan.results.flatMap((r) => (r.locks ?? []).map((f) => `--   lock ${lockLine(f)}`)));
    expect(plan.results.map((r) => r.locks)).toEqual(status.migrations.filter((m) => m.state === 'pending').map((m) => m.locks));
  });
});
