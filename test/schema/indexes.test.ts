import { beforeAll, describe, expect, it } from 'vitest';
import { useInstalledDatabase } from '../helpers/installed.js';

const ROWS = 100_000;

/** Fills every table the seeds call out lookups on with ROWS rows, spread realistically. */
const FILL = [
  `insert into users (email, telegram_id, github_id, google_id, role)
     select 'u' || i || '@example.com', i, 'gh' || i, 'g' || i, case when i % 100 = 0 then 'admin' else 'public' end
     from generate_series(1, ${ROWS}) i`,
  `create temporary table numbered_users as select id, row_number() over (order by id) as n from users`,
  `insert into content_packages (title, category, package_type) select 'p' || i, 'course', 'free' from generate_series(1, 1000) i`,
  `insert into user_interests (user_id, package_id, is_attended, attended_at)
     select u.id, p.id, u.n % 50 = 0, case when u.n % 50 = 0 then now() end
     from numbered_users u join (select id, row_number() over (order by id) as n from content_packages) p on p.n = u.n % 1000 + 1`,
  `insert into user_role_change_log (user_id, new_role, changed_by, change_source)
     select id, 'subscriber', 'admin:' || (n % 500), 'admin' from numbered_users`,
  `insert into event_log (user_id, action, entity_type, entity_id, "timestamp")
     select 'tg:' || (i % 5000), 'a', 'feature', (i % 20000)::text, now() - i * interval '1 minute' from generate_series(1, ${ROWS}) i`,
  `insert into processed_messages (consumer, message_id, processed_at)
     select 'bot', 'm' || i, now() - i * interval '1 minute' from generate_series(1, ${ROWS}) i`,
  `insert into projects (name) select 'project ' || i from generate_series(1, 200) i`,
  `insert into releases (project_id, version) select id, 'v1' from projects`,
  `insert into features (project_id, name, status, release_id)
     select p.id, 'f' || i, case when i % 100 = 0 then 'blocked' else 'done' end, case when i % 100 = 0 then r.id end
     from generate_series(1, ${ROWS}) i
     join (select id, row_number() over (order by id) as n from projects) p on p.n = i % 200 + 1
     join releases r on r.project_id = p.id`,
  `insert into exercises (title, description, exercise_type, difficulty)
     select 'e' || i, 'd', 'algorithm', 'easy' from generate_series(1, 1000) i`,
  `insert into user_exercises (user_id, exercise_id)
     select u.id, e.id from numbered_users u join (select id, row_number() over (order by id) as n from exercises) e on e.n = u.n % 1000 + 1`,
  `insert into conversations (user_id) select id from numbered_users`,
  `insert into messages (conversation_id, role, content) select id, 'user', 'hi' from conversations`,
  `insert into user_memory (user_id) select id from numbered_users`,
  `insert into achievements (name, slug, title, category)
     select 'a' || i, 'a' || i, 'A', case when i % 100 = 0 then 'special' else 'exercise' end from generate_series(1, ${ROWS}) i`,
  `insert into user_achievements (user_id, achievement_id)
     select u.id, a.id from numbered_users u join (select id, row_number() over (order by id) as n from achievements) a on a.n = u.n`,
  `insert into interface_evolution_log (user_id, version, changes) select id, 1, '{}' from numbered_users`,
  `insert into dissonance_records (user_id, dissonance_score, risk_level)
     select id, (n % 1000) / 1000.0, case when n % 100 = 0 then 'critical' else 'low' end from numbered_users`,
  `insert into guides (title, category, difficulty_level)
     select 'g' || i, case when i % 100 = 0 then 'reference' else 'how_to' end, case when i % 100 = 0 then 'advanced' else 'beginner' end
     from generate_series(1, ${ROWS}) i`,
  `insert into user_guide_collections (user_id, guide_id)
     select u.id, g.id from numbered_users u join (select id, row_number() over (order by id) as n from guides) g on g.n = u.n`,
  `insert into broadcasts (title, message_text, status, scheduled_at, sent_at)
     select 'b', 't', case when i % 100 = 0 then 'scheduled' when i % 100 = 50 then 'sending' else 'sent' end, now(), case when i % 50 = 0 then null else now() end
     from generate_series(1, ${ROWS}) i`,
  `analyze`,
];

/** Each lookup the seeds call out, with the index (or one of the indexes) that must serve it.
 * `$u` stands for some user's id. */
const LOOKUPS: [string, string | string[]][] = [
  [`select * from users where lower(email) = lower('u5@example.com')`, 'users_email_key'],
  [`select * from users where telegram_id = 5`, 'users_telegram_id_key'],
  [`select * from users where github_id = 'gh5'`, 'users_github_id_key'],
  [`select * from users where google_id = 'g5'`, 'users_google_id_key'],
  [`select * from users where role = 'admin'`, 'users_role_idx'],
  [`select * from user_interests where user_id = $u order by created_at desc, id desc limit 50`, 'user_interests_user_id_created_at_id_idx'],
  [`select * from user_interests where package_id = (select id from content_packages limit 1) and is_attended = true`, 'user_interests_package_id_is_attended_created_at_id_idx'],
  [`select * from user_role_change_log where user_id = $u order by changed_at desc, id desc limit 50`, 'user_role_change_log_user_id_changed_at_id_idx'],
  [`select * from user_role_change_log where changed_by = 'admin:7' order by changed_at desc, id desc limit 50`, 'user_role_change_log_changed_by_changed_at_id_idx'],
  [`select * from event_log where user_id = 'tg:7' order by id desc limit 50`, 'event_log_user_id_id_idx'],
  [`select * from event_log where entity_type = 'feature' and entity_id = '7' order by id desc limit 50`, 'event_log_entity_type_entity_id_id_idx'],
  [`select * from event_log where "timestamp" > now() - interval '1 hour'`, 'event_log_timestamp_idx'],
  [`select * from event_log where (tx_id, id) > ('1'::xid8, 0) order by tx_id, id limit 500`, 'event_log_tx_id_id_idx'],
  [`select * from processed_messages where consumer = 'bot' and message_id = 'm7'`, 'processed_messages_pkey'],
  [`select * from processed_messages where processed_at < now() - interval '1000 hours' limit 1000`, 'processed_messages_processed_at_idx'],
  [`select * from features where project_id = (select id from projects limit 1)`, 'features_project_id_created_at_id_idx'],
  [`select * from features where status = 'blocked'`, 'features_status_idx'],
  [`select * from features where release_id = (select id from releases limit 1)`, 'features_release_id_idx'],
  [`select * from user_exercises where user_id = $u`, 'user_exercises_user_id_exercise_id_key'],
  [`select * from user_exercises where exercise_id = (select id from exercises limit 1)`, 'user_exercises_exercise_id_idx'],
  [`select * from conversations where user_id = $u`, 'conversations_user_id_created_at_id_idx'],
  [`select * from messages where conversation_id = (select id from conversations limit 1) order by seq`, 'messages_conversation_id_seq_key'],
  [`select * from user_memory where user_id = $u`, 'user_memory_user_id_key'],
  [`select * from achievements where category = 'special'`, 'achievements_category_display_order_id_idx'],
  [`select * from achievements where slug = 'a7'`, 'achievements_slug_key'],
  [`select * from user_achievements where user_id = $u`, 'user_achievements_user_id_achievement_id_key'],
  [`select * from interface_evolution_log where user_id = $u order by version desc limit 1`, 'interface_evolution_log_user_id_version_key'],
  [`select * from dissonance_records where user_id = $u`, 'dissonance_records_user_id_created_at_id_idx'],
  // PostgreSQL 18 may skip-scan (risk_level, dissonance_score) instead: an index either way
  [`select * from dissonance_records where dissonance_score > 0.998`, ['dissonance_records_dissonance_score_idx', 'dissonance_records_risk_level_dissonance_score_idx']],
  [`select * from dissonance_records where risk_level = 'critical' and dissonance_score > 0.5`, 'dissonance_records_risk_level_dissonance_score_idx'],
  [`select * from guides where category = 'reference'`, 'guides_category_created_at_id_idx'],
  [`select * from guides where difficulty_level = 'advanced'`, 'guides_difficulty_level_idx'],
  [`select * from user_guide_collections where user_id = $u`, 'user_guide_collections_user_id_saved_at_id_idx'],
  [`select * from broadcasts where status = 'scheduled' and scheduled_at <= now() order by scheduled_at limit 10`, 'broadcasts_scheduled_at_idx'],
  [`select * from broadcasts where status = 'sending' and updated_at < now() - interval '1 hour'`, 'broadcasts_sending_updated_at_idx'],
];

/** The names of every index the plan of `query` reads; a partition's index by its parent index's name. */
function indexesIn(plan: Record<string, unknown>): string[] {
  const name = plan['Index Name'];
  const own = typeof name === 'string' ? [name.replace(/^(.+)_(p\d{6}|default)_(.+)$/, '$1_$3')] : [];
  const children = (plan.Plans as Record<string, unknown>[] | undefined) ?? [];
  return [...own, ...children.flatMap(indexesIn)];
}

describe(`indexes, on tables of ${ROWS} rows`, () => {
  const database = useInstalledDatabase(['core', 'interests', 'roles', 'audit', 'idempotency', 'planning', 'learning', 'achievements', 'insights', 'telegram'], { as: 'owner' });
  let someUser = '';

  beforeAll(async () => {
    const client = await database().pool.connect();
    try {
      await client.query('set search_path = schema_kit');
      // the fill is consistent by construction: skip the row-by-row foreign-key triggers
      await client.query('set session_replication_role = replica');
      for (const statement of FILL) await client.query(statement);
      await client.query('reset session_replication_role');
      someUser = (await client.query('select id from users order by id offset 777 limit 1')).rows[0].id;
    } finally {
      client.release();
    }
  }, 300_000);

  it.each(LOOKUPS)('%s uses %s', async (query, expected) => {
    const client = await database().pool.connect();
    try {
      await client.query('set search_path = schema_kit');
      const { rows } = await client.query(`explain (format json) ${query.replaceAll('$u', `'${someUser}'`)}`);
      const plan = (rows[0]['QUERY PLAN'] as { Plan: Record<string, unknown> }[])[0]!.Plan;
      const used = indexesIn(plan);
      expect(used.some((name) => [expected].flat().includes(name)), JSON.stringify(plan)).toBe(true);
    } finally {
      client.release();
    }
  });
});
