import { describe, expect, it } from 'vitest';
import { failureOf, historyIn, lines, progressKeys, runCli, shippedMigrations, tablesIn } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/database.js';
import { readSchemaManifest } from '../helpers/schema-manifest.js';

const all = shippedMigrations();
const tablesOf = (migrations: typeof all) => [...migrations.flatMap((m) => m.tables), 'schema_kit_migrations', 'schema_kit_modules'].sort();

describe('schema-kit down', () => {
  const database = useTestDatabase();
  const env = () => ({ DATABASE_URL: database().url });

  it('reverts the two newest migrations with --steps 2, and migrate brings them back', async () => {
    expect((await runCli(['migrate'], { env: env() })).code).toBe(0);
    expect(await tablesIn(database().pool, 'schema_kit')).toEqual(tablesOf(all));

    const down = await runCli(['down', '--steps', '2', '--yes'], { env: env() });
    expect(down.stderr).toBe('');
    expect(down.code).toBe(0);
    const reverted = all.slice(-2).reverse();
    expect(progressKeys(down.stdout, '✓', 'down')).toEqual(reverted.map((m) => m.key));
    expect(lines(down.stdout).at(-1)).toMatch(/^Reverted 2 migration\(s\) in /);
    const kept = all.slice(0, -2);
    expect(await historyIn(database().pool, 'schema_kit')).toEqual(kept.map((m) => m.key));
    expect(await tablesIn(database().pool, 'schema_kit')).toEqual(tablesOf(kept));
    // a module whose last migration was reverted stays intended: its migrations are pending
    expect((await runCli(['status', '--exit-code'], { env: env() })).code).toBe(3);

    const up = await runCli(['migrate'], { env: env() });
    expect(up.code).toBe(0);
    expect(progressKeys(up.stdout)).toEqual(all.slice(-2).map((m) => m.key));
    expect(await tablesIn(database().pool, 'schema_kit')).toEqual(tablesOf(all));
    expect(await historyIn(database().pool, 'schema_kit')).toEqual(all.map((m) => m.key));
  });

  it('down --uninstall takes the modules left with no migration out of the intended set: migrate leaves them out', async () => {
    const schema = 'down_uninstall';
    expect((await runCli(['migrate', '--schema', schema], { env: env() })).code).toBe(0);
    const last = all.at(-1)!;
    const own = all.filter((m) => m.module === last.module);
    const down = await runCli(['down', '--schema', schema, '--modules', last.module, '--steps', String(own.length), '--yes', '--uninstall'], { env: env() });
    expect(down.code).toBe(0);
    const status = JSON.parse((await runCli(['status', '--schema', schema, '--json', '--exit-code'], { env: env() })).stdout) as { upToDate: boolean; notInstalled: string[] };
    expect(status).toMatchObject({ upToDate: true, notInstalled: [last.module] });
    expect(progressKeys((await runCli(['migrate', '--schema', schema], { env: env() })).stdout)).toEqual([]);
    expect(progressKeys((await runCli(['migrate', '--schema', schema, '--add', last.module], { env: env() })).stdout)).toEqual(own.map((m) => m.key));
  });

  it('down --steps 3 then migrate is a round trip: the same schema as before, by the manifest and doctor', async () => {
    const schema = 'down_round_trip';
    const pool = database().pool;
    expect((await runCli(['migrate', '--schema', schema], { env: env() })).code).toBe(0);
    const before = await readSchemaManifest(pool, schema);
    expect((await runCli(['down', '--schema', schema, '--steps', '3', '--yes'], { env: env() })).code).toBe(0);
    expect(await historyIn(pool, schema)).toEqual(all.slice(0, -3).map((m) => m.key));
    expect((await runCli(['status', '--schema', schema, '--exit-code'], { env: env() })).code).toBe(3);
    const up = await runCli(['migrate', '--schema', schema], { env: env() });
    expect(up.code).toBe(0);
    expect(progressKeys(up.stdout)).toEqual(all.slice(-3).map((m) => m.key));
    expect(await readSchemaManifest(pool, schema)).toEqual(before);
    expect((await runCli(['doctor', '--schema', schema], { env: env() })).code).toBe(0);
  });

  it('reverts exactly one migration by default', async () => {
    const schema = 'down_one';
    expect((await runCli(['migrate', '--schema', schema], { env: env() })).code).toBe(0);
    const down = await runCli(['down', '--schema', schema, '--json', '--yes'], { env: env() });
    expect(down.code).toBe(0);
    const doc = JSON.parse(down.stdout) as { ok: boolean; results: { module: string; migration: string; status: string }[] };
    expect(doc.ok).toBe(true);
    expect(doc.results.map((r) => `${r.module}/${r.migration}:${r.status}`)).toEqual([`${all.at(-1)?.key}:Success`]);
    expect(await historyIn(database().pool, schema)).toEqual(all.slice(0, -1).map((m) => m.key));
  });

  it('checks before it drops: without --yes it lists tables and rows and changes nothing; a host foreign key blocks it', async () => {
    const schema = 'down_host';
    expect((await runCli(['migrate', '--schema', schema, '--modules', 'core,audit,roles'], { env: env() })).code).toBe(0);
    const pool = database().pool;
    await pool.query(`insert into ${schema}.users (role) values ('public')`);
    await pool.query(`insert into ${schema}.event_log (action, entity_type, entity_id) values ('a', 'b', 'c'), ('d', 'e', 'f')`);
    await pool.query(`create schema if not exists host_app`);
    await pool.query(`create table host_app.orders (id int primary key, user_id uuid references ${schema}.users (id))`);
    const history = await historyIn(pool, schema);
    const tables = await tablesIn(pool, schema);

    // every step down to core (roles', audit's migrations, core's); audit's table holds two rows; core is blocked by the host's foreign key
    const core = history.findIndex((key) => key.startsWith('core/'));
    const every = String(history.length - core);
    const allButCore = String(history.length - core - 1);
    const ask = await runCli(['down', '--schema', schema, '--steps', every], { env: env() });
    expect(ask.code).toBe(1);
    const out = lines(ask.stdout);
    expect(out).toContain('  drops table event_log (2 rows)');
    expect(out).toContain('  drops table users (1 row)');
    expect(out.some((line) => /^ {2}blocked by constraint orders_user_id_fkey on table host_app\.orders, outside the schema, which depends on users$/.test(line))).toBe(true);
    expect(failureOf(ask.stderr).error).toMatch(/^schema-kit: Nothing was reverted: objects outside schema "down_host" depend on/);

    const yes = await runCli(['down', '--schema', schema, '--steps', every, '--yes'], { env: env() });
    expect(yes.code).toBe(1);
    expect(yes.stderr).toContain('host_app.orders');
    expect(await historyIn(pool, schema)).toEqual(history);
    expect(await tablesIn(pool, schema)).toEqual(tables);

    // without the host's table in the way, it still asks first, then goes ahead with --yes
    const two = await runCli(['down', '--schema', schema, '--steps', allButCore], { env: env() });
    expect(two.code).toBe(2);
    expect(lines(two.stdout)).toContain('  drops table event_log (2 rows)');
    expect(failureOf(two.stderr)).toEqual({
      error: 'schema-kit: down drops tables and their data: nothing was changed',
      hint: 'hint: run again with --yes to go ahead (--dry-run shows the SQL)',
    });
    expect(two.stdout).not.toContain('nothing was changed'); // said once, on stderr
    expect(await historyIn(pool, schema)).toEqual(history);
    expect((await runCli(['down', '--schema', schema, '--steps', allButCore, '--yes'], { env: env() })).code).toBe(0);
    expect(await historyIn(pool, schema)).toEqual(history.slice(0, core + 1));
    await pool.query('drop schema host_app cascade');
  });

  it('refuses --steps 0 and --steps with another command (exit 2)', async () => {
    const zero = await runCli(['down', '--steps', '0'], { env: env() });
    expect(zero.code).toBe(2);
    expect(failureOf(zero.stderr).error).toContain('--steps');
    expect((await runCli(['migrate', '--steps', '2'], { env: env() })).code).toBe(2);
  });
});
