import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/database.js';

describe('schema-kit partitions, retention and forget', () => {
  const database = useTestDatabase();

  it('creates partitions ahead, drops old ones, forgets a user, and refuses bad usage', async () => {
    const { url, pool } = database();
    expect((await runCli(['migrate', '--modules', 'core,audit', '--database-url', url])).code).toBe(0);

    const ahead = await runCli(['partitions', '--ahead', '5', '--json', '--database-url', url]);
    expect(ahead.code).toBe(0);
    const created = JSON.parse(ahead.stdout).created as string[];
    expect(created).toHaveLength(2); // months 4 and 5: migrate made 0-3
    expect((await runCli(['partitions', '--ahead', '5', '--database-url', url])).stdout).toContain('Created 0 partition(s).');

    const past = new Date(Date.UTC(new Date().getUTCFullYear() - 1, 0, 1));
    await pool.query(`select schema_kit.lifecycle_create_partitions('schema_kit.event_log', array[$1::timestamptz])`, [past]);
    const retention = await runCli(['retention', '--table', 'event_log', '--before', `${past.getUTCFullYear()}-06-01`, '--database-url', url]);
    expect(retention.code).toBe(0);
    expect(retention.stdout).toContain(`- schema_kit.event_log_p${past.getUTCFullYear()}01`);
    expect(retention.stdout).toContain('Dropped 1 partition(s) of event_log.');

    const { rows } = await pool.query(`insert into schema_kit.users (email) values ('gone@example.org') returning id`);
    await pool.query(`insert into schema_kit.event_log (user_id, action, entity_type, entity_id) values ('tg:5', 'a', 'user', $1)`, [rows[0].id]);
    const forget = await runCli(['forget', '--user', rows[0].id, '--identifiers', 'tg:5', '--json', '--database-url', url]);
    expect(forget.code).toBe(0);
    const doc = JSON.parse(forget.stdout);
    expect(doc.rows).toEqual({ event_log: 1, users: 1 });
    expect((await pool.query(`select user_id from schema_kit.event_log`)).rows).toEqual([{ user_id: doc.pseudonym }]);

    for (const args of [
      ['retention', '--table', 'event_log'],
      ['retention', '--table', 'users', '--before', '2020-01-01'],
      ['retention', '--table', 'event_log', '--before', 'yesterday-ish'],
      ['partitions', '--ahead', '-1'],
      ['forget'],
      ['migrate', '--ahead', '3'],
      ['forget', '--user', 'x', '--detach'],
    ]) {
      const run = await runCli([...args, '--database-url', url]);
      expect(run.code, args.join(' ')).toBe(2);
    }
    const bad = await runCli(['forget', '--user', 'not-a-uuid', '--database-url', url]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/options\.userId/);
  });
});
