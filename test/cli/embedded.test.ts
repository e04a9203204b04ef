import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempFolder } from '../helpers/temp.js';
import { lines, progressKeys, runCli, shippedMigrations } from '../helpers/cli.js';
import { HANG_LIMIT_MS } from '../helpers/wait.js';

const all = shippedMigrations();

describe('schema-kit without DATABASE_URL', () => {
  const folder = tempFolder('cli-embedded-');

  it('uses an embedded PostgreSQL in ./.schema-kit, keeps it between runs and stops it after each', async () => {
    const first = await runCli(['migrate'], { cwd: folder });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(lines(first.stdout)[0]).toMatch(/^schema-kit migrate: no DATABASE_URL given: using the embedded PostgreSQL in \.\/\.schema-kit \(/);
    expect(progressKeys(first.stdout)).toEqual(all.map((m) => m.key));
    expect(existsSync(join(folder, '.schema-kit', 'data', 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(folder, '.schema-kit', 'data', 'postmaster.pid'))).toBe(false); // stopped

    const second = await runCli(['migrate'], { cwd: folder });
    expect(second.code).toBe(0);
    expect(lines(second.stdout)[0]).toContain('embedded PostgreSQL in ./.schema-kit');
    expect(lines(second.stdout).slice(1)).toEqual(['Nothing to do: already up to date.']);

    const status = await runCli(['status', '--exit-code'], { cwd: folder });
    expect(status.code).toBe(0);
    expect(lines(status.stdout).at(-1)).toBe(`${all.length} applied, 0 pending, 0 changed, 0 missing.`);
    expect(existsSync(join(folder, '.schema-kit', 'data', 'postmaster.pid'))).toBe(false);
  }, 3 * HANG_LIMIT_MS); // three CLI runs, each under runCli's hang guard: initdb and all migrations in the first
});
