import { Kysely, PostgresDialect, sql, type CompiledQuery } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/index.js';
import { AchievementRepo } from '../../src/modules/achievements/index.js';
import { BroadcastRepo } from '../../src/modules/telegram/index.js';
import { ConversationRepo } from '../../src/modules/learning/index.js';
import { DissonanceRepo } from '../../src/modules/insights/index.js';
import { ExerciseRepo } from '../../src/modules/learning/index.js';
import { FeatureRepo } from '../../src/modules/planning/index.js';
import { GuideCollectionRepo } from '../../src/modules/telegram/index.js';
import { GuideRepo } from '../../src/modules/telegram/index.js';
import { InterfaceEvolutionRepo } from '../../src/modules/insights/index.js';
import { ProjectRepo } from '../../src/modules/planning/index.js';
import { ReleaseRepo } from '../../src/modules/planning/index.js';
import { UserAchievementRepo } from '../../src/modules/achievements/index.js';
import { UserContextRepo } from '../../src/modules/planning/index.js';
import { UserExerciseRepo } from '../../src/modules/learning/index.js';
import { UserMemoryRepo } from '../../src/modules/learning/index.js';
import { UserRepo } from '../../src/modules/core/index.js';
import { ContentPackageRepo, UserInterestRepo } from '../../src/modules/interests/index.js';
import { useInstalledDatabase } from '../helpers/installed.js';

const ROWS = 100_000;

/** `n`-numbered rows of a table, for spreading one table's rows over another's. */
const numbered = (table: string, limit = ROWS) => `(select id, row_number() over (order by id) as n from ${table} limit ${limit})`;

/** Fills every table these repositories read with ROWS rows; each statement stands alone, so
 * they run on two connections. Users come first: most rows belong to one. */
const FILL_USERS = `insert into users (email, telegram_id, github_id, google_id, role)
  select 'u' || i || '@example.com', i, 'gh' || i, 'g' || i, case when i % 100 = 0 then 'subscriber' else 'public' end
  from generate_series(1, ${ROWS}) i`;
const FILL: string[][] = [
  [
    `insert into projects (name) select 'project ' || i from generate_series(1, ${ROWS}) i`,
    `insert into releases (project_id, version) select p.id, 'v' || i from generate_series(1, ${ROWS}) i join ${numbered('projects', 1000)} p on p.n = i % 1000 + 1`,
    `insert into features (project_id, name, status) select p.id, 'f' || i, case when i % 50 = 0 then 'blocked' else 'done' end
       from generate_series(1, ${ROWS}) i join ${numbered('projects', 1000)} p on p.n = i % 1000 + 1`,
    `insert into user_context (user_id, active_project_id) select 'tg:' || i, p.id from generate_series(1, ${ROWS}) i join ${numbered('projects', 1000)} p on p.n = i % 1000 + 1`,
    `insert into exercises (title, description, exercise_type, difficulty) select 'e' || i, 'd', 'algorithm', 'easy' from generate_series(1, ${ROWS}) i`,
    `insert into user_exercises (user_id, exercise_id) select u.id, e.id from ${numbered('users')} u join ${numbered('exercises')} e using (n)`,
    `insert into achievements (name, slug, title, category) select 'a' || i, 'a' || i, 'A', case when i % 100 = 0 then 'special' else 'exercise' end from generate_series(1, ${ROWS}) i`,
    `insert into user_achievements (user_id, achievement_id) select u.id, a.id from ${numbered('users')} u join ${numbered('achievements')} a using (n)`,
    `insert into content_packages (title, slug, category, package_type)
       select 'p' || i, 'p' || i, case when i % 100 = 0 then 'event' else 'course' end, 'free' from generate_series(1, ${ROWS}) i`,
    `insert into user_interests (user_id, package_id, is_attended, attended_at)
       select u.id, p.id, u.n % 2 = 0, case when u.n % 2 = 0 then now() end from ${numbered('users')} u join ${numbered('content_packages')} p using (n)`,
  ],
  [
    `insert into conversations (user_id) select id from users`,
    `insert into messages (conversation_id, role, content) select id, 'user', 'hi' from conversations`,
    `insert into message_tool_calls (conversation_id, call_id, seq) select id, 'call', 1 from conversations`,
    `insert into conversation_summaries (conversation_id, through_seq, content, token_count) select id, 1, 's', 1 from conversations`,
    `insert into conversation_usage (conversation_id, model, input_tokens) select id, 'm', 1 from conversations`,
    `insert into user_memory (user_id) select id from users`,
    `insert into interface_evolution_log (user_id, version, changes) select id, 1, '{}' from users`,
    `insert into dissonance_records (user_id, dissonance_score, risk_level)
       select id, (n % 1000) / 1000.0, case when n % 100 = 0 then 'critical' else 'low' end from ${numbered('users')} u`,
    `insert into guides (title, category) select 'g' || i, case when i % 100 = 0 then 'reference' else 'how_to' end from generate_series(1, ${ROWS}) i`,
    `insert into user_guide_collections (user_id, guide_id) select u.id, g.id from ${numbered('users')} u join ${numbered('guides')} g using (n)`,
    // 50 scheduled, 50 sending (half of them claimed 2 hours ago by a sender that crashed), the rest sent
    `insert into broadcasts (title, message_text, status, scheduled_at, sent_at, updated_at)
       select 'b', 't', case when i % 2000 = 0 then 'scheduled' when i % 2000 = 1000 then 'sending' else 'sent' end,
         now() - interval '1 hour', case when i % 1000 = 0 then null else now() end,
         case when i % 4000 = 1000 then now() - interval '2 hours' else now() end
       from generate_series(1, ${ROWS}) i`,
    // broadcasts to explicit lists: one user each
    `insert into broadcast_audience_users (broadcast_id, user_id) select b.id, u.id from ${numbered('broadcasts')} b join ${numbered('users')} u using (n)`,
  ],
];

/** Ids of rows the calls below work on, read once the tables are filled. */
interface Fixtures {
  user: string;
  otherUser: string;
  project: string;
  release: string;
  feature: string;
  exercise: string;
  conversation: string;
  guide: string;
  broadcast: string;
  achievementSlug: string;
  contentPackage: string;
}

type Call = (db: Kysely<Database>, f: Fixtures) => Promise<unknown>;

const ignoreFailure = (promise: Promise<unknown>) => promise.catch(() => undefined);

/** Every public method of the module repositories, with arguments that reach each query it can send. */
const CALLS: [string, Call][] = [
  ['UserRepo.create', (db) => new UserRepo(db).create({ email: 'new@example.com', telegram_id: ROWS + 1 })],
  ['UserRepo.upsertTelegramUser', (db) => new UserRepo(db).upsertTelegramUser({ telegram_id: 77, telegram_username: 'x' })],
  ['UserRepo.findById', (db, f) => new UserRepo(db).findById(f.user)],
  ['UserRepo.findByEmail', (db) => new UserRepo(db).findByEmail('U77@Example.com')],
  ['UserRepo.findByTelegramId', (db) => new UserRepo(db).findByTelegramId(77)],
  ['UserRepo.findByGithubId', (db) => new UserRepo(db).findByGithubId('gh77')],
  ['UserRepo.findByGoogleId', (db) => new UserRepo(db).findByGoogleId('g77')],
  ['UserRepo.deactivate', (db, f) => new UserRepo(db).deactivate(f.otherUser)],

  ['ProjectRepo.create', (db) => new ProjectRepo(db).create({ name: 'brand new' }, { actor: 'tg:1' })],
  ['ProjectRepo.get', (db, f) => new ProjectRepo(db).get(f.project)],
  ['ProjectRepo.findByName', (db) => new ProjectRepo(db).findByName('project 77')],
  ['ProjectRepo.list', async (db) => new ProjectRepo(db).list({ limit: 20, after: (await new ProjectRepo(db).list({ limit: 20 })).next! })],
  ['ProjectRepo.setStatus', (db, f) => new ProjectRepo(db).setStatus(f.project, 'paused', { actor: 'tg:1' })],
  ['ReleaseRepo.create', (db, f) => new ReleaseRepo(db).create({ project_id: f.project, version: 'v-new' }, { actor: 'tg:1' })],
  ['ReleaseRepo.get', (db, f) => new ReleaseRepo(db).get(f.release)],
  ['ReleaseRepo.listByProject', async (db, f) => new ReleaseRepo(db).listByProject(f.project, { limit: 10, after: (await new ReleaseRepo(db).listByProject(f.project, { limit: 10 })).next! })],
  ['ReleaseRepo.setStatus', (db, f) => new ReleaseRepo(db).setStatus(f.release, 'released', { actor: 'tg:1' })],
  ['FeatureRepo.create', (db, f) => new FeatureRepo(db).create({ project_id: f.project, name: 'new' }, { actor: 'tg:1' })],
  ['FeatureRepo.get', (db, f) => new FeatureRepo(db).get(f.feature)],
  ['FeatureRepo.listByProject', async (db, f) => {
    const repo = new FeatureRepo(db);
    await repo.listByProject(f.project, { status: 'blocked', limit: 1 });
    return repo.listByProject(f.project, { limit: 10, after: (await repo.listByProject(f.project, { limit: 10 })).next! });
  }],
  ['FeatureRepo.setStatus', (db, f) => new FeatureRepo(db).setStatus(f.feature, 'blocked', { actor: 'tg:1', reason: 'r' })],
  ['FeatureRepo.assignRelease', async (db, f) => {
    const repo = new FeatureRepo(db);
    await repo.assignRelease(f.feature, f.release, { actor: 'tg:1' });
    await ignoreFailure(repo.assignRelease(f.feature, '00000000-0000-4000-8000-000000000000', { actor: 'tg:1' }));
  }],
  ['UserContextRepo.set', (db, f) => new UserContextRepo(db).set('tg:77', f.project, { actor: 'tg:77' })],
  ['UserContextRepo.get', (db) => new UserContextRepo(db).get('tg:77')],
  ['UserContextRepo.activeProject', (db) => new UserContextRepo(db).activeProject('tg:78')],

  ['ConversationRepo.start', (db, f) => new ConversationRepo(db).start({ user_id: f.user })],
  ['ConversationRepo.get', (db, f) => new ConversationRepo(db).get(f.conversation)],
  ['ConversationRepo.addMessages', (db, f) => new ConversationRepo(db).addMessages(f.conversation, [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }])],
  ['ConversationRepo.addMessage', (db, f) => new ConversationRepo(db).addMessage(f.conversation, { role: 'user', content: 'c' })],
  ['ConversationRepo.addMessage (a tool call, then its result)', async (db, f) => {
    const repo = new ConversationRepo(db);
    await repo.addMessage(f.conversation, { role: 'assistant', content: '', tool_calls: [{ id: 'call_77', name: 't', arguments: {} }], model: 'm', input_tokens: 5 });
    await repo.addMessage(f.conversation, { role: 'tool', tool_call_id: 'call_77', content: 'r' });
    await ignoreFailure(repo.addMessage(f.conversation, { role: 'tool', tool_call_id: 'no_such_call', content: 'r' }));
  }],
  ['ConversationRepo.addSummary', async (db, f) => {
    await new ConversationRepo(db).addSummary(f.conversation, { through_seq: 1, content: 's', token_count: 3 });
    await ignoreFailure(new ConversationRepo(db).addSummary(f.conversation, { through_seq: 1_000_000, content: 's', token_count: 3 }));
  }],
  ['ConversationRepo.contextWindow', (db, f) => new ConversationRepo(db).contextWindow(f.conversation, { maxTokens: 1000 })],
  ['ConversationRepo.listMessages', async (db, f) => new ConversationRepo(db).listMessages(f.conversation, { limit: 1, after: (await new ConversationRepo(db).listMessages(f.conversation, { limit: 1 })).next! })],
  ['ConversationRepo.listForUser', async (db, f) => new ConversationRepo(db).listForUser(f.user, { limit: 1, after: (await new ConversationRepo(db).listForUser(f.user, { limit: 1 })).next! })],
  ['UserMemoryRepo.get', (db, f) => new UserMemoryRepo(db).get(f.user)],
  ['UserMemoryRepo.ensure', (db, f) => new UserMemoryRepo(db).ensure(f.user)],
  ['UserMemoryRepo.merge', (db, f) => new UserMemoryRepo(db).merge(f.user, { topic_mastery: { sql: 1 } })],
  ['UserMemoryRepo.append', (db, f) => new UserMemoryRepo(db).append(f.user, { common_questions: ['why?'] })],
  ['ExerciseRepo.create', (db) => new ExerciseRepo(db).create({ title: 't', description: 'd', exercise_type: 'debugging', difficulty: 'hard' })],
  ['ExerciseRepo.get', (db, f) => new ExerciseRepo(db).get(f.exercise)],
  ['UserExerciseRepo.get', (db, f) => new UserExerciseRepo(db).get(f.user, f.exercise)],
  ['UserExerciseRepo.start', (db, f) => new UserExerciseRepo(db).start(f.user, f.exercise)],
  ['UserExerciseRepo.useHint', (db, f) => new UserExerciseRepo(db).useHint(f.user, f.exercise)],
  ['UserExerciseRepo.complete', (db, f) => new UserExerciseRepo(db).complete(f.user, f.exercise, { grade: 1 })],
  ['UserExerciseRepo.skip', (db, f) => new UserExerciseRepo(db).skip(f.otherUser, f.exercise)],

  ['AchievementRepo.define', (db) => new AchievementRepo(db).define({ slug: 'a77', name: 'a77', title: 'A', category: 'special' })],
  ['AchievementRepo.get', async (db, f) => new AchievementRepo(db).get((await new AchievementRepo(db).findBySlug(f.achievementSlug))!.id)],
  ['AchievementRepo.listByCategory', async (db) => new AchievementRepo(db).listByCategory('special', { limit: 5, after: (await new AchievementRepo(db).listByCategory('special', { limit: 5 })).next! })],
  ['UserAchievementRepo.progress', async (db, f) => {
    const repo = new UserAchievementRepo(db);
    await repo.progress(f.user, f.achievementSlug); // the row exists: one UPDATE
    await repo.progress(f.otherUser, f.achievementSlug, 3); // no row yet: UPDATE, then INSERT
    await ignoreFailure(repo.progress(f.user, 'no-such-achievement'));
  }],
  ['UserAchievementRepo.listForUser', async (db, f) => new UserAchievementRepo(db).listForUser(f.user, { earned: false, limit: 1, after: (await new UserAchievementRepo(db).listForUser(f.user, { limit: 1 })).next! })],

  ['ContentPackageRepo.create', (db) => new ContentPackageRepo(db).create({ title: 't', slug: 'fresh', category: 'course', package_type: 'free' })],
  ['ContentPackageRepo.getOrCreate', async (db) => {
    const repo = new ContentPackageRepo(db);
    await repo.getOrCreate('p77', { title: 't', category: 'course', package_type: 'free' }); // exists: INSERT, then read by slug
    return repo.getOrCreate('brand-new', { title: 't', category: 'course', package_type: 'free' });
  }],
  ['ContentPackageRepo.get', (db, f) => new ContentPackageRepo(db).get(f.contentPackage)],
  ['ContentPackageRepo.getBySlug', (db) => new ContentPackageRepo(db).getBySlug('p78')],
  ['ContentPackageRepo.update', (db, f) => new ContentPackageRepo(db).update(f.contentPackage, { title: 'renamed', category: 'event' })],
  ['ContentPackageRepo.deactivate', (db, f) => new ContentPackageRepo(db).deactivate(f.contentPackage)],
  ['ContentPackageRepo.listByCategory', async (db) => {
    const repo = new ContentPackageRepo(db);
    await repo.listByCategory('event', { includeInactive: true, limit: 5 });
    return repo.listByCategory('event', { limit: 5, after: (await repo.listByCategory('event', { limit: 5 })).next! });
  }],
  ['UserInterestRepo.listForUser', async (db, f) => {
    const repo = new UserInterestRepo(db);
    return repo.listForUser(f.user, { include: 'package', limit: 1, after: (await repo.listForUser(f.user, { include: 'package', limit: 1 })).next! });
  }],
  ['UserInterestRepo.listForPackage', async (db, f) => {
    const repo = new UserInterestRepo(db);
    return repo.listForPackage(f.contentPackage, { attended: true, include: 'package', limit: 1, after: (await repo.listForPackage(f.contentPackage, { attended: true, include: 'package', limit: 1 })).next! });
  }],

  ['GuideRepo.create', (db) => new GuideRepo(db).create({ title: 't', category: 'reference' })],
  ['GuideRepo.get', (db, f) => new GuideRepo(db).get(f.guide)],
  ['GuideRepo.listByCategory', async (db) => new GuideRepo(db).listByCategory('reference', { limit: 5, after: (await new GuideRepo(db).listByCategory('reference', { limit: 5 })).next! })],
  ['GuideRepo.countView', (db, f) => new GuideRepo(db).countView(f.guide)],
  ['GuideCollectionRepo.save', (db, f) => new GuideCollectionRepo(db).save(f.user, f.guide)],
  ['GuideCollectionRepo.markViewed', (db, f) => new GuideCollectionRepo(db).markViewed(f.user, f.guide)],
  ['GuideCollectionRepo.listForUser', async (db, f) => new GuideCollectionRepo(db).listForUser(f.user, { limit: 1, after: (await new GuideCollectionRepo(db).listForUser(f.user, { limit: 1 })).next! })],
  ['GuideCollectionRepo.remove', (db, f) => new GuideCollectionRepo(db).remove(f.user, f.guide)],
  ['BroadcastRepo.create', (db) => new BroadcastRepo(db).create({ title: 't', message_text: 'm' })],
  ['BroadcastRepo.recipients', async (db, f) => {
    const repo = new BroadcastRepo(db);
    for (const target_audience of ['subscriber', 'all']) {
      const { id } = await repo.create({ title: 't', message_text: 'm', target_audience });
      await repo.recipients(id, { limit: 5, after: (await repo.recipients(id, { limit: 5 })).next! });
    }
    const { rows } = await sql<{ id: string }>`select id from schema_kit.users order by id limit 20`.execute(db);
    for (const audience of [
      { kind: 'package', package_id: f.contentPackage },
      { kind: 'category', category: 'course' },
      { kind: 'users', user_ids: rows.map((r) => r.id) },
    ] as const) {
      const { id } = await repo.create({ title: 't', message_text: 'm', audience });
      await repo.recipients(id, { limit: 5, after: (await repo.recipients(id, { limit: 5 })).next ?? undefined });
    }
  }],
  ['BroadcastRepo.get', (db, f) => new BroadcastRepo(db).get(f.broadcast)],
  ['BroadcastRepo.claimDue', (db) => new BroadcastRepo(db).claimDue(5)],
  ['BroadcastRepo.markSent', async (db) => {
    const repo = new BroadcastRepo(db);
    const [claimed] = await repo.claimDue(1);
    await repo.markSent(claimed!.id, { recipients_count: 1, failed_count: 0 });
    await ignoreFailure(repo.markSent(claimed!.id, { recipients_count: 1, failed_count: 0 }));
  }],
  ['BroadcastRepo.markFailed', async (db) => {
    const repo = new BroadcastRepo(db);
    const [claimed] = await repo.claimDue(1);
    await repo.markFailed(claimed!.id);
  }],
  ['BroadcastRepo.schedule', async (db, f) => {
    const repo = new BroadcastRepo(db);
    await repo.schedule((await repo.create({ title: 't', message_text: 'm' })).id, new Date());
    await ignoreFailure(repo.schedule(f.broadcast, new Date())); // a sent one: says why not
  }],
  ['BroadcastRepo.requeueStale', (db) => new BroadcastRepo(db).requeueStale(new Date(Date.now() - 3_600_000))],

  ['InterfaceEvolutionRepo.record', (db, f) => new InterfaceEvolutionRepo(db).record(f.user, { theme: 'dark' })],
  ['InterfaceEvolutionRepo.latest', (db, f) => new InterfaceEvolutionRepo(db).latest(f.user)],
  ['InterfaceEvolutionRepo.history', async (db, f) => new InterfaceEvolutionRepo(db).history(f.user, { limit: 1, after: (await new InterfaceEvolutionRepo(db).history(f.user, { limit: 1 })).next! })],
  ['DissonanceRepo.record', (db, f) => new DissonanceRepo(db).record({ user_id: f.user, conversation_id: f.conversation, dissonance_score: 0.9, risk_level: 'high' })],
  ['DissonanceRepo.list', async (db) => {
    const repo = new DissonanceRepo(db);
    await repo.list({ limit: 10 });
    await repo.list({ min_score: 0.995 });
    await repo.list({ risk_level: ['high', 'critical'], min_score: 0.9 });
    return repo.list({ risk_level: 'critical', min_score: 0.5, limit: 5, after: (await repo.list({ risk_level: 'critical', min_score: 0.5, limit: 5 })).next! });
  }],
  ['DissonanceRepo.listForUser', async (db, f) => new DissonanceRepo(db).listForUser(f.user, { limit: 1, after: (await new DissonanceRepo(db).listForUser(f.user, { limit: 1 })).next! })],
];

/** Every node of a plan, its init plans and subplans included. */
function nodesOf(plan: Record<string, unknown>): Record<string, unknown>[] {
  return [plan, ...((plan.Plans as Record<string, unknown>[] | undefined) ?? []).flatMap(nodesOf)];
}

describe(`every query of the module repositories, on tables of ${ROWS} rows`, () => {
  const database = useInstalledDatabase(['core', 'audit', 'interests', 'planning', 'learning', 'achievements', 'insights', 'telegram']);
  let fixtures: Fixtures;
  let captured: CompiledQuery[] = [];
  let logged: Kysely<Database>;

  beforeAll(async () => {
    const { pool } = database();
    // the fill runs as the owner (the runtime role may not set session_replication_role), each
    // part on a connection of its own that is closed afterwards
    const owner = database().owner.pool;
    const session = async (statements: string[]) => {
      const client = await owner.connect();
      try {
        await client.query('set search_path = schema_kit');
        // the fill is consistent by construction: skip the row-by-row foreign-key triggers
        await client.query('set session_replication_role = replica');
        for (const statement of statements) await client.query(statement);
      } finally {
        client.release(true);
      }
    };
    await session([FILL_USERS]);
    await Promise.all(FILL.map(session));
    const idOf = async (query: string) => (await owner.query<{ id: string }>(query)).rows[0]!.id;
    const user = await idOf(`select id from schema_kit.users where email = 'u777@example.com'`);
    const project = await idOf(`select project_id as id from schema_kit.features order by project_id limit 1`);
    fixtures = {
      user,
      otherUser: await idOf(`select id from schema_kit.users where email = 'u778@example.com'`),
      project,
      release: await idOf(`select id from schema_kit.releases where project_id = '${project}' limit 1`),
      feature: await idOf(`select id from schema_kit.features where project_id = '${project}' limit 1`),
      exercise: await idOf(`select id from schema_kit.exercises where title = 'e5'`),
      conversation: await idOf(`select id from schema_kit.conversations where user_id = '${user}'`),
      guide: await idOf(`select id from schema_kit.guides where title = 'g5'`),
      broadcast: await idOf(`select id from schema_kit.broadcasts where status = 'sent' limit 1`),
      achievementSlug: 'a7',
      contentPackage: await idOf(`select id from schema_kit.content_packages where slug = 'p7'`),
    };
    // a second row of the user in each table listed per user, so that its pages have a next one
    await session([
      `insert into conversations (user_id) values ('${user}')`,
      `insert into dissonance_records (user_id, dissonance_score, risk_level) values ('${user}', 0.5, 'low')`,
      `insert into interface_evolution_log (user_id, version, changes) values ('${user}', 2, '{}')`,
      `insert into user_guide_collections (user_id, guide_id) select '${user}', id from guides where title = 'g6'`,
      `insert into user_achievements (user_id, achievement_id) select '${user}', id from achievements where slug = 'a8'`,
      `insert into messages (conversation_id, role, content) values ('${fixtures.conversation}', 'assistant', 'hello')`,
      `insert into user_interests (user_id, package_id) select '${user}', id from content_packages where slug = 'p8'`,
      `insert into user_interests (user_id, package_id, is_attended, attended_at)
         select u.id, '${fixtures.contentPackage}', true, now() from users u where email in ('u2@example.com', 'u4@example.com')`,
      'analyze',
    ]);
    // the same pool, with every query the repositories send recorded (successful or failed)
    logged = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: { connect: () => pool.connect(), end: async () => undefined } }),
      log: (event) => void captured.push(event.query),
    });
  }, 300_000);

  it.each(CALLS)('%s reads through an index', async (_method, call) => {
    captured = [];
    await call(logged, fixtures);
    const statements = captured.filter((q) => /^\s*(select|insert|update|delete|with)\b/i.test(q.sql));
    expect(statements.length).toBeGreaterThan(0);
    for (const { sql, parameters } of statements) {
      const client = await database().pool.connect();
      try {
        const { rows } = await client.query(`explain (format json) ${sql}`, parameters as unknown[]);
        const nodes = nodesOf((rows[0]['QUERY PLAN'] as { Plan: Record<string, unknown> }[])[0]!.Plan);
        const plan = JSON.stringify(nodes.map((n) => [n['Node Type'], n['Relation Name'], n['Index Name']]));
        expect(nodes.filter((n) => n['Node Type'] === 'Seq Scan'), `${sql}\n${plan}`).toEqual([]);
        // an INSERT ... VALUES reads no table; anything else must read one through an index
        const readsNothing = nodes.every((n) => !n['Relation Name'] || n['Node Type'] === 'ModifyTable');
        if (!readsNothing) expect(nodes.some((n) => typeof n['Index Name'] === 'string'), `${sql}\n${plan}`).toBe(true);
      } finally {
        client.release();
      }
    }
  });
});
