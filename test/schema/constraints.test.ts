import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { useInstalledDatabase } from '../helpers/installed.js';

/** Runs `text` and returns the SQLSTATE and constraint it failed with (or throws if it succeeded). */
async function failure(client: pg.Pool | pg.Client, text: string, values: unknown[] = []): Promise<{ code: string; constraint?: string }> {
  try {
    await client.query(text, values);
  } catch (error) {
    const { code, constraint } = error as { code: string; constraint?: string };
    return { code, ...(constraint ? { constraint } : {}) };
  }
  throw new Error(`expected to fail: ${text}`);
}

describe('the seed constraints, proven with real writes', () => {
  const database = useInstalledDatabase(['core', 'interests', 'roles', 'audit', 'idempotency', 'planning', 'learning', 'achievements', 'insights', 'telegram'], { as: 'owner' });
  const q = (text: string, values: unknown[] = []) => database().pool.query(text, values);
  const one = async (text: string, values: unknown[] = []) => (await q(text, values)).rows[0];
  const newUser = async (): Promise<string> => (await one(`insert into schema_kit.users default values returning id`)).id;

  it('refuses a duplicate interest and removes interests with their user', async () => {
    const user = await newUser();
    const pkg = (await one(`insert into schema_kit.content_packages (title, category, package_type) values ('p', 'course', 'free') returning id`)).id;
    await q('insert into schema_kit.user_interests (user_id, package_id) values ($1, $2)', [user, pkg]);
    expect(await failure(database().pool, 'insert into schema_kit.user_interests (user_id, package_id) values ($1, $2)', [user, pkg]))
      .toEqual({ code: '23505', constraint: 'user_interests_user_id_package_id_key' });
    await q('delete from schema_kit.users where id = $1', [user]);
    expect((await q('select 1 from schema_kit.user_interests where user_id = $1', [user])).rowCount).toBe(0);
  });

  it.each(['event_log', 'user_role_change_log'])('keeps %s append-only, even with session_replication_role = replica', async (table) => {
    const insert = table === 'event_log'
      ? `insert into schema_kit.event_log (action, entity_type, entity_id) values ('a', 't', '1')`
      : `insert into schema_kit.user_role_change_log (user_id, new_role, changed_by, change_source) values (gen_random_uuid(), 'admin', 'x', 'admin')`;
    const client = new pg.Client({ connectionString: database().url });
    await client.connect();
    try {
      await client.query(insert);
      for (const replica of [false, true]) {
        if (replica) await client.query('set session_replication_role = replica');
        for (const statement of [`update schema_kit.${table} set ${table === 'event_log' ? 'action' : 'changed_by'} = 'rewritten'`, `delete from schema_kit.${table}`, `truncate schema_kit.${table}`]) {
          expect(await failure(client, statement), `${statement} (replica: ${replica})`).toMatchObject({ code: '23001' });
        }
      }
      expect((await client.query(`select count(*)::int as n from schema_kit.${table}`)).rows[0].n).toBe(1);
    } finally {
      await client.end();
    }
  });

  it('refuses values outside the closed sets and the host-owned vocabularies, and roles missing from the roles table', async () => {
    expect(await failure(database().pool, `insert into schema_kit.users (role) values ('superuser')`)).toEqual({ code: '23503', constraint: 'users_role_fkey' });
    expect(await failure(database().pool, `insert into schema_kit.user_role_change_log (user_id, new_role, changed_by, change_source) values (gen_random_uuid(), 'admin', 'x', 'cron')`))
      .toEqual({ code: '23503', constraint: 'user_role_change_log_change_source_fkey' });
    await q(`insert into schema_kit.change_sources (name) values ('cron')`);
    await q(`insert into schema_kit.user_role_change_log (user_id, new_role, changed_by, change_source) values (gen_random_uuid(), 'admin', 'x', 'cron')`);
    expect(await failure(database().pool, `insert into schema_kit.messages (conversation_id, role, content) values (gen_random_uuid(), 'robot', 'hi')`))
      .toMatchObject({ code: '23514' });
    await q(`insert into schema_kit.roles (name, rank) values ('vip', 1)`);
    expect((await one(`insert into schema_kit.users (role) values ('vip') returning role`)).role).toBe('vip');
  });

  it('keeps identities unique: email case-insensitively, telegram, github, google', async () => {
    await q(`insert into schema_kit.users (email, telegram_id, github_id, google_id) values ('Ann@Example.com', 42, 'gh1', 'g1')`);
    expect(await failure(database().pool, `insert into schema_kit.users (email) values ('ann@example.COM')`)).toEqual({ code: '23505', constraint: 'users_email_key' });
    expect(await failure(database().pool, `insert into schema_kit.users (telegram_id) values (42)`)).toEqual({ code: '23505', constraint: 'users_telegram_id_key' });
    expect(await failure(database().pool, `insert into schema_kit.users (github_id) values ('gh1')`)).toEqual({ code: '23505', constraint: 'users_github_id_key' });
    expect(await failure(database().pool, `insert into schema_kit.users (google_id) values ('g1')`)).toEqual({ code: '23505', constraint: 'users_google_id_key' });
  });

  it('keys processed_messages by (consumer, message_id) and user_context by user', async () => {
    await q(`insert into schema_kit.processed_messages (message_id) values ('m1')`);
    await q(`insert into schema_kit.processed_messages (consumer, message_id) values ('other', 'm1')`);
    expect(await failure(database().pool, `insert into schema_kit.processed_messages (message_id) values ('m1')`)).toEqual({ code: '23505', constraint: 'processed_messages_pkey' });
    await q(`insert into schema_kit.user_context (user_id) values ('tg:1')`);
    expect(await failure(database().pool, `insert into schema_kit.user_context (user_id) values ('tg:1')`)).toEqual({ code: '23505', constraint: 'user_context_pkey' });
  });

  it('allows one memory per user, one achievement row and one saved guide per user', async () => {
    const user = await newUser();
    await q('insert into schema_kit.user_memory (user_id) values ($1)', [user]);
    expect(await failure(database().pool, 'insert into schema_kit.user_memory (user_id) values ($1)', [user])).toEqual({ code: '23505', constraint: 'user_memory_user_id_key' });
    const achievement = (await one(`insert into schema_kit.achievements (name, slug, title, category) values ('First', 'first', 'First', 'exercise') returning id`)).id;
    await q('insert into schema_kit.user_achievements (user_id, achievement_id) values ($1, $2)', [user, achievement]);
    expect(await failure(database().pool, 'insert into schema_kit.user_achievements (user_id, achievement_id) values ($1, $2)', [user, achievement]))
      .toEqual({ code: '23505', constraint: 'user_achievements_user_id_achievement_id_key' });
    const guide = (await one(`insert into schema_kit.guides (title, category) values ('Risk 101', 'how_to') returning id`)).id;
    await q('insert into schema_kit.user_guide_collections (user_id, guide_id) values ($1, $2)', [user, guide]);
    expect(await failure(database().pool, 'insert into schema_kit.user_guide_collections (user_id, guide_id) values ($1, $2)', [user, guide]))
      .toEqual({ code: '23505', constraint: 'user_guide_collections_user_id_guide_id_key' });
    await q('delete from schema_kit.users where id = $1', [user]);
    for (const table of ['user_memory', 'user_achievements', 'user_guide_collections']) {
      expect((await q(`select 1 from schema_kit.${table} where user_id = $1`, [user])).rowCount, table).toBe(0);
    }
  });

  it('keeps a feature\'s release within the feature\'s project, and unplans it when the release goes', async () => {
    const [a, b] = await Promise.all(['A', 'B'].map(async (name) => (await one(`insert into schema_kit.projects (name) values ($1) returning id`, [`release-check ${name}`])).id));
    const releaseOfB = (await one(`insert into schema_kit.releases (project_id, version) values ($1, '1.0') returning id`, [b])).id;
    expect(await failure(database().pool, 'insert into schema_kit.features (project_id, name, release_id) values ($1, $2, $3)', [a, 'f', releaseOfB]))
      .toEqual({ code: '23503', constraint: 'features_release_id_fkey' });
    const feature = (await one('insert into schema_kit.features (project_id, name, release_id) values ($1, $2, $3) returning id', [b, 'f', releaseOfB])).id;
    await q('delete from schema_kit.releases where id = $1', [releaseOfB]);
    expect(await one('select project_id, release_id from schema_kit.features where id = $1', [feature])).toEqual({ project_id: b, release_id: null });
  });

  it('stores timestamps with their time zone and documents as jsonb objects', async () => {
    const row = await one(`insert into schema_kit.event_log (action, entity_type, entity_id, "timestamp", details)
      values ('a', 't', '1', '2026-03-01 12:00:00+05', '{"k": [1, "two"]}') returning "timestamp", details`);
    expect(row.timestamp.toISOString()).toBe('2026-03-01T07:00:00.000Z');
    expect(row.details).toEqual({ k: [1, 'two'] });
    expect(await failure(database().pool, `insert into schema_kit.event_log (action, entity_type, entity_id, details) values ('a', 't', '1', '[1]')`))
      .toEqual({ code: '23514', constraint: 'event_log_details_check' });
  });
});
