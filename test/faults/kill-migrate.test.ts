import { spawn } from 'node:child_process';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { ensureHistory } from '../../src/migrate/history.js';
import { MODULE_NAMES } from '../../src/modules.js';
import { shippedMigrations } from '../../src/migrate/migration-source.js';

/** core's migrations: all applied before the killed run, which adds interests. */
const coreMigrations = shippedMigrations('core').length;
import { useTestDatabase } from '../helpers/database.js';
import { CLI_PATH, runCli } from '../helpers/cli.js';
import { HANG_LIMIT_MS, waitFor } from '../helpers/wait.js';

describe('faults: schema-kit migrate killed with SIGKILL in the middle of a migration', () => {
  const database = useTestDatabase();

  it('leaves no partial schema and no held lock, and the next run completes', async () => {
    const { url, pool } = database();
    expect((await runCli(['migrate', '--modules', 'core', '--database-url', url])).code).toBe(0);

    // hold users exclusively: the interests migration creates content_packages, then blocks on
    // its foreign key to users, half-way through
    const blocker = new pg.Client({ connectionString: url });
    await blocker.connect();
    await blocker.query('begin');
    await blocker.query('lock table schema_kit.users in access exclusive mode');
    const child = spawn(process.execPath, [CLI_PATH, 'migrate', '--add', 'interests', '--database-url', url], { stdio: 'ignore' });
    try {
      const pid = await waitFor(async () => {
        const { rows } = await pool.query(
          `select pid from pg_stat_activity where wait_event_type = 'Lock' and query like '%user_interests%'`,
        );
        return rows[0]?.pid as number | undefined;
      }, 'the migration to block half-way');
      const partial = await pool.query(`select 1 from pg_stat_activity where pid = $1 and state = 'active'`, [pid]);
      expect(partial.rowCount).toBe(1);
      child.kill('SIGKILL');
      await new Promise((resume) => child.once('exit', resume));
      await blocker.query('commit'); // let the orphaned backend run on: its transaction can never commit
      await waitFor(async () => ((await pool.query('select 1 from pg_stat_activity where pid = $1', [pid])).rowCount === 0 ? true : undefined), 'the orphaned backend to end');
    } finally {
      child.kill('SIGKILL');
      await blocker.end();
    }

    const tables = await pool.query(`select table_name from information_schema.tables where table_schema = 'schema_kit' order by 1`);
    expect(tables.rows.map((r) => r.table_name)).toEqual(['erased_identifiers', 'lifecycle_log', 'lifecycle_partitioned_logs', 'roles', 'schema_kit_migrations', 'schema_kit_modules', 'skill_levels', 'users']);
    const history = await pool.query(`select module from schema_kit.schema_kit_migrations`);
    expect(history.rows.map((r) => r.module)).toEqual(['lifecycle', ...Array(coreMigrations).fill('core')]);
    // pg_locks is server-wide: look at this database's advisory locks only
    const locks = await pool.query(`select 1 from pg_locks l join pg_database d on d.oid = l.database
      where l.locktype = 'advisory' and d.datname = current_database()`);
    expect(locks.rowCount).toBe(0);

    const again = await runCli(['migrate', '--add', 'interests', '--database-url', url, '--lock-timeout', '2000']); // no lock left: taken at once
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('interests/0001_interests');
  }, 3 * HANG_LIMIT_MS); // two waits under the hang limit, and CLI runs

  it('a first migrate killed after 4 of the modules: status shows the rest pending, the rerun installs every module', async () => {
    const { url, pool, db } = database();
    const schema = 'kill_first';
    // the runner's own tables, as a first run makes them, so that a session can hold a history row
    // the run will need: an uncommitted row with the key of interests' first migration makes that
    // migration's history insert wait on the unique index, after lifecycle, core, audit, idempotency
    await ensureHistory(db as unknown as Kysely<unknown>, schema);
    const blocker = new pg.Client({ connectionString: url });
    await blocker.connect();
    await blocker.query('begin');
    await blocker.query(`insert into ${schema}.schema_kit_migrations (module, name, checksum, duration_ms) values ('interests', '0001_interests', 'blocker', 0)`);
    const child = spawn(process.execPath, [CLI_PATH, 'migrate', '--schema', schema, '--database-url', url], { stdio: 'ignore' });
    try {
      const pid = await waitFor(async () => {
        const { rows } = await pool.query(
          `select pid from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database() and query like '%schema_kit_migrations%'`,
        );
        return rows[0]?.pid as number | undefined;
      }, 'the first migrate to block on interests');
      child.kill('SIGKILL');
      await new Promise((resume) => child.once('exit', resume));
      await blocker.query('rollback'); // the orphaned backend's insert goes on: its transaction can never commit
      await waitFor(async () => ((await pool.query('select 1 from pg_stat_activity where pid = $1', [pid])).rowCount === 0 ? true : undefined), 'the orphaned backend to end');
    } finally {
      child.kill('SIGKILL');
      await blocker.end();
    }
    const history = await pool.query(`select distinct module from ${schema}.schema_kit_migrations`);
    expect(history.rows.map((r) => r.module).sort()).toEqual(['audit', 'core', 'idempotency', 'lifecycle']);

    const status = await runCli(['status', '--schema', schema, '--exit-code', '--json', '--database-url', url]);
    expect(status.code).toBe(3);
    const doc = JSON.parse(status.stdout) as { upToDate: boolean; pending: number; toInstall: string[] };
    expect(doc.upToDate).toBe(false);
    expect(doc.toInstall).toEqual(MODULE_NAMES.filter((m) => !['lifecycle', 'core', 'audit', 'idempotency'].includes(m)));
    expect((await runCli(['doctor', '--schema', schema, '--database-url', url])).code).not.toBe(0);

    const again = await runCli(['migrate', '--schema', schema, '--database-url', url, '--lock-timeout', '2000']);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain('Nothing to do');
    const installed = await pool.query(`select distinct module from ${schema}.schema_kit_migrations`);
    expect(installed.rows.map((r) => r.module).sort()).toEqual([...MODULE_NAMES].sort());
    expect((await runCli(['status', '--schema', schema, '--exit-code', '--database-url', url])).code).toBe(0);
    const doctor = await runCli(['doctor', '--schema', schema, '--database-url', url]);
    expect(doctor.stdout).toContain(`No drift: ${MODULE_NAMES.length} installed module(s)`);
    expect(doctor.code).toBe(0);
  }, 3 * HANG_LIMIT_MS);
});
