import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AchievementRepo,
  GuideCollectionRepo,
  GuideRepo,
  grantRuntimeAccess,
  migrateToLatest,
  UserInterestRepo,
  UserMemoryRepo,
  UserRepo,
  type Database,
} from '../../src/index.js';
import { createUser, useInstalledDatabase } from '../helpers/installed.js';

const REPLICAS = 6;
const ROUNDS = 200;

/**
 * Issue 14, item 2 and its class: every method safe to call at every start-up, called by six
 * replicas at once (each with its own pool), round after round on fresh keys so that every round
 * races on the first insert. Every call must succeed and all must agree on the row.
 */
describe('"safe at every start-up" methods under concurrent start-ups', () => {
  const database = useInstalledDatabase(['core', 'interests', 'learning', 'achievements', 'telegram']);
  const pools: pg.Pool[] = [];
  const replicas = (url: string) =>
    Array.from({ length: REPLICAS }, () => {
      const pool = new pg.Pool({ connectionString: url, max: 2 });
      pools.push(pool);
      return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    });
  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.end()));
  });

  /** Each entry: what one replica calls in round `n`, and the identity of what it got back. */
  const methods: Record<string, { owner?: boolean; call: (db: Kysely<Database>, n: number) => Promise<unknown>; same?: (value: unknown) => unknown }> = {
    'AchievementRepo.define (the reported conflict on achievements_name_key)': {
      call: (db, n) => new AchievementRepo(db).define({ slug: `boot-${n}`, name: `Boot ${n}`, title: 'Started', category: 'special' }),
      same: (r) => (r as { achievement: { id: string } }).achievement.id,
    },
    'UserRepo.upsertTelegramUser': {
      call: (db, n) => new UserRepo(db).upsertTelegramUser({ telegram_id: 1_000_000 + n, telegram_username: `boot${n}` }),
      same: (r) => (r as { user: { id: string } }).user.id,
    },
    'UserInterestRepo.add': {
      call: async (db, n) => new UserInterestRepo(db).add(await shared.user(n), await shared.package(n)),
      same: (r) => (r as { interest: { id: string } }).interest.id,
    },
    'GuideCollectionRepo.save': {
      call: async (db, n) => new GuideCollectionRepo(db).save(await shared.user(n), await shared.guide(n)),
      same: (r) => (r as { entry: { id: string } }).entry.id,
    },
    'UserMemoryRepo.ensure': {
      call: async (db, n) => new UserMemoryRepo(db).ensure(await shared.user(n)),
      same: (r) => (r as { id: string }).id,
    },
    'migrateToLatest': {
      owner: true,
      call: async (db) => {
        const { error } = await migrateToLatest(db, { modules: ['core', 'interests', 'learning', 'achievements', 'telegram'] });
        if (error) throw error;
      },
    },
    'grantRuntimeAccess': {
      owner: true,
      call: (db) => grantRuntimeAccess(db, { role: database().role }),
    },
  };

  /** Rows the calls of a round share, created once per round before the replicas start. */
  const made = new Map<string, Promise<string>>();
  const once = (key: string, make: () => Promise<string>) => {
    if (!made.has(key)) made.set(key, make());
    return made.get(key)!;
  };
  const shared = {
    user: (n: number) => once(`user:${n}`, () => createUser(database().owner)),
    package: (n: number) =>
      once(`package:${n}`, async () =>
        (await database().owner.db.withSchema('schema_kit').insertInto('content_packages').values({ title: `p${n}`, category: 'course', package_type: 'free' }).returning('id').executeTakeFirstOrThrow()).id,
      ),
    guide: (n: number) => once(`guide:${n}`, async () => (await new GuideRepo(database().owner.db).create({ title: `g${n}`, category: 'reference' })).id),
  };

  for (const [name, method] of Object.entries(methods)) {
    it(name, async () => {
      const dbs = replicas(method.owner ? database().owner.url : database().url);
      const rounds = method.owner ? 10 : ROUNDS;
      for (let n = 0; n < rounds; n += 1) {
        const round = `${name}:${n}`.length * 1000 + n; // keys of one method's rounds never meet another's
        const settled = await Promise.allSettled(dbs.map((db) => method.call(db, round)));
        const failures = settled.filter((s) => s.status === 'rejected').map((s) => (s as PromiseRejectedResult).reason as Error);
        expect(failures.map((f) => `${f.name}: ${f.message}`)).toEqual([]);
        if (method.same) expect(new Set(settled.map((s) => method.same!((s as PromiseFulfilledResult<unknown>).value))).size).toBe(1);
      }
    });
  }
});
