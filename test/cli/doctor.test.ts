import { describe, expect, it } from 'vitest';
import { failureOf, lines, runCli } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/database.js';

interface DoctorDocument {
  ok: boolean;
  installed: string[];
  differences: { kind: string; object: string; message: string }[];
  additions: { kind: string; object: string; message: string }[];
}

describe('schema-kit doctor', () => {
  const database = useTestDatabase();
  const env = () => ({ DATABASE_URL: database().url });
  const doctor = async (schema: string, ...extra: string[]) => {
    const run = await runCli(['doctor', '--schema', schema, '--json', ...extra], { env: env() });
    return { code: run.code, doc: JSON.parse(run.stdout) as DoctorDocument };
  };

  it('finds no drift on a fresh install, then each kind of hand-made drift, one line each', async () => {
    const schema = 'doctor_drift';
    const q = (text: string) => database().pool.query(text);
    expect((await runCli(['migrate', '--schema', schema, '--modules', 'core,audit,idempotency'], { env: env() })).code).toBe(0);
    const clean = await runCli(['doctor', '--schema', schema], { env: env() });
    expect(clean.code).toBe(0);
    expect(lines(clean.stdout).at(-1)).toBe('No drift: 4 installed module(s) match the package.');

    await q(`alter table ${schema}.users alter column email type varchar(200)`);
    await q(`alter table ${schema}.processed_messages alter column consumer drop default`);
    const { rows: index } = await database().pool.query<{ name: string }>(
      `select indexname as name from pg_indexes where schemaname = $1 and tablename = 'event_log' and indexname not like '%pkey' order by 1 limit 1`, [schema]);
    await q(`drop index ${schema}.${index[0]!.name}`);
    const { rows: trigger } = await database().pool.query<{ name: string }>(
      `select tgname as name from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = $1 and c.relname = 'event_log' and not tgisinternal order by 1 limit 1`, [schema]);
    await q(`alter table ${schema}.event_log disable trigger ${trigger[0]!.name}`);
    const { rows: check } = await database().pool.query<{ name: string }>(
      `select conname as name from pg_constraint where conrelid = '${schema}.users'::regclass and contype = 'c' and conname like 'users_email%' order by 1 limit 1`); // the type change shows in no other CHECK
    await q(`alter table ${schema}.users drop constraint ${check[0]!.name}`);
    await q(`alter table ${schema}.users add column nickname text`);
    await q(`create table ${schema}.host_notes (id int)`); // the host's own table: not schema-kit's business

    const { code, doc } = await doctor(schema);
    expect(code).toBe(1);
    expect(doc.ok).toBe(false);
    const byObject = Object.fromEntries(doc.differences.map((d) => [d.object, d]));
    expect(byObject['users.email']).toMatchObject({ kind: 'column', message: expect.stringMatching(/^column users\.email differs: type is "character varying\(200\)", expected "text"/) });
    expect(byObject['processed_messages.consumer']).toMatchObject({ kind: 'column', message: expect.stringContaining('default is null') });
    expect(byObject[`event_log.${index[0]!.name}`]).toMatchObject({ kind: 'index', message: `index event_log.${index[0]!.name} is missing` });
    expect(byObject[`event_log.${trigger[0]!.name}`]).toMatchObject({ kind: 'trigger', message: expect.stringMatching(/is disabled \(expected enabled always\)$/) });
    expect(byObject[`users.${check[0]!.name}`]).toMatchObject({ kind: 'constraint', message: expect.stringMatching(/is missing$/) });
    expect(byObject['users.nickname']).toBeUndefined(); // a nullable column of the host's: an addition, not drift
    expect(doc.additions).toEqual([{ kind: 'column', object: 'users.nickname', message: "column users.nickname is not in the package's schema" }]);
    // the type change shows in the unique index on lower(email) too: six differences besides the partitions
    expect(byObject['users.users_email_key']).toMatchObject({ kind: 'index', message: expect.stringContaining('lower((email)::text)') });
    // disabling the parent's trigger disabled it on every monthly partition: one line per partition
    const { rows: months } = await database().pool.query<{ name: string }>(
      `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = '${schema}.event_log'::regclass and c.relname <> 'event_log_default' order by 1`);
    expect(months.length).toBeGreaterThan(0);
    const onPartitions = doc.differences.filter((d) => months.some((m) => d.object.startsWith(`${m.name}.`)));
    expect(onPartitions.map((d) => d.object)).toEqual(months.map((m) => `${m.name}.${trigger[0]!.name}`));
    expect(onPartitions.every((d) => /is disabled \(expected enabled always\)$/.test(d.message))).toBe(true);
    expect(doc.differences).toHaveLength(6 + months.length);

    const text = await runCli(['doctor', '--schema', schema], { env: env() });
    expect(text.code).toBe(1);
    expect(lines(text.stdout).slice(1, -1)).toEqual([...doc.differences.map((d) => `  ${d.message}`), "  + column users.nickname is not in the package's schema"]);
    expect(lines(text.stdout).at(-1)).toBe(`${6 + months.length} difference(s) in 4 installed module(s) (1 addition(s) of yours, listed with +).`);
  });

  it('with --role compares the runtime role with what grants gives, both ways', async () => {
    const schema = 'doctor_role';
    const role = `${database().name}_doctor`;
    const q = (text: string) => database().pool.query(text);
    expect((await runCli(['migrate', '--schema', schema, '--modules', 'audit,planning'], { env: env() })).code).toBe(0);
    await q(`create role "${role}" login`);
    try {
      expect((await runCli(['grants', '--schema', schema, '--role', role], { env: env() })).code).toBe(0);
      expect((await doctor(schema, '--role', role)).code).toBe(0);

      await q(`grant update on ${schema}.event_log to "${role}"`);
      await q(`revoke insert on ${schema}.projects from "${role}"`);
      await q(`grant select on ${schema}.schema_kit_migrations to "${role}"`);
      const { code, doc } = await doctor(schema, '--role', role);
      expect(code).toBe(1);
      expect(doc.differences.map((d) => d.message)).toEqual([
        `role "${role}" lacks INSERT on projects, which grants gives`,
        `role "${role}" has UPDATE on event_log, which grants does not give`,
        `role "${role}" has SELECT on schema_kit_migrations, which grants does not give`,
      ].sort((a, b) => (a.split(' on ')[1]! < b.split(' on ')[1]! ? -1 : 1)));
      expect(doc.differences.every((d) => d.kind === 'privilege')).toBe(true);

      const missing = await runCli(['doctor', '--schema', schema, '--role', 'sk_no_such_role'], { env: env() });
      expect(missing.code).toBe(1);
      expect(failureOf(missing.stderr).error).toBe('schema-kit: Role "sk_no_such_role" does not exist.');
    } finally {
      await q(`drop owned by "${role}"`);
      await q(`drop role "${role}"`);
    }
  });

  it('checks the monthly partitions: their triggers, their indexes, and with --role no privilege on a partition itself', async () => {
    const schema = 'doctor_partitions';
    const role = `${database().name}_doctor_parts`;
    const q = (text: string) => database().pool.query(text);
    expect((await runCli(['migrate', '--schema', schema, '--modules', 'audit,roles'], { env: env() })).code).toBe(0);
    expect((await doctor(schema)).code).toBe(0);
    const { rows: months } = await database().pool.query<{ name: string }>(
      `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = '${schema}.event_log'::regclass and c.relname <> 'event_log_default' order by 1 limit 1`);
    const month = months[0]!.name;
    const { rows: trigger } = await database().pool.query<{ name: string }>(
      `select tgname as name from pg_trigger where tgrelid = '${schema}.${month}'::regclass and not tgisinternal order by 1 limit 1`);
    await q(`alter table ${schema}.${month} disable trigger ${trigger[0]!.name}`);
    await q(`create index ${month}_extra on ${schema}.${month} (id)`);
    const drift = await doctor(schema);
    expect(drift.code).toBe(1);
    expect(drift.doc.differences).toEqual([
      { kind: 'trigger', object: `${month}.${trigger[0]!.name}`, message: expect.stringMatching(/is disabled \(expected enabled always\)$/) },
    ]);
    expect(drift.doc.additions).toEqual([
      { kind: 'index', object: `${month}.${month}_extra`, message: `index ${month}.${month}_extra is not in the package's schema` },
    ]);
    await q(`alter table ${schema}.${month} enable always trigger ${trigger[0]!.name}`);
    await q(`drop index ${schema}.${month}_extra`);
    expect((await doctor(schema)).code).toBe(0);

    await q(`create role "${role}" login`);
    try {
      expect((await runCli(['grants', '--schema', schema, '--role', role], { env: env() })).code).toBe(0);
      expect((await doctor(schema, '--role', role)).code).toBe(0);
      // partitions made after the grants get nothing directly either
      expect((await runCli(['partitions', '--schema', schema, '--ahead', '8'], { env: env() })).code).toBe(0);
      expect((await doctor(schema, '--role', role)).code).toBe(0);
      await q(`grant select on ${schema}.${month} to "${role}"`);
      await q(`revoke execute on function ${schema}.create_partitions(text, integer) from "${role}"`);
      await q(`grant execute on function ${schema}.drop_partitions_before(text, timestamptz, boolean) to "${role}"`);
      const { code, doc } = await doctor(schema, '--role', role);
      expect(code).toBe(1);
      expect(doc.differences.map((d) => d.message).sort()).toEqual([
        `role "${role}" has EXECUTE on drop_partitions_before(text, timestamp with time zone, boolean), which grants does not give`,
        `role "${role}" has SELECT on partition ${month}, which grants does not give (the partitioned parent is the way in)`,
        `role "${role}" lacks EXECUTE on create_partitions(text, integer), which grants gives`,
      ]);
      expect(doc.differences.every((d) => d.kind === 'privilege')).toBe(true);
    } finally {
      await q(`drop owned by "${role}"`);
      await q(`drop role "${role}"`);
    }
  });

  it("reports the host's additions without failing; missing or changed shipped objects still fail; --allow makes additions explicit", async () => {
    const schema = 'doctor_additions';
    const q = (text: string) => database().pool.query(text);
    expect((await runCli(['migrate', '--schema', schema, '--modules', 'core,audit'], { env: env() })).code).toBe(0);
    await q(`create index users_host_seen_idx on ${schema}.users (last_login_at)`);
    await q(`create view ${schema}.host_active_users as select id from ${schema}.users where is_active`);
    await q(`create function ${schema}.host_touch() returns trigger language plpgsql as $$ begin return new; end $$`);
    await q(`create trigger users_host_touch before update on ${schema}.users for each row execute function ${schema}.host_touch()`);
    await q(`alter table ${schema}.users add column loyalty_points integer not null default 0`);
    await q('create schema if not exists doctor_host; create table if not exists doctor_host.orders (id int)');

    const { code, doc } = await doctor(schema);
    expect(code).toBe(0);
    expect(doc.differences).toEqual([]);
    expect(doc.additions.map((a) => `${a.kind} ${a.object}`).sort()).toEqual([
      'column users.loyalty_points', 'function host_touch', 'index users.users_host_seen_idx', 'trigger users.users_host_touch',
    ]);
    const text = await runCli(['doctor', '--schema', schema], { env: env() });
    expect(text.code).toBe(0);
    expect(lines(text.stdout)).toContain("  + index users.users_host_seen_idx is not in the package's schema");
    expect(lines(text.stdout).at(-1)).toBe('No drift: 3 installed module(s) match the package (4 addition(s) of yours, listed with +).');

    // the allow-list: the listed additions are reported, the others fail
    const allowed = await doctor(schema, '--allow', 'users.users_host_seen_idx', '--allow', 'users.loyalty_points', '--allow', 'host_touch');
    expect(allowed.code).toBe(1);
    expect(allowed.doc.differences).toEqual([
      { kind: 'trigger', object: 'users.users_host_touch', message: "trigger users.users_host_touch is not in the package's schema nor in allowAdditions" },
    ]);
    expect(allowed.doc.additions).toHaveLength(3);

    // a column schema-kit's inserts cannot fill is drift, and a changed shipped object still fails
    await q(`alter table ${schema}.users add column tenant_id integer not null`);
    await q(`alter table ${schema}.event_log alter column action drop not null`);
    const broken = await doctor(schema);
    expect(broken.code).toBe(1);
    expect(broken.doc.differences.map((d) => d.object).sort()).toEqual(['event_log.action', 'users.tenant_id']);
    expect(broken.doc.differences.find((d) => d.object === 'users.tenant_id')?.message).toMatch(/NOT NULL without a default/);
  });

  it('with --role and --also checks the host tables granted with grants --also', async () => {
    const schema = 'doctor_also';
    const role = `${database().name}_doctor_also`;
    const q = (text: string) => database().pool.query(text);
    expect((await runCli(['migrate', '--schema', schema, '--modules', 'core'], { env: env() })).code).toBe(0);
    await q('create schema if not exists doctor_shop; create table if not exists doctor_shop.orders (id serial primary key, note text)');
    await q(`create role "${role}" login`);
    try {
      const granted = await runCli(['grants', '--schema', schema, '--role', role, '--also', 'doctor_shop.orders', '--json'], { env: env() });
      expect(granted.code).toBe(0);
      expect(JSON.parse(granted.stdout).statements).toEqual(expect.arrayContaining([
        `GRANT SELECT, INSERT, UPDATE, DELETE ON "doctor_shop"."orders" TO "${role}"`,
        `GRANT USAGE ON SEQUENCE doctor_shop.orders_id_seq TO "${role}"`,
      ]));
      expect((await doctor(schema, '--role', role, '--also', 'doctor_shop.orders')).code).toBe(0);
      await q(`grant truncate on doctor_shop.orders to "${role}"`);
      await q(`revoke delete on doctor_shop.orders from "${role}"`);
      const { code, doc } = await doctor(schema, '--role', role, '--also', 'doctor_shop.orders');
      expect(code).toBe(1);
      expect(doc.differences.map((d) => d.message).sort()).toEqual([
        `role "${role}" has TRUNCATE on doctor_shop.orders, which grants --also does not give`,
        `role "${role}" lacks DELETE on doctor_shop.orders, which grants --also gives`,
      ]);
      const usage = await runCli(['doctor', '--schema', schema, '--also', 'doctor_shop.orders'], { env: env() });
      expect(usage.code).toBe(2);
    } finally {
      await q(`drop owned by "${role}"`);
      await q(`drop role "${role}"`);
    }
  });
});
