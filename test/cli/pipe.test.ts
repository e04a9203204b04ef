import { describe, expect, it } from 'vitest';
import { historyIn, lines, runCli, shippedMigrations } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/database.js';

const all = shippedMigrations();

describe('schema-kit writing to a reader that goes away', () => {
  const database = useTestDatabase();
  const env = () => ({ DATABASE_URL: database().url });

  it('finishes the migration when stdout closes after the first line (`schema-kit migrate | head -1`)', async () => {
    const schema = 'pipe_closed';
    const run = await runCli(['migrate', '--schema', schema], { env: env(), closeStdoutEarly: true });
    expect(lines(run.stdout)[0]).toMatch(/^schema-kit migrate: /);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(await historyIn(database().pool, schema)).toEqual(all.map((m) => m.key));
  });

  it('exits quietly when a long dry run or status is cut short', async () => {
    for (const args of [['migrate', '--dry-run', '--schema', 'pipe_dry'], ['status', '--schema', 'pipe_closed']]) {
      const run = await runCli(args, { env: env(), closeStdoutEarly: true });
      expect(run.stderr, args.join(' ')).toBe('');
      expect(run.code, args.join(' ')).toBe(0);
    }
  });
});
