// The data of a 0.1.0 host that has run for a while, loaded in a few big INSERT ... SELECT
// statements: every 0.1.0 table the upgrade touches gets rows. Ids are derived from the row
// number (md5('user' || n)::uuid), so the tables can reference each other without lookups, and
// every timestamp (updated_at included) lies in the past, so a migration that rewrites one shows.

/** The row counts at `scale` (1 = the issue's sizes: 200k users, 10k conversations of 100 messages, 1M events). */
export function sizes(scale) {
  const n = (count, least = 1) => Math.max(least, Math.round(count * scale));
  return {
    users: n(200_000, 200),
    conversations: n(10_000),
    messagesPerConversation: 100,
    events: n(1_000_000),
    processed: n(200_000),
    packages: n(1_000, 10),
    interests: n(100_000),
    roleChanges: n(100_000),
    exercises: n(500, 5),
    userExercises: n(50_000),
    memories: n(20_000),
    achievements: 50,
    userAchievements: n(50_000),
    evolutions: n(20_000),
    dissonance: n(20_000),
    guides: 200,
    collections: n(20_000),
    broadcasts: n(2_000),
    projects: 100,
    features: n(2_000),
    contexts: n(10_000),
  };
}

const pick = (list, expr) => `(array[${list.map((v) => (v === null ? 'null' : `'${v}'`)).join(', ')}]::text[])[(${expr}) % ${list.length} + 1]`;
const id = (kind, expr) => `md5('${kind}' || (${expr}))::uuid`;
const ROLES = ['public', 'public', 'public', 'subscriber', 'student', 'mentor', 'moderator', 'admin', 'owner'];

/**
 * The statements that fill a fresh 0.1.0 install in `schema`, each with a label: `tables` in
 * order (later ones reference earlier ones), `logs` (event_log, processed_messages: no foreign
 * keys) on a connection of their own at the same time.
 */
export function loadStatements(schema, size) {
  const S = `"${schema}"`;
  const { users: U, conversations: C, exercises: X, packages: K, achievements: A, guides: G, projects: PJ } = size;
  const user = (expr) => id('user', `(${expr}) % ${U} + 1`);
  const statements = [
    [
      `users: ${U}`,
      `insert into ${S}.users (id, email, telegram_id, telegram_username, telegram_first_name, telegram_last_name, github_id, google_id,
         name, avatar_url, skill_level, programming_language, learning_style, career_goals, time_commitment, role, is_active,
         preferences, created_at, updated_at, last_login_at)
       select ${id('user', 'g')}, case when g % 3 = 0 then null else 'user' || g || '@example.com' end,
         case when g % 2 = 0 then g end, case when g % 2 = 0 then 'tg_user_' || g end, 'First' || g,
         case when g % 5 = 0 then null else 'Last' || g end, case when g % 7 = 0 then 'gh' || g end, case when g % 11 = 0 then 'gg' || g end,
         'User ' || g, case when g % 4 = 0 then 'https://example.com/a/' || g || '.png' end,
         ${pick(['beginner', 'intermediate', 'advanced', 'expert', null], 'g')}, ${pick(['python', 'typescript', 'go', null], 'g')},
         ${pick(['visual', 'reading', null], 'g')}, case when g % 6 = 0 then 'become a data engineer' end,
         ${pick(['1h/week', '5h/week', null], 'g')}, ${pick(ROLES, 'g')}, g % 13 <> 0,
         jsonb_build_object('theme', case when g % 2 = 0 then 'dark' else 'light' end, 'n', g),
         timestamptz '2025-06-01' + g * interval '1 minute', timestamptz '2025-06-04' + g * interval '1 minute',
         case when g % 3 = 0 then null else timestamptz '2025-09-01' + g * interval '1 minute' end
       from generate_series(1, ${U}) g`,
    ],
    [
      `content_packages: ${K}, user_interests: ${size.interests}`,
      `insert into ${S}.content_packages (id, title, description, category, package_type, is_active, created_at, updated_at)
       select ${id('pkg', 'g')}, 'Package ' || g, case when g % 2 = 0 then 'about ' || g end,
         ${pick(['course', 'guide', 'tool', 'template', 'community', 'event', 'other'], 'g')}, ${pick(['free', 'premium'], 'g')},
         g % 9 <> 0, timestamptz '2025-05-01' + g * interval '1 hour', timestamptz '2025-05-02' + g * interval '1 hour'
       from generate_series(1, ${K}) g;
       insert into ${S}.user_interests (id, user_id, package_id, is_attended, attended_at, created_at)
       select ${id('interest', 'g')}, ${user('g')}, ${id('pkg', `g % ${K} + 1`)}, g % 3 = 0,
         case when g % 3 = 0 then timestamptz '2025-08-01' + g * interval '1 minute' end, timestamptz '2025-07-01' + g * interval '1 minute'
       from generate_series(1, ${size.interests}) g`,
    ],
    [
      `user_role_change_log: ${size.roleChanges}`,
      `insert into ${S}.user_role_change_log (user_id, previous_role, new_role, changed_by, reason, change_source, change_metadata, changed_at)
       select ${user('g * 7')}, case when g % 4 = 0 then null else ${pick(ROLES, 'g + 1')} end, ${pick(ROLES, 'g')}, 'tg:' || (g % 50),
         case when g % 5 = 0 then 'promoted after review ' || g end, ${pick(['admin', 'system', 'api', 'migration', 'self'], 'g')},
         jsonb_build_object('request', g), now() - (${size.roleChanges} - g) * interval '1 minute'
       from generate_series(1, ${size.roleChanges}) g`,
    ],
    [
      `exercises: ${X}, user_exercises: ${size.userExercises}, user_memory: ${size.memories}`,
      `insert into ${S}.exercises (id, title, description, exercise_type, difficulty, programming_language, starter_code, solution, test_cases, hints, is_active, created_at, updated_at)
       select ${id('ex', 'g')}, 'Exercise ' || g, 'Solve problem ' || g,
         ${pick(['algorithm', 'data_structure', 'debugging', 'practical'], 'g')}, ${pick(['easy', 'medium', 'hard'], 'g')},
         ${pick(['python', 'typescript', null], 'g')}, 'def f(): pass', case when g % 2 = 0 then 'def f(): return ' || g end,
         jsonb_build_array(jsonb_build_object('in', g, 'out', g * 2)), case when g % 3 = 0 then '["think"]'::jsonb else '[]'::jsonb end,
         g % 10 <> 0, timestamptz '2025-04-01' + g * interval '1 hour', timestamptz '2025-04-03' + g * interval '1 hour'
       from generate_series(1, ${X}) g;
       insert into ${S}.user_exercises (user_id, exercise_id, status, submitted_code, grade, feedback, hints_used, attempts, time_spent_seconds, started_at, completed_at, created_at, updated_at)
       select ${user('g')}, ${id('ex', `g % ${X} + 1`)}, ${pick(['pending', 'in_progress', 'completed', 'skipped'], 'g')},
         case when g % 2 = 0 then 'code ' || g end, case when g % 4 = 2 then (g % 100) / 10.0 end, case when g % 4 = 2 then 'good' end,
         g % 4, g % 6, g % 3600, timestamptz '2025-07-01' + g * interval '1 minute',
         case when g % 4 = 2 then timestamptz '2025-07-02' + g * interval '1 minute' end,
         timestamptz '2025-07-01' + g * interval '1 minute', timestamptz '2025-07-03' + g * interval '1 minute'
       from generate_series(1, ${size.userExercises}) g;
       insert into ${S}.user_memory (user_id, learning_pace, preferred_difficulty, identified_strengths, topic_mastery, average_grade, total_exercises_attempted, last_analyzed_at, created_at, updated_at)
       select ${id('user', 'g')}, ${pick(['slow', 'fast', null], 'g')}, ${pick(['easy', 'medium', 'hard', null], 'g')},
         jsonb_build_array('topic' || (g % 10)), jsonb_build_object('sql', g % 100), (g % 50) / 10.0, g % 40,
         case when g % 2 = 0 then timestamptz '2025-10-01' + g * interval '1 minute' end,
         timestamptz '2025-06-01' + g * interval '1 minute', timestamptz '2025-06-05' + g * interval '1 minute'
       from generate_series(1, ${size.memories}) g`,
    ],
    [
      `conversations: ${C}`,
      `insert into ${S}.conversations (id, user_id, exercise_id, title, created_at, updated_at)
       select ${id('conv', 'g')}, ${user('g * 13')}, case when g % 4 = 0 then ${id('ex', `g % ${X} + 1`)} end,
         case when g % 5 = 0 then null else 'Conversation ' || g end,
         timestamptz '2025-03-01' + g * interval '10 minutes', timestamptz '2025-03-08' + g * interval '10 minutes'
       from generate_series(1, ${C}) g`,
    ],
  ];
  // messages in statements of at most 250,000 rows, 100 per conversation, some at the same instant
  const perStatement = Math.max(1, Math.floor(250_000 / size.messagesPerConversation));
  for (let from = 1; from <= C; from += perStatement) {
    const to = Math.min(C, from + perStatement - 1);
    statements.push([
      `messages of conversations ${from}-${to}`,
      `insert into ${S}.messages (conversation_id, role, content, message_metadata, tokens_used, created_at)
       select ${id('conv', 'c')}, case when k = 1 then 'system' when k % 2 = 0 then 'user' else 'assistant' end,
         'message ' || k || ' of conversation ' || c || ': ' || md5(c || ':' || k),
         case when k % 10 = 0 then jsonb_build_object('model', 'm' || (k % 3)) else '{}'::jsonb end,
         case when k % 2 = 1 and k > 1 then k * 3 end,
         timestamptz '2025-03-01' + c * interval '10 minutes' + (k - (k % 17 = 0)::int) * interval '1 minute'
       from generate_series(${from}, ${to}) c cross join generate_series(1, ${size.messagesPerConversation}) k`,
    ]);
  }
  statements.push(
    [
      `achievements: ${A}, user_achievements: ${size.userAchievements}, interface_evolution_log: ${size.evolutions}, dissonance_records: ${size.dissonance}`,
      `insert into ${S}.achievements (id, name, slug, title, description, category, requirement_value, points, display_order, is_hidden, created_at, updated_at)
       select ${id('ach', 'g')}, 'Achievement ' || g, 'achievement-' || g, 'Title ' || g, case when g % 2 = 0 then 'earned by doing ' || g end,
         ${pick(['streak', 'exercise', 'github', 'community', 'mentorship', 'skill', 'special'], 'g')}, g, g * 10, g, g % 10 = 0,
         timestamptz '2025-02-01' + g * interval '1 hour', timestamptz '2025-02-02' + g * interval '1 hour'
       from generate_series(1, ${A}) g;
       insert into ${S}.user_achievements (user_id, achievement_id, progress_current, progress_target, earned, earned_at, times_earned, created_at, updated_at)
       select ${user('g')}, ${id('ach', `g % ${A} + 1`)}, g % 10, 10, g % 2 = 0,
         case when g % 2 = 0 then timestamptz '2025-09-01' + g * interval '1 minute' end, (g % 2 = 0)::int,
         timestamptz '2025-08-01' + g * interval '1 minute', timestamptz '2025-08-02' + g * interval '1 minute'
       from generate_series(1, ${size.userAchievements}) g;
       insert into ${S}.interface_evolution_log (user_id, version, changes, created_at)
       select ${user('g - 1')}, (g - 1) / ${U} + 1, jsonb_build_object('layout', g % 4), timestamptz '2025-08-01' + g * interval '1 minute'
       from generate_series(1, ${size.evolutions}) g;
       insert into ${S}.dissonance_records (user_id, conversation_id, transcript, emotions, interpretation, dissonance_score, risk_level, created_at)
       select ${user('g * 3')}, case when g % 2 = 0 then ${id('conv', `g % ${C} + 1`)} end, 'transcript ' || g,
         jsonb_build_object('fear', (g % 10) / 10.0), case when g % 3 = 0 then 'tilt' end, (g % 101) / 100.0,
         ${pick(['low', 'medium', 'high', 'critical'], 'g')}, timestamptz '2025-09-01' + g * interval '1 minute'
       from generate_series(1, ${size.dissonance}) g`,
    ],
    [
      `guides: ${G}, user_guide_collections: ${size.collections}, broadcasts: ${size.broadcasts}`,
      `insert into ${S}.guides (id, title, description, content_url, category, tags, difficulty_level, views_count, created_at, updated_at)
       select ${id('guide', 'g')}, 'Guide ' || g, 'how to ' || g, 'https://example.com/g/' || g,
         ${pick(['trading', 'technical', 'risk', 'psychology', 'automation', 'platform'], 'g')}, array['t' || (g % 5)],
         ${pick(['beginner', 'intermediate', 'advanced'], 'g')}, g * 3, timestamptz '2025-01-01' + g * interval '1 hour', timestamptz '2025-01-02' + g * interval '1 hour'
       from generate_series(1, ${G}) g;
       insert into ${S}.user_guide_collections (user_id, guide_id, is_read, times_viewed, last_viewed_at, saved_at, created_at)
       select ${user('g')}, ${id('guide', `g % ${G} + 1`)}, g % 2 = 0, g % 5, case when g % 5 > 0 then timestamptz '2025-10-01' + g * interval '1 minute' end,
         timestamptz '2025-09-01' + g * interval '1 minute', timestamptz '2025-09-01' + g * interval '1 minute'
       from generate_series(1, ${size.collections}) g;
       insert into ${S}.broadcasts (title, message_text, message_type, target_audience, status, scheduled_at, sent_at, recipients_count, failed_count, created_by_id, created_at, updated_at)
       select 'Broadcast ' || g, 'Hello ' || g, ${pick(['text', 'photo', 'video'], 'g')}, ${pick(['all', 'subscriber', 'student', 'public'], 'g')},
         ${pick(['draft', 'scheduled', 'sent', 'failed'], 'g')},
         case when g % 4 = 1 then timestamptz '2026-12-31' + g * interval '1 minute' end,
         case when g % 4 = 2 then timestamptz '2025-11-01' + g * interval '1 minute' end, g % 1000, g % 7,
         case when g % 3 = 0 then null else ${user('g')} end,
         timestamptz '2025-10-01' + g * interval '1 minute', timestamptz '2025-10-02' + g * interval '1 minute'
       from generate_series(1, ${size.broadcasts}) g`,
    ],
    [
      `projects: ${PJ}, releases: ${PJ * 3}, features: ${size.features}, user_context: ${size.contexts}`,
      `insert into ${S}.projects (id, name, description, status, created_at, updated_at)
       select ${id('proj', 'g')}, 'Project ' || g, 'the ' || g || 'th', ${pick(['active', 'paused', 'completed', 'archived'], 'g')},
         timestamptz '2025-01-01' + g * interval '1 day', timestamptz '2025-01-02' + g * interval '1 day'
       from generate_series(1, ${PJ}) g;
       insert into ${S}.releases (id, project_id, version, target_date, status, created_at, updated_at)
       select ${id('rel', 'g')}, ${id('proj', `(g - 1) % ${PJ} + 1`)}, 'v' || g, date '2026-01-01' + g,
         ${pick(['planned', 'in_progress', 'released', 'cancelled'], 'g')}, timestamptz '2025-02-01' + g * interval '1 hour', timestamptz '2025-02-02' + g * interval '1 hour'
       from generate_series(1, ${PJ * 3}) g;
       insert into ${S}.features (project_id, name, description, status, status_reason, assigned_teams, assigned_po, release_id, created_at, updated_at)
       select ${id('proj', `(g - 1) % ${PJ} + 1`)}, 'Feature ' || g, 'does ' || g, ${pick(['backlog', 'planned', 'in_progress', 'blocked', 'done', 'cancelled'], 'g')},
         case when g % 6 = 3 then 'waiting' end, array['team' || (g % 4)], case when g % 2 = 0 then 'po' || (g % 9) end,
         case when g % 3 = 0 then ${id('rel', `(g - 1) % ${PJ} + 1`)} end,
         timestamptz '2025-03-01' + g * interval '1 hour', timestamptz '2025-03-02' + g * interval '1 hour'
       from generate_series(1, ${size.features}) g;
       insert into ${S}.user_context (user_id, active_project_id, updated_at)
       select 'tg:' || g, case when g % 2 = 0 then ${id('proj', `g % ${PJ} + 1`)} end, timestamptz '2025-11-01' + g * interval '1 minute'
       from generate_series(1, ${size.contexts}) g`,
    ],
  );
  const logs = [
    [
      `processed_messages: ${size.processed}`,
      `insert into ${S}.processed_messages (consumer, message_id, processed_at, result)
       select ${pick(['default', 'billing', 'notify'], 'g')}, 'msg-' || g, now() - (${size.processed} - g) * interval '1 second',
         case when g % 4 = 0 then jsonb_build_object('ok', true) end
       from generate_series(1, ${size.processed}) g`,
    ],
  ];
  // events over the last 180 days (created_at too: the partitioned log is split by it)
  for (let from = 1; from <= size.events; from += 250_000) {
    const to = Math.min(size.events, from + 249_999);
    logs.push([
      `event_log ${from}-${to}`,
      `insert into ${S}.event_log (user_id, action, entity_type, entity_id, details, "timestamp", created_at)
       select case when g % 10 = 0 then null else 'user:' || (g % 997) end, 'host.action_' || (g % 7), 'doc', 'e' || (g % 1009),
         jsonb_build_object('g', g, 'note', 'loaded by the upgrade bench'),
         now() - (${size.events} - g) * (interval '180 days' / ${size.events}), now() - (${size.events} - g) * (interval '180 days' / ${size.events})
       from generate_series(${from}, ${to}) g`,
    ]);
  }
  return { tables: statements, logs };
}
