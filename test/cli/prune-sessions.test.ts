import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/database.js';

describe('schema-kit prune-sessions', () => {
  const database = useTestDatabase();

  it('deletes the expired sessions only, says how many, and fails on a schema without the sessions module', async () => {
    const { url, pool } = database();
    const missing = await runCli(['prune-sessions', '--database-url', url]);
    expect(missing.code).toBe(1);
    expect((await runCli(['migrate', '--modules', 'sessions', '--database-url', url])).code).toBe(0);
    await pool.query(`insert into schema_kit.sessions (key, value, expires_at) values
      ('gone:1', '{}', now() - interval '1 minute'), ('gone:2', '1', now() - interval '1 day'),
      ('live', '{}', now() + interval '1 day'), ('forever', '{}', null)`);
    const run = await runCli(['prune-sessions', '--json', '--database-url', url]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ command: 'prune-sessions', ok: true, deleted: 2 });
    expect((await pool.query(`select key from schema_kit.sessions order by key`)).rows).toEqual([{ key: 'forever' }, { key: 'live' }]);
    expect((await runCli(['prune-sessions', '--database-url', url])).stdout).toContain('Deleted 0 expired session(s).');
  });
});
