import { describe, expect, it } from 'vitest';
import { failureOf, lines, progressKeys, runCli, schemaExists, shippedMigrations } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/database.js';
import { HANG_LIMIT_MS } from '../helpers/wait.js';

const all = shippedMigrations();
const RUNNERS = 10;

describe('concurrent schema-kit migrate processes', () => {
  const database = useTestDatabase();

  it('apply every migration exactly once; the others wait and find nothing to do', async () => {
    const env = { DATABASE_URL: database().url };
    // the waiting runners must outwait the one migrating, however slow the machine: a lock
    // timeout of the hang limit (not the 60 s default), and runCli's guard above it
    const args = ['migrate', '--lock-timeout', String(HANG_LIMIT_MS)];
    const runs = await Promise.all(Array.from({ length: RUNNERS }, () => runCli(args, { env, timeoutMs: 2 * HANG_LIMIT_MS })));

    expect(runs.map((r) => r.code)).toEqual(Array(RUNNERS).fill(0));
    expect(runs.map((r) => r.stderr).join('')).toBe('');
    const applied = runs.flatMap((r) => progressKeys(r.stdout));
    expect(applied.sort()).toEqual(all.map((m) => m.key).sort());
    expect(runs.filter((r) => lines(r.stdout).includes('Nothing to do: already up to date.')).length).toBeGreaterThanOrEqual(1);

    const { rows } = await database().pool.query<{ key: string; times: number }>(
      `select module || '/' || name as key, count(*)::int as times
         from schema_kit.schema_kit_migrations group by module, name order by min(id)`,
    );
    expect(rows).toEqual(all.map((m) => ({ key: m.key, times: 1 })));
    const { rows: locks } = await database().pool.query<{ held: number }>(
      `select count(*)::int as held from pg_locks l join pg_database d on d.oid = l.database
        where l.locktype = 'advisory' and l.classid = $1 and d.datname = current_database()`,
      [0x736b],
    );
    expect(locks[0]?.held).toBe(0);
  }, 3 * HANG_LIMIT_MS);

  it('gives up with exit 1, the error and a hint, when another runner holds the lock past --lock-timeout', async () => {
    const schema = 'locked_elsewhere';
    const holder = await database().pool.connect();
    try {
      await holder.query('select pg_advisory_lock($1, hashtext($2))', [0x736b, schema]);
      const run = await runCli(['migrate', '--schema', schema, '--lock-timeout', '300'], { env: { DATABASE_URL: database().url } });
      expect(run.code).toBe(1);
      expect(failureOf(run.stderr).error).toMatch(/^schema-kit: .*lock/);
      expect(progressKeys(run.stdout)).toEqual([]);
      expect(await schemaExists(database().pool, schema)).toBe(false);
    } finally {
      await holder.query('select pg_advisory_unlock_all()');
      holder.release();
    }
  });
});
