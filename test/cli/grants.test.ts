import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/database.js';

describe('schema-kit grants', () => {
  const database = useTestDatabase();

  it('grants a runtime role least privilege, prints the statements, and refuses a missing --role', async () => {
    const { url, pool, name } = database();
    const role = `${name}_cli_rt`;
    expect((await runCli(['migrate', '--modules', 'audit,idempotency', '--database-url', url])).code).toBe(0);
    await pool.query(`create role "${role}" login`);
    try {
      const dry = await runCli(['grants', '--role', role, '--dry-run', '--json', '--database-url', url]);
      expect(dry.code).toBe(0);
      expect(JSON.parse(dry.stdout).statements).toContain(`GRANT SELECT, INSERT ON "schema_kit"."event_log" TO "${role}"`);
      const privilege = async (table: string, what: string) =>
        (await pool.query('select has_table_privilege($1, $2, $3) as can', [role, `schema_kit.${table}`, what])).rows[0].can;
      expect(await privilege('event_log', 'INSERT')).toBe(false); // the dry run granted nothing

      const run = await runCli(['grants', '--role', role, '--database-url', url]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Granted role "${role}"`);
      expect(await privilege('event_log', 'INSERT')).toBe(true);
      expect(await privilege('event_log', 'UPDATE')).toBe(false);
      expect(await privilege('processed_messages', 'DELETE')).toBe(true);

      expect((await runCli(['grants', '--database-url', url])).code).toBe(2);
      expect((await runCli(['grants', '--role', 'x"; drop', '--database-url', url])).code).toBe(2);
    } finally {
      await pool.query(`drop owned by "${role}"`);
      await pool.query(`drop role "${role}"`);
    }
  });
});
