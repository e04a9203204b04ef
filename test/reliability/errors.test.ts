import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import * as kit from '../../src/index.js';
import {
  AchievementRepo,
  BroadcastRepo,
  ContentPackageRepo,
  checkSchema,
  ConversationRepo,
  createPartitions,
  createSchemaKit,
  dropPartitionsBefore,
  forgetUser,
  DissonanceRepo,
  EventLogRepo,
  ExerciseRepo,
  FeatureRepo,
  grantRuntimeAccess,
  GuideCollectionRepo,
  GuideRepo,
  InterfaceEvolutionRepo,
  migrateDown,
  migrateToLatest,
  migrationStatus,
  ProcessedMessageRepo,
  FeedConsumer,
  FeedConsumerRepo,
  SessionRepo,
  ProjectRepo,
  ReleaseRepo,
  RoleChangeLogRepo,
  RoleRepo,
  SchemaKitConnectionError,
  SchemaKitDatabaseError,
  SchemaKitError,
  SchemaKitValidationError,
  startEmbeddedPostgres,
  TelegramCommandRepo,
  UserAchievementRepo,
  UserContextRepo,
  UserExerciseRepo,
  UserInterestRepo,
  UserMemoryRepo,
  UserRepo,
  VocabularyRepo,
  type Database,
} from '../../src/index.js';
import { useTestDatabase } from '../helpers/database.js';
import { useInstalledDatabase } from '../helpers/installed.js';
import { tempFolder } from '../helpers/temp.js';
import { HANG_LIMIT_MS } from '../helpers/wait.js';

type Db = Kysely<Database> | Transaction<Database>;
const ID = '00000000-0000-4000-8000-000000000001';
const OTHER = '00000000-0000-4000-8000-000000000002';
const audit = { audit: false } as const;

/** Every public function and every method of every exported repository, called with valid input. */
const SURFACE: Record<string, (db: Db) => Promise<unknown>> = {
  'AchievementRepo.define': (db) => new AchievementRepo(db).define({ slug: 'a', name: 'a', title: 't', category: 'special' }),
  'AchievementRepo.get': (db) => new AchievementRepo(db).get(ID),
  'AchievementRepo.findBySlug': (db) => new AchievementRepo(db).findBySlug('a'),
  'AchievementRepo.listByCategory': (db) => new AchievementRepo(db).listByCategory('special'),
  'BroadcastRepo.create': (db) => new BroadcastRepo(db).create({ title: 't', message_text: 'm' }),
  'BroadcastRepo.get': (db) => new BroadcastRepo(db).get(ID),
  'BroadcastRepo.schedule': (db) => new BroadcastRepo(db).schedule(ID, new Date()),
  'BroadcastRepo.claimDue': (db) => new BroadcastRepo(db).claimDue(1),
  'BroadcastRepo.requeueStale': (db) => new BroadcastRepo(db).requeueStale(new Date()),
  'BroadcastRepo.markSent': (db) => new BroadcastRepo(db).markSent(ID, { recipients_count: 1, failed_count: 0 }),
  'BroadcastRepo.markFailed': (db) => new BroadcastRepo(db).markFailed(ID),
  'BroadcastRepo.recipients': (db) => new BroadcastRepo(db).recipients(ID),
  'ContentPackageRepo.create': (db) => new ContentPackageRepo(db).create({ title: 't', category: 'course', package_type: 'free' }),
  'ContentPackageRepo.getOrCreate': (db) => new ContentPackageRepo(db).getOrCreate('p', { title: 't', category: 'course', package_type: 'free' }),
  'ContentPackageRepo.get': (db) => new ContentPackageRepo(db).get(ID),
  'ContentPackageRepo.getBySlug': (db) => new ContentPackageRepo(db).getBySlug('p'),
  'ContentPackageRepo.update': (db) => new ContentPackageRepo(db).update(ID, { title: 'u' }),
  'ContentPackageRepo.deactivate': (db) => new ContentPackageRepo(db).deactivate(ID),
  'ContentPackageRepo.listByCategory': (db) => new ContentPackageRepo(db).listByCategory('course'),
  'RoleRepo.add': (db) => new RoleRepo(db).add({ name: 'editor', rank: 2 }),
  'RoleRepo.get': (db) => new RoleRepo(db).get('admin'),
  'RoleRepo.list': (db) => new RoleRepo(db).list(),
  'TelegramCommandRepo.define': (db) => new TelegramCommandRepo(db).define({ command: 'start', description: 'd' }),
  'TelegramCommandRepo.get': (db) => new TelegramCommandRepo(db).get('start'),
  'TelegramCommandRepo.list': (db) => new TelegramCommandRepo(db).list(),
  'TelegramCommandRepo.listForRole': (db) => new TelegramCommandRepo(db).listForRole('public'),
  'TelegramCommandRepo.allows': (db) => new TelegramCommandRepo(db).allows('start', 'public'),
  'TelegramCommandRepo.setEnabled': (db) => new TelegramCommandRepo(db).setEnabled('start', false),
  'VocabularyRepo.add': (db) => new VocabularyRepo(db).add('guide_category', 'billing'),
  'VocabularyRepo.list': (db) => new VocabularyRepo(db).list('guide_category'),
  'VocabularyRepo.has': (db) => new VocabularyRepo(db).has('guide_category', 'billing'),
  'ConversationRepo.start': (db) => new ConversationRepo(db).start({ user_id: ID }),
  'ConversationRepo.get': (db) => new ConversationRepo(db).get(ID),
  'ConversationRepo.addMessage': (db) => new ConversationRepo(db).addMessage(ID, { role: 'user', content: 'x' }),
  'ConversationRepo.addMessages': (db) => new ConversationRepo(db).addMessages(ID, [{ role: 'user', content: 'x' }]),
  'ConversationRepo.listMessages': (db) => new ConversationRepo(db).listMessages(ID),
  'ConversationRepo.addSummary': (db) => new ConversationRepo(db).addSummary(ID, { through_seq: 1, content: 's', token_count: 1 }),
  'ConversationRepo.contextWindow': (db) => new ConversationRepo(db).contextWindow(ID, { maxTokens: 100 }),
  'ConversationRepo.listForUser': (db) => new ConversationRepo(db).listForUser(ID),
  'ConversationRepo.updateMessage': (db) => new ConversationRepo(db).updateMessage(ID, 1, { content: 'x' }),
  'ConversationRepo.addUsage': (db) => new ConversationRepo(db).addUsage(ID, [{ model: 'm', input_tokens: 1 }]),
  'ConversationRepo.usage': (db) => new ConversationRepo(db).usage(ID),
  'ConversationRepo.usageForUser': (db) => new ConversationRepo(db).usageForUser(ID),
  'DissonanceRepo.record': (db) => new DissonanceRepo(db).record({ user_id: ID, dissonance_score: 0.5, risk_level: 'low' }),
  'DissonanceRepo.list': (db) => new DissonanceRepo(db).list(),
  'DissonanceRepo.listForUser': (db) => new DissonanceRepo(db).listForUser(ID),
  'EventLogRepo.append': (db) => new EventLogRepo(db).append({ action: 'a', entity_type: 't', entity_id: '1' }),
  'EventLogRepo.appendMany': (db) => new EventLogRepo(db).appendMany([{ action: 'a', entity_type: 't', entity_id: '1' }]),
  'EventLogRepo.listByEntity': (db) => new EventLogRepo(db).listByEntity('t', '1'),
  'EventLogRepo.listByUser': (db) => new EventLogRepo(db).listByUser('u'),
  'EventLogRepo.declarePersonalFields': (db) => new EventLogRepo(db).declarePersonalFields([{ action: '*', path: ['email'] }]),
  'EventLogRepo.stream': async (db) => {
    for await (const event of new EventLogRepo(db).stream()) return event;
  },
  'ExerciseRepo.create': (db) => new ExerciseRepo(db).create({ title: 't', description: 'd', exercise_type: 'algorithm', difficulty: 'easy' }),
  'ExerciseRepo.get': (db) => new ExerciseRepo(db).get(ID),
  'FeatureRepo.create': (db) => new FeatureRepo(db, audit).create({ project_id: ID, name: 'f' }),
  'FeatureRepo.get': (db) => new FeatureRepo(db, audit).get(ID),
  'FeatureRepo.listByProject': (db) => new FeatureRepo(db, audit).listByProject(ID),
  'FeatureRepo.setStatus': (db) => new FeatureRepo(db, { audit: true }).setStatus(ID, 'blocked', { actor: 'tg:1' }),
  'FeatureRepo.assignRelease': (db) => new FeatureRepo(db, audit).assignRelease(ID, OTHER),
  'GuideCollectionRepo.save': (db) => new GuideCollectionRepo(db).save(ID, OTHER),
  'GuideCollectionRepo.markViewed': (db) => new GuideCollectionRepo(db).markViewed(ID, OTHER),
  'GuideCollectionRepo.remove': (db) => new GuideCollectionRepo(db).remove(ID, OTHER),
  'GuideCollectionRepo.listForUser': (db) => new GuideCollectionRepo(db).listForUser(ID),
  'GuideRepo.create': (db) => new GuideRepo(db).create({ title: 't', category: 'reference' }),
  'GuideRepo.get': (db) => new GuideRepo(db).get(ID),
  'GuideRepo.listByCategory': (db) => new GuideRepo(db).listByCategory('reference'),
  'GuideRepo.countView': (db) => new GuideRepo(db).countView(ID),
  'InterfaceEvolutionRepo.record': (db) => new InterfaceEvolutionRepo(db).record(ID, { a: 1 }),
  'InterfaceEvolutionRepo.latest': (db) => new InterfaceEvolutionRepo(db).latest(ID),
  'InterfaceEvolutionRepo.history': (db) => new InterfaceEvolutionRepo(db).history(ID),
  // run() retries a lost connection until its signal aborts (the lease decides who goes on): its
  // handler's failures are typed by test/modules/consumers (consumer_stopped, with the cause)
  FeedConsumer: async (db) => {
    const consumer = new FeedConsumer(db as Kysely<Database>, { name: 'sweep' });
    await consumer.status();
    await consumer.reset();
  },
  'FeedConsumerRepo.status': (db) => new FeedConsumerRepo(db).status(),
  'ProcessedMessageRepo.claim': (db) => new ProcessedMessageRepo(db).claim('m'),
  'ProcessedMessageRepo.claimMany': (db) => new ProcessedMessageRepo(db).claimMany(['m', 'n']),
  'ProcessedMessageRepo.isProcessed': (db) => new ProcessedMessageRepo(db).isProcessed('m'),
  'ProcessedMessageRepo.processOnce': (db) => new ProcessedMessageRepo(db).processOnce('m', async () => 1, { keepResult: true }),
  'ProcessedMessageRepo.pruneOlderThan': (db) => new ProcessedMessageRepo(db).pruneOlderThan(new Date()),
  'ProcessedMessageRepo.pruneOutsideWindow': (db) => new ProcessedMessageRepo(db).pruneOutsideWindow(60_000),
  'SessionRepo.read': (db) => new SessionRepo(db).read('k'),
  'SessionRepo.write': (db) => new SessionRepo(db).write('k', { step: 1 }, { ttl: 60_000 }),
  'SessionRepo.delete': (db) => new SessionRepo(db).delete('k'),
  'SessionRepo.has': (db) => new SessionRepo(db).has('k'),
  'SessionRepo.keys': (db) => new SessionRepo(db).keys('k').next(),
  'SessionRepo.entries': (db) => new SessionRepo(db).entries('k').next(),
  'SessionRepo.pruneExpired': (db) => new SessionRepo(db).pruneExpired({ batchSize: 10 }),
  'ProjectRepo.create': (db) => new ProjectRepo(db, { audit: true }).create({ name: 'p' }, { actor: 'tg:1' }),
  'ProjectRepo.get': (db) => new ProjectRepo(db, audit).get(ID),
  'ProjectRepo.findByName': (db) => new ProjectRepo(db, audit).findByName('p'),
  'ProjectRepo.list': (db) => new ProjectRepo(db, audit).list(),
  'ProjectRepo.setStatus': (db) => new ProjectRepo(db, audit).setStatus(ID, 'paused'),
  'ReleaseRepo.create': (db) => new ReleaseRepo(db, audit).create({ project_id: ID, version: '1' }),
  'ReleaseRepo.get': (db) => new ReleaseRepo(db, audit).get(ID),
  'ReleaseRepo.listByProject': (db) => new ReleaseRepo(db, audit).listByProject(ID),
  'ReleaseRepo.setStatus': (db) => new ReleaseRepo(db, audit).setStatus(ID, 'released'),
  'RoleChangeLogRepo.changeRole': (db) => new RoleChangeLogRepo(db).changeRole({ user_id: ID, new_role: 'admin', changed_by: 'tg:1', change_source: 'admin' }),
  'RoleChangeLogRepo.record': (db) => new RoleChangeLogRepo(db).record({ user_id: ID, new_role: 'admin', changed_by: 'tg:1', change_source: 'admin' }),
  'RoleChangeLogRepo.historyForUser': (db) => new RoleChangeLogRepo(db).historyForUser(ID),
  'RoleChangeLogRepo.changesBy': (db) => new RoleChangeLogRepo(db).changesBy('tg:1'),
  'UserAchievementRepo.progress': (db) => new UserAchievementRepo(db).progress(ID, 'a'),
  'UserAchievementRepo.listForUser': (db) => new UserAchievementRepo(db).listForUser(ID),
  'UserContextRepo.set': (db) => new UserContextRepo(db, audit).set('tg:1', null),
  'UserContextRepo.get': (db) => new UserContextRepo(db, audit).get('tg:1'),
  'UserContextRepo.activeProject': (db) => new UserContextRepo(db, audit).activeProject('tg:1'),
  'UserExerciseRepo.get': (db) => new UserExerciseRepo(db).get(ID, OTHER),
  'UserExerciseRepo.start': (db) => new UserExerciseRepo(db).start(ID, OTHER),
  'UserExerciseRepo.complete': (db) => new UserExerciseRepo(db).complete(ID, OTHER),
  'UserExerciseRepo.skip': (db) => new UserExerciseRepo(db).skip(ID, OTHER),
  'UserExerciseRepo.useHint': (db) => new UserExerciseRepo(db).useHint(ID, OTHER),
  'UserInterestRepo.add': (db) => new UserInterestRepo(db).add(ID, OTHER),
  'UserInterestRepo.markAttended': (db) => new UserInterestRepo(db).markAttended(ID, OTHER),
  'UserInterestRepo.remove': (db) => new UserInterestRepo(db).remove(ID, OTHER),
  'UserInterestRepo.listForUser': (db) => new UserInterestRepo(db).listForUser(ID),
  'UserInterestRepo.listForPackage': (db) => new UserInterestRepo(db).listForPackage(ID),
  'UserMemoryRepo.get': (db) => new UserMemoryRepo(db).get(ID),
  'UserMemoryRepo.ensure': (db) => new UserMemoryRepo(db).ensure(ID),
  'UserMemoryRepo.merge': (db) => new UserMemoryRepo(db).merge(ID, { topic_mastery: { a: 1 } }),
  'UserMemoryRepo.append': (db) => new UserMemoryRepo(db).append(ID, { common_questions: ['q'] }),
  'UserRepo.create': (db) => new UserRepo(db).create({ email: 'a@b.c' }),
  'UserRepo.upsertTelegramUser': (db) => new UserRepo(db).upsertTelegramUser({ telegram_id: 1 }),
  'UserRepo.findById': (db) => new UserRepo(db).findById(ID),
  'UserRepo.findByEmail': (db) => new UserRepo(db).findByEmail('a@b.c'),
  'UserRepo.findByTelegramId': (db) => new UserRepo(db).findByTelegramId(1),
  'UserRepo.findByGithubId': (db) => new UserRepo(db).findByGithubId('g'),
  'UserRepo.findByGoogleId': (db) => new UserRepo(db).findByGoogleId('g'),
  'UserRepo.deactivate': (db) => new UserRepo(db).deactivate(ID),
  'UserRepo.activate': (db) => new UserRepo(db).activate(ID),
  'UserRepo.update': (db) => new UserRepo(db).update(ID, { name: 'n' }),
  'createSchemaKit.processedMessages.claim': async (db) => {
    const pool = (db as unknown as { pool?: pg.Pool }).pool ?? POOLS.get(db);
    const kit = createSchemaKit({ pool: pool! });
    return kit.processedMessages.claim('m').finally(() => kit.destroy());
  },
  migrateToLatest: async (db) => failedRun(await migrateToLatest(db as Kysely<Database>)),
  migrateDown: async (db) => failedRun(await migrateDown(db as Kysely<Database>)),
  migrationStatus: (db) => migrationStatus(db as Kysely<Database>),
  grantRuntimeAccess: (db) => grantRuntimeAccess(db as Kysely<Database>, { role: 'postgres' }),
  checkSchema: (db) => checkSchema(db as Kysely<Database>),
  createPartitions: (db) => createPartitions(db as Kysely<Database>),
  dropPartitionsBefore: (db) => dropPartitionsBefore(db as Kysely<Database>, { table: 'event_log', before: new Date(0) }),
  forgetUser: (db) => forgetUser(db as Kysely<Database>, { identifiers: ['tg:1'] }),
};

/** The run functions report ordinary failures in `error`: the sweep checks that one as thrown. */
function failedRun(result: { error?: unknown }): unknown {
  if (result.error) throw result.error;
  return result;
}

/** The pool behind each Kysely a test builds, for createSchemaKit. */
const POOLS = new WeakMap<object, pg.Pool>();
function kyselyOver(connectionString: string, options: pg.PoolConfig = {}): Kysely<Database> {
  // a hang guard: a connect that times out would be a SchemaKitConnectionError where the test
  // expects another type, so on a loaded machine it must not be reached
  const pool = new pg.Pool({ connectionString, connectionTimeoutMillis: HANG_LIMIT_MS, ...options });
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  POOLS.set(db, pool);
  return db;
}

/** Calls every entry of the surface and returns, per entry, what it threw (or `undefined`). */
async function sweep(db: Db, names = Object.keys(SURFACE)): Promise<Record<string, unknown>> {
  const thrown: Record<string, unknown> = {};
  for (const name of names) {
    thrown[name] = await SURFACE[name]!(db).then(
      () => undefined,
      (error: unknown) => error,
    );
  }
  return thrown;
}

/** Asserts that every thrown error is a SchemaKitError of `type` with its cause attached. */
function expectTyped(thrown: Record<string, unknown>, type: new (...args: never[]) => SchemaKitError = SchemaKitError): void {
  const wrong = Object.entries(thrown)
    .filter(([, error]) => !(error instanceof type) || (error as Error).cause === undefined)
    .map(([name, error]) => `${name}: ${error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error)}`);
  expect(wrong).toEqual([]);
}

/**
 * Issue 14, item 8 and its class: every error any public function can throw is a SchemaKitError
 * with its cause, swept over every public function and repository method.
 */
describe('every error that leaves the library is a SchemaKitError with its cause', () => {
  const empty = useTestDatabase();
  const installed = useInstalledDatabase(['core', 'interests', 'roles', 'audit', 'idempotency', 'planning', 'learning', 'achievements', 'insights', 'telegram', 'sessions']);

  it('covers every public function and every method of every exported repository', () => {
    const names = Object.entries(kit).flatMap(([name, value]) => {
      if (typeof value !== 'function' || /Error$/.test(name) || name === 'AuditedRepo') return [];
      const methods = Object.getOwnPropertyNames((value as { prototype?: object }).prototype ?? {}).filter((m) => m !== 'constructor');
      return name.endsWith('Repo') ? methods.map((m) => `${name}.${m}`) : [name === 'createSchemaKit' ? 'createSchemaKit.processedMessages.claim' : name];
    });
    // startEmbeddedPostgres and lintMigration need no database: each has a test of its own below
    expect(names.filter((n) => n !== 'startEmbeddedPostgres' && n !== 'lintMigration').sort()).toEqual(Object.keys(SURFACE).sort());
  });

  it('lintMigration, which reads no database: bad input is a SchemaKitValidationError naming the field', () => {
    const cases: [unknown, string][] = [
      [null, 'up'], [{ upLine: 1, transactional: true }, 'up'], [{ up: 'select 1;', upLine: 0, transactional: true }, 'upLine'],
      [{ up: 'select 1;', upLine: 1, transactional: 'yes' }, 'transactional'],
    ];
    for (const [input, field] of cases) {
      let thrown: unknown;
      try {
        kit.lintMigration(input as never);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(SchemaKitValidationError);
      expect(thrown).toMatchObject({ field });
    }
  });

  it('a server refusing TLS (sslmode=require): SchemaKitConnectionError everywhere (the reported plain Error)', async () => {
    const url = new URL(empty().url);
    url.searchParams.set('sslmode', 'require');
    const db = kyselyOver(url.toString());
    try {
      expectTyped(await sweep(db), SchemaKitConnectionError);
    } finally {
      await db.destroy();
    }
  });

  it('an unreachable server: SchemaKitConnectionError everywhere', async () => {
    const db = kyselyOver('postgres://postgres@127.0.0.1:1/postgres', { connectionTimeoutMillis: 2000 });
    try {
      expectTyped(await sweep(db), SchemaKitConnectionError);
    } finally {
      await db.destroy();
    }
  });

  it('a database where schema-kit is not installed: typed errors from the repositories', async () => {
    const db = kyselyOver(empty().url);
    try {
      const repositories = Object.keys(SURFACE).filter((name) => name.includes('Repo.'));
      expectTyped(await sweep(db, repositories));
    } finally {
      await db.destroy();
    }
  });

  it('inside a host transaction a failed statement aborted: every call is refused with a typed error', async () => {
    const names = Object.keys(SURFACE).filter((name) => name.includes('Repo.'));
    let thrown: Record<string, unknown> = {};
    const rolledBack = new Error('the host rolls back its aborted transaction');
    const outcome = await installed()
      .db.transaction()
      .execute(async (trx) => {
        await sql`select 1 / 0`.execute(trx).catch(() => undefined); // the host swallows a failure
        thrown = await sweep(trx, names);
        throw rolledBack;
      })
      .catch((error: unknown) => error);
    expect(outcome).toBe(rolledBack);
    expect(Object.keys(thrown)).toEqual(names);
    expectTyped(thrown);
  });

  it('processOnce whose handler swallows a failed statement: SchemaKitDatabaseError transaction_aborted (the reported AbortedTransactionError / 25P02)', async () => {
    const { db } = installed();
    const swallow = async (trx: Transaction<Database>) => {
      await sql`select 1 / 0`.execute(trx).catch(() => undefined);
      return 'done';
    };
    const inbox = new ProcessedMessageRepo(db, { consumer: 'swallow' });
    const outcomes = [
      await inbox.processOnce('m1', swallow).catch((e: unknown) => e),
      await inbox.processOnce('m2', swallow, { keepResult: true }).catch((e: unknown) => e),
      await db.transaction().execute((trx) => new ProcessedMessageRepo(trx, { consumer: 'swallow' }).processOnce('m3', swallow)).catch((e: unknown) => e),
    ];
    for (const outcome of outcomes) {
      expect(outcome).toBeInstanceOf(SchemaKitDatabaseError);
      expect((outcome as SchemaKitDatabaseError).code).toBe('transaction_aborted');
      expect((outcome as Error).cause).toBeDefined();
    }
    for (const id of ['m1', 'm2', 'm3']) expect(await inbox.isProcessed(id)).toBe(false); // nothing committed
    // what the handler itself throws is the host's own error, rethrown as is
    const mine = new RangeError('mine');
    await expect(inbox.processOnce('m4', async () => Promise.reject(mine))).rejects.toBe(mine);
  });

  it('startEmbeddedPostgres on a data directory that cannot be created', async () => {
    const file = join(tempFolder('embedded-error-'), 'a-file');
    writeFileSync(file, 'not a directory');
    const error = await startEmbeddedPostgres({ dataDir: join(file, 'data'), persistent: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaKitError);
    expect((error as Error).cause).toBeDefined();
  });
});
