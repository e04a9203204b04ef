import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { dropPartitionsBefore, EventLogRepo, forgetUser, grantRuntimeAccess, MODULES, RoleChangeLogRepo, SchemaKitError, SchemaKitValidationError } from '../../../src/index.js';
import { useInstalledDatabase, type InstalledDatabase } from '../../helpers/installed.js';
import { hangGuard, waitFor } from '../../helpers/wait.js';

/**
 * `pg_dump --data-only` of the schema, as lines. pg_dump refuses a newer server, so where this
 * machine has no pg_dump of the server's major version (the embedded PostgreSQL 18 beside
 * Debian's 15), the same data is read with SQL instead: every row of every table in the schema,
 * as text, in a stable order.
 */
async function dump(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ major: string }>(`select current_setting('server_version_num')::int / 10000 as major`);
    const pgDump = `/usr/lib/postgresql/${rows[0]!.major}/bin/pg_dump`;
    if (existsSync(pgDump)) {
      const { stdout } = await promisify(execFile)(pgDump, ['--data-only', '--schema=schema_kit', '--no-owner', url], { maxBuffer: 64 * 1024 * 1024 });
      // \restrict carries a random key per dump
      return stdout.split('\n').filter((line) => !/^\\(un)?restrict /.test(line));
    }
    const tables = await client.query<{ name: string }>(
      `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'schema_kit' and c.relkind = 'r' order by 1`,
    );
    const lines: string[] = [];
    for (const { name } of tables.rows) {
      const data = await client.query<{ row: string }>(`select t::text as row from schema_kit.${JSON.stringify(name)} t order by 1`);
      lines.push(`-- ${name}`, ...data.rows.map((r) => r.row));
    }
    return lines;
  } finally {
    await client.end();
  }
}

interface Person {
  id: string;
  secrets: string[];
}

/** A user with data in every module; `n` makes every value unique to them. */
async function seedPerson(database: InstalledDatabase, n: string, other?: Person): Promise<Person> {
  const q = (text: string, values: unknown[] = []) => database.owner.pool.query(text, values);
  const telegramId = 7_000_000_000 + Number(n);
  const secrets = {
    email: `person${n}@example.org`, username: `handle_${n}_x`, first: `Firstname${n}`, last: `Lastname${n}`, name: `Fullname ${n}`,
    message: `my secret message number ${n}`, memory: `weak at recursion ${n}`, alias: `tg:${telegramId}`, personal: `Personal Detail ${n}`,
  };
  const { rows } = await q(
    `insert into schema_kit.users (email, telegram_id, telegram_username, telegram_first_name, telegram_last_name, name, github_id)
     values ($1, $2, $3, $4, $5, $6, $7) returning id`,
    [secrets.email, telegramId, secrets.username, secrets.first, secrets.last, secrets.name, `gh-${n}-id`]);
  const id = rows[0].id as string;
  const conversation = (await q(`insert into schema_kit.conversations (user_id, title) values ($1, $2) returning id`, [id, `chat ${n}`])).rows[0].id;
  await q(`insert into schema_kit.messages (conversation_id, role, content) values ($1, 'user', $2), ($1, 'assistant', 'reply ' || $2)`, [conversation, secrets.message]);
  await q(`insert into schema_kit.conversation_summaries (conversation_id, content, through_seq, token_count) values ($1, $2, 2, 9)`, [conversation, `summary: ${secrets.message}`]);
  await q(`insert into schema_kit.user_memory (user_id, identified_weaknesses, personalization_metadata) values ($1, $2, $3)`,
    [id, JSON.stringify([secrets.memory]), JSON.stringify({ nickname: secrets.first })]);
  const pkg = (await q(`insert into schema_kit.content_packages (title, category, package_type) values ($1, 'course', 'free') returning id`, [`pkg ${n}`])).rows[0].id;
  await q(`insert into schema_kit.user_interests (user_id, package_id) values ($1, $2)`, [id, pkg]);
  await q(`insert into schema_kit.user_context (user_id) values ($1)`, [secrets.alias]);
  await q(`insert into schema_kit.dissonance_records (user_id, conversation_id, transcript, dissonance_score, risk_level)
           values ($1, $2, $3, 0.5, 'low')`, [id, conversation, `transcript ${secrets.message}`]);
  await q(`insert into schema_kit.interface_evolution_log (user_id, version, changes) values ($1, 1, $2)`, [id, JSON.stringify({ theme: secrets.first })]);

  const events = new EventLogRepo(database.db);
  await events.append({ user_id: secrets.alias, action: 'profile.renamed', entity_type: 'user', entity_id: id, details: { name: secrets.personal, plan: 'pro' } });
  await events.append({ user_id: secrets.alias, action: 'chat.sent', entity_type: 'conversation', entity_id: conversation, details: { words: 12 } });
  if (other) await events.append({ user_id: secrets.alias, action: 'friend.added', entity_type: 'user', entity_id: `x${n}`, details: { friend: other.id } });
  const roles = new RoleChangeLogRepo(database.db);
  await roles.changeRole({ user_id: id, new_role: 'subscriber', changed_by: other ? other.secrets[0]! : 'system', change_source: 'admin', reason: `asked by ${secrets.name}` });
  return { id, secrets: [id, telegramId.toString(), ...Object.values(secrets), `gh-${n}-id`] };
}

describe('forgetUser', () => {
  const database = useInstalledDatabase(['core', 'roles', 'audit', 'idempotency', 'interests', 'planning', 'learning', 'achievements', 'insights', 'telegram']);

  it('covers every table that holds a user id: deleted, or pseudonymized in the logs', async () => {
    const { rows } = await database().owner.pool.query<{ name: string }>(`
      select distinct c.relname as name from pg_class c join pg_attribute a on a.attrelid = c.oid
      where c.relnamespace = 'schema_kit'::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
        and a.attnum > 0 and not a.attisdropped and a.attname in ('user_id', 'changed_by')
      union
      -- every table reached from users by a chain of foreign keys whose rows go with the user
      (with recursive owned(oid) as (
        select 'schema_kit.users'::regclass::oid
        union
        select k.conrelid from pg_constraint k join owned o on k.confrelid = o.oid
        where k.contype = 'f' and k.confdeltype = 'c')
      select c.relname from owned o join pg_class c on c.oid = o.oid where not c.relispartition)
      order by 1`);
    const covered = new Set<string>(MODULES.flatMap((m) => m.personalData.map((p) => p.table)));
    expect(rows.map((r) => r.name).filter((t) => !covered.has(t))).toEqual([]);
  });

  it('forgets a user everywhere: the dump holds none of their data, other data is byte-identical, the logs keep their rows', async () => {
    const { owner, db, pool, role } = database();
    await new EventLogRepo(owner.db).declarePersonalFields([{ action: 'profile.renamed', path: ['name'] }]);
    const other = await seedPerson(database(), '1');
    const person = await seedPerson(database(), '2', other);
    await seedPerson(database(), '3', person); // someone whose events name the person
    const logCount = async () => (await owner.pool.query(`select (select count(*) from schema_kit.event_log)::int as e, (select count(*) from schema_kit.user_role_change_log)::int as r`)).rows[0];
    const countsBefore = await logCount();
    const before = await dump(owner.url);
    for (const secret of person.secrets) expect(before.join('\n'), secret).toContain(secret);

    // a runtime role without the grant cannot erase, and nothing changes
    const refused = await forgetUser(db, { userId: person.id, identifiers: [person.secrets[9]!] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SchemaKitError);
    expect((refused as SchemaKitError).code).toBe('permission_denied');
    expect(await dump(owner.url)).toEqual(before);
    // nor change a log row by hand
    await expect(pool.query(`update schema_kit.event_log set user_id = 'erased:00000000-0000-0000-0000-000000000000'`)).rejects.toThrow(/permission denied/);
    await expect(pool.query(`select schema_kit.event_log_pseudonymize('{x}', 'erased:00000000-0000-0000-0000-000000000000')`)).rejects.toThrow(/permission denied/);
    // even the owner cannot use the sanctioned path's switch to rewrite history
    await expect(owner.pool.query(`begin; select set_config('schemakit.erasure', 'erased:00000000-0000-0000-0000-000000000000', true);
      update schema_kit.event_log set action = 'rewritten'; commit`)).rejects.toThrow(/append-only/);
    await owner.pool.query('rollback').catch(() => undefined);

    await grantRuntimeAccess(owner.db, { role, erasure: true });
    const result = await forgetUser(db, { userId: person.id, identifiers: [person.secrets[9]!] });
    expect(result.pseudonym).toMatch(/^erased:[0-9a-f-]{36}$/);
    expect(result.rows).toMatchObject({ users: 1, messages: 2, conversations: 1, user_memory: 1, user_context: 1, user_role_change_log: 2 });
    expect(result.rows.event_log).toBe(4); // their 3 events and the one naming them

    const after = await dump(owner.url);
    const text = after.join('\n');
    for (const secret of person.secrets) expect(text, secret).not.toContain(secret);
    const isSequence = (line: string) => line.startsWith('SELECT pg_catalog.setval(');
    const untouched = before.filter((line) => !isSequence(line) && !person.secrets.some((s) => line.includes(s)));
    const kept = new Set(after);
    expect(untouched.filter((line) => !kept.has(line))).toEqual([]);
    for (const secret of other.secrets) expect(text).toContain(secret);
    expect(await logCount()).toEqual(countsBefore);
    expect(text).toContain(result.pseudonym);

    // the logs still page and stream, and tell what changed under the pseudonym
    const events = new EventLogRepo(db);
    // followed, since a transaction open anywhere on the server (another test file's) holds the feed back
    const streamed: string[] = [];
    const controller = new AbortController();
    const guard = hangGuard(controller, `the feed to reach ${countsBefore.e} events`);
    for await (const e of events.stream({ batchSize: 3, follow: true, pollIntervalMs: 20, signal: controller.signal })) {
      streamed.push(e.id);
      if (streamed.length === countsBefore.e) controller.abort();
    }
    guard.done();
    expect(new Set(streamed).size).toBe(countsBefore.e);
    const theirs = await events.listByUser(result.pseudonym, { order: 'asc' });
    expect(theirs.items.map((e) => e.action)).toEqual(['profile.renamed', 'chat.sent', 'friend.added']);
    expect(theirs.items[0]!.details).toEqual({ name: result.pseudonym, plan: 'pro' });
    const roles = await new RoleChangeLogRepo(db).historyForUser(result.pseudonym.slice('erased:'.length));
    expect(roles.items.map((r) => r.new_role)).toEqual(['subscriber']);
    const { rows: record } = await owner.pool.query(`select action, target, details from schema_kit.lifecycle_log where action = 'user.erased'`);
    expect(record).toEqual([{ action: 'user.erased', target: result.pseudonym, details: { rows: result.rows } }]);
  });

  it('is complete while writers run: the dump after the erasure holds none of the identifiers, and later writes are refused', async () => {
    const { owner, db, pool, role } = database();
    await grantRuntimeAccess(owner.db, { role, erasure: true });
    const person = await seedPerson(database(), '4');
    const alias = person.secrets.find((s) => s.startsWith('tg:'))!;
    const email = person.secrets.find((s) => s.includes('@'))!;
    const conversation = (await owner.pool.query(`select id from schema_kit.conversations where user_id = $1`, [person.id])).rows[0].id as string;
    const events = new EventLogRepo(db);
    const roles = new RoleChangeLogRepo(db);
    const writes: Record<string, () => Promise<unknown>> = {
      // the identifier as actor, as entity, as a JSON key and value
      event: () => events.append({ user_id: alias, action: 'chat.sent', entity_type: 'user', entity_id: person.id, details: { [alias]: 'seen', mail: email } }),
      role: () => roles.record({ user_id: person.id, new_role: 'subscriber', changed_by: alias, change_source: 'admin' }),
      context: () => pool.query(`insert into schema_kit.user_context (user_id) values ($1) on conflict do nothing`, [alias]),
      message: () => pool.query(`insert into schema_kit.messages (conversation_id, role, content) values ($1, 'user', $2)`, [conversation, `mail me at ${email}`]),
    };
    const done = new Map<string, { ok: number; refused: number; unexpected: unknown[] }>();
    let stop = false;
    const writers = Object.entries(writes).flatMap(([name, write]) => [1, 2].map(async () => {
      const tally = done.get(name) ?? { ok: 0, refused: 0, unexpected: [] };
      done.set(name, tally);
      while (!stop) {
        try {
          await write();
          tally.ok++;
        } catch (error) {
          const code = error instanceof SchemaKitError ? error.code : (error as { code?: string }).code;
          // refused by the erasure guard, or by the foreign key to a deleted conversation
          if (['user_forgotten', 'SKF01', '23503'].includes(code ?? '')) tally.refused++;
          else tally.unexpected.push(error);
        }
      }
    }));
    await waitFor(() => [...done.values()].length === 4 && [...done.values()].every((t) => t.ok >= 3), 'every writer to write a few rows');
    const result = await forgetUser(db, { userId: person.id, identifiers: [alias] });
    // the writers go on until each has been refused a few times
    await waitFor(() => [...done.values()].every((t) => t.refused >= 3), 'every writer to be refused after the erasure');
    stop = true;
    await Promise.all(writers);
    for (const [name, tally] of done) expect(tally.unexpected, name).toEqual([]);
    expect(result.rows.event_log).toBeGreaterThanOrEqual(3);

    const text = (await dump(owner.url)).join('\n');
    for (const secret of person.secrets) expect(text, secret).not.toContain(secret);
  });

  it('erases identifiers used as JSON keys, and the rows of detached partitions', async () => {
    const { owner } = database();
    const month = new Date(Date.UTC(2001, 0, 1));
    await owner.pool.query(`select schema_kit.lifecycle_create_partitions('schema_kit.event_log'::regclass, array[$1::timestamptz])`, [month]);
    await owner.pool.query(
      `insert into schema_kit.event_log (user_id, action, entity_type, entity_id, details, created_at)
       values ('tg:detached', 'old.thing', 'x', '1', '{"by": "tg:detached"}', $1), ('someone', 'old.thing', 'x', '2', '{"tg:detached": {"tg:detached": 1}}', $1)`,
      [new Date(Date.UTC(2001, 0, 15))]);
    const detached = await dropPartitionsBefore(owner.db, { table: 'event_log', before: new Date(Date.UTC(2001, 1, 1)), detach: true });
    expect(detached).toEqual(['schema_kit.event_log_p200101']);
    const result = await forgetUser(owner.db, { identifiers: ['tg:detached'] });
    expect(result.rows.event_log).toBe(2);
    const { rows } = await owner.pool.query(`select user_id, details from schema_kit.event_log_p200101_detached order by entity_id`);
    expect(rows).toEqual([
      { user_id: result.pseudonym, details: { by: result.pseudonym } },
      { user_id: 'someone', details: { [result.pseudonym]: { [result.pseudonym]: 1 } } },
    ]);
  });

  it('refuses bad input before any SQL', async () => {
    for (const [options, field] of [
      [{}, 'options.userId'],
      [{ userId: 'not-a-uuid' }, 'options.userId'],
      [{ identifiers: [''] }, 'options.identifiers.0'],
      [{ userId: '00000000-0000-4000-8000-000000000000', extra: 1 }, 'options.extra'],
    ] as const) {
      const error = await forgetUser(database().db, options as never).catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(SchemaKitValidationError);
      expect((error as SchemaKitValidationError).field).toBe(field);
    }
  });
});
