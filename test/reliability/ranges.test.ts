import fc from 'fast-check';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import {
  AchievementRepo,
  BroadcastRepo,
  ConversationRepo,
  DissonanceRepo,
  EventLogRepo,
  ExerciseRepo,
  GuideCollectionRepo,
  GuideRepo,
  ProcessedMessageRepo,
  ProjectRepo,
  ReleaseRepo,
  RoleChangeLogRepo,
  SchemaKitValidationError,
  UserAchievementRepo,
  UserExerciseRepo,
  UserRepo,
} from '../../src/index.js';
import { createUser, useInstalledDatabase } from '../helpers/installed.js';

const INT4 = 2 ** 31 - 1;
const RUNS = { numRuns: 150 };
/** Stands for a cursor a real page returned. */
const A_REAL_CURSOR = Symbol('a real cursor');

/** Numbers at and around the edges of `integer`, `bigint` and JS's safe integers, and non-integers. */
const edgeNumber = fc.oneof(
  fc.integer(),
  fc.constantFrom(0, -0, 1, -1, INT4, INT4 + 1, -INT4 - 1, -INT4 - 2, 1e6, 1e6 + 1, 2 ** 53 - 1, 2 ** 53, -(2 ** 53), 0.5, 1e300, NaN, Infinity, -Infinity),
  fc.double(),
);

/** Dates across JS's whole range, at PostgreSQL's timestamptz bounds, and invalid ones. */
const MIN_PG = Date.UTC(-4713, 10, 24);
const edgeDate = fc.oneof(
  fc.date({ noInvalidDate: false }),
  fc.constantFrom(MIN_PG, MIN_PG - 1, MIN_PG + 1, 8.64e15, -8.64e15, 0, Date.UTC(0, 0, 1) - 1, Date.UTC(-1, 0, 1)).map((t) => new Date(t)),
);

/** Calendar days as strings (real, impossible, year 0, out of range) and as Dates. */
const edgeDay = fc.oneof(
  fc.constantFrom('2023-02-30', '0000-01-01', '2024-02-29', '2023-02-29', '1900-02-29', '9999-12-31', '0001-01-01', '1999-13-01', '1999-00-10', '2023-04-31', '10000-01-01', '2023-2-3'),
  fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 })).map(
    ([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
  ),
  edgeDate,
);

/** Cursors and positions: digits around the bigint and xid8 maxima, and anything else. */
const edgeCursor = fc.oneof(
  fc.constantFrom('9223372036854775807', '9223372036854775808', '9999999999999999999', '18446744073709551615:9223372036854775807', '18446744073709551616:1', '1:9223372036854775808', '0', '0:0', '-1'),
  fc.bigInt({ min: 0n, max: 2n ** 65n }).map(String),
  fc.tuple(fc.bigInt({ min: 0n, max: 2n ** 65n }), fc.bigInt({ min: 0n, max: 2n ** 64n })).map(([a, b]) => `${a}:${b}`),
  fc.string(),
);

/**
 * Issue 14, item 4 and its class: every repository input whose valid range could differ between
 * zod and the column type (dates, days, integers, floats, bigint cursors), property-based at the
 * edges: whatever validation accepts, PostgreSQL stores; anything else is refused with
 * `SchemaKitValidationError` naming the field. A raw database error fails the test.
 */
describe('every repository input at the edges of its column type', () => {
  const database = useInstalledDatabase(['core', 'roles', 'audit', 'idempotency', 'planning', 'learning', 'achievements', 'insights', 'telegram']);
  let n = 0;
  const fresh = () => `edge-${++n}`;

  /** Runs `call`: `stored` when it succeeds, or `refused` for a validation error naming `field`. */
  async function storedOrRefused(field: string, call: () => Promise<unknown>): Promise<'stored' | 'refused'> {
    try {
      await call();
      return 'stored';
    } catch (error) {
      if (!(error instanceof SchemaKitValidationError)) throw error;
      expect(error.field).toBe(field);
      return 'refused';
    }
  }

  const inputs: Record<string, { arbitrary: fc.Arbitrary<unknown>; field: string; call: (value: unknown) => Promise<unknown> }> = {
    'EventLogRepo.append timestamp': {
      arbitrary: edgeDate,
      field: 'event.timestamp',
      call: async (value) => {
        const stored = await new EventLogRepo(database().db).append({ action: 'a', entity_type: 'edge', entity_id: fresh(), timestamp: value as Date });
        expect(stored.timestamp.getTime()).toBe((value as Date).getTime());
      },
    },
    'EventLogRepo.appendMany timestamp': {
      arbitrary: edgeDate,
      field: 'events.1.timestamp',
      call: (value) => new EventLogRepo(database().db).appendMany([{ action: 'a', entity_type: 'edge', entity_id: '1' }, { action: 'a', entity_type: 'edge', entity_id: '2', timestamp: value as Date }]),
    },
    'EventLogRepo.append entity_id (number)': {
      arbitrary: edgeNumber,
      field: 'event.entity_id',
      call: (value) => new EventLogRepo(database().db).append({ action: 'a', entity_type: 'edge', entity_id: value as number }),
    },
    'EventLogRepo.listByEntity after': {
      arbitrary: edgeCursor,
      field: 'options.after',
      call: (value) => new EventLogRepo(database().db).listByEntity('edge', '1', { after: value as string }),
    },
    'EventLogRepo.listByUser limit': {
      arbitrary: edgeNumber,
      field: 'options.limit',
      call: (value) => new EventLogRepo(database().db).listByUser('u', { limit: value as number }),
    },
    'EventLogRepo.stream after': {
      arbitrary: edgeCursor,
      field: 'options.after',
      call: async (value) => {
        for await (const event of new EventLogRepo(database().db).stream({ after: value as string, batchSize: 1 })) return event;
      },
    },
    'EventLogRepo.stream batchSize': {
      arbitrary: edgeNumber,
      field: 'options.batchSize',
      call: async (value) => {
        for await (const event of new EventLogRepo(database().db).stream({ batchSize: value as number })) return event;
      },
    },
    'RoleChangeLogRepo.historyForUser after': {
      arbitrary: fc.oneof(edgeCursor, fc.constant(A_REAL_CURSOR)),
      field: 'options.after',
      call: async (value) => {
        const roles = new RoleChangeLogRepo(database().db);
        const user = await createUser(database());
        for (let i = 0; i < 2; i += 1) await roles.record({ user_id: user, new_role: 'admin', changed_by: 'tg:1', change_source: 'admin' });
        const after = value === A_REAL_CURSOR ? (await roles.historyForUser(user, { limit: 1 })).next! : (value as string);
        return roles.historyForUser(user, { after });
      },
    },
    'ProcessedMessageRepo.pruneOlderThan cutoff': {
      arbitrary: edgeDate,
      field: 'cutoff',
      call: (value) => new ProcessedMessageRepo(database().db).pruneOlderThan(value as Date, { consumer: 'edge-nobody' }),
    },
    'ProcessedMessageRepo.pruneOlderThan batchSize': {
      arbitrary: edgeNumber,
      field: 'options.batchSize',
      call: (value) => new ProcessedMessageRepo(database().db).pruneOlderThan(new Date(0), { consumer: 'edge-nobody', batchSize: value as number }),
    },
    'BroadcastRepo.create scheduled_at': {
      arbitrary: edgeDate,
      field: 'broadcast.scheduled_at',
      call: async (value) => {
        const b = await new BroadcastRepo(database().db).create({ title: 't', message_text: 'm', scheduled_at: value as Date });
        expect(b.scheduled_at!.getTime()).toBe((value as Date).getTime());
        await database().owner.db.withSchema('schema_kit').deleteFrom('broadcasts').where('id', '=', b.id).execute();
      },
    },
    'BroadcastRepo.schedule at': {
      arbitrary: edgeDate,
      field: 'at',
      call: async (value) => {
        const draft = await new BroadcastRepo(database().db).create({ title: 't', message_text: 'm' });
        try {
          await new BroadcastRepo(database().db).schedule(draft.id, value as Date);
        } finally {
          await database().owner.db.withSchema('schema_kit').deleteFrom('broadcasts').where('id', '=', draft.id).execute();
        }
      },
    },
    'BroadcastRepo.requeueStale olderThan': {
      arbitrary: edgeDate,
      field: 'olderThan',
      call: (value) => new BroadcastRepo(database().db).requeueStale(value as Date),
    },
    'BroadcastRepo.claimDue limit': {
      arbitrary: edgeNumber,
      field: 'limit',
      call: (value) => new BroadcastRepo(database().db).claimDue(value as number),
    },
    'BroadcastRepo.markSent counts': {
      arbitrary: fc.tuple(edgeNumber, edgeNumber),
      field: 'counts.recipients_count',
      call: async (value) => {
        const [recipients_count, failed_count] = value as [number, number];
        const sending = async () => {
          const b = await new BroadcastRepo(database().db).create({ title: 't', message_text: 'm' });
          await database().owner.db.withSchema('schema_kit').updateTable('broadcasts').set({ status: 'sending' }).where('id', '=', b.id).execute();
          return b.id;
        };
        await storedOrRefused('counts.failed_count', async () => new BroadcastRepo(database().db).markFailed(await sending(), { failed_count }));
        return new BroadcastRepo(database().db).markSent(await sending(), { recipients_count, failed_count: 0 });
      },
    },
    'ReleaseRepo.create target_date': {
      arbitrary: edgeDay,
      field: 'release.target_date',
      call: async (value) => {
        const project = await new ProjectRepo(database().db, { audit: false }).create({ name: fresh() });
        await new ReleaseRepo(database().db, { audit: false }).create({ project_id: project.id, version: '1', target_date: value as string });
      },
    },
    'AchievementRepo.define points, display_order, requirement_value': {
      arbitrary: fc.tuple(edgeNumber, edgeNumber, edgeNumber),
      field: 'definition.points',
      call: async (value) => {
        const [points, display_order, requirement_value] = value as number[];
        const slug = fresh();
        const base = { slug, name: slug, title: 't', category: 'special' as const };
        await storedOrRefused('definition.display_order', () => new AchievementRepo(database().db).define({ ...base, display_order }));
        await storedOrRefused('definition.requirement_value', () => new AchievementRepo(database().db).define({ ...base, requirement_value }));
        return new AchievementRepo(database().db).define({ ...base, points });
      },
    },
    'UserAchievementRepo.progress increment, twice': {
      arbitrary: edgeNumber,
      field: 'increment',
      call: async (value) => {
        const slug = fresh();
        await new AchievementRepo(database().db).define({ slug, name: slug, title: 't', category: 'special', requirement_value: 5, is_repeatable: n % 2 === 0 });
        const user = await createUser(database());
        await new UserAchievementRepo(database().db).progress(user, slug, value as number);
        await new UserAchievementRepo(database().db).progress(user, slug, value as number);
      },
    },
    'UserExerciseRepo.complete time_spent_seconds and grade, twice': {
      arbitrary: fc.tuple(edgeNumber, edgeNumber),
      field: 'completion.time_spent_seconds',
      call: async (value) => {
        const [time_spent_seconds, grade] = value as [number, number];
        const user = await createUser(database());
        const exercise = await new ExerciseRepo(database().db).create({ title: 't', description: 'd', exercise_type: 'algorithm', difficulty: 'easy' });
        const progress = new UserExerciseRepo(database().db);
        await storedOrRefused('completion.grade', () => progress.complete(user, exercise.id, { grade }));
        await progress.complete(user, exercise.id, { time_spent_seconds });
        await progress.complete(user, exercise.id, { time_spent_seconds });
      },
    },
    'ConversationRepo.addMessage tokens_used': {
      arbitrary: edgeNumber,
      field: 'message.tokens_used',
      call: async (value) => {
        const chat = await new ConversationRepo(database().db).start({ user_id: await createUser(database()) });
        await new ConversationRepo(database().db).addMessage(chat.id, { role: 'user', content: 'x', tokens_used: value as number });
      },
    },
    'DissonanceRepo.record dissonance_score': {
      arbitrary: edgeNumber,
      field: 'record.dissonance_score',
      call: async (value) => {
        const stored = await new DissonanceRepo(database().db).record({ user_id: await createUser(database()), dissonance_score: value as number, risk_level: 'low' });
        expect(stored.dissonance_score).toBe(value === 0 ? 0 : value);
      },
    },
    'UserRepo.upsertTelegramUser telegram_id': {
      arbitrary: fc.oneof(edgeNumber, fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }), edgeCursor),
      field: 'sender.telegram_id',
      call: (value) => new UserRepo(database().db).upsertTelegramUser({ telegram_id: value as number }),
    },
  };

  for (const [name, input] of Object.entries(inputs)) {
    it(name, async () => {
      const outcomes = new Set<string>();
      await fc.assert(
        fc.asyncProperty(input.arbitrary, async (value) => {
          outcomes.add(await storedOrRefused(input.field, () => input.call(value)));
        }),
        RUNS,
      );
      expect([...outcomes].sort()).toEqual(['refused', 'stored']); // the edges were reached on both sides
    });
  }

  /** Issue 14, item 4 (32-bit counters): every counter a repository adds to holds at the integer
   * maximum instead of failing every later call with `integer out of range`. */
  describe('counters hold at the integer maximum', () => {
    const near = async (table: string, column: string, id: string) =>
      sql`update ${sql.id('schema_kit', table)} set ${sql.id(column)} = ${INT4 - 1} where id = ${id}`.execute(database().owner.db);

    it('time_spent_seconds: 2147483647 twice (the reported overflow)', async () => {
      const user = await createUser(database());
      const exercise = await new ExerciseRepo(database().db).create({ title: 't', description: 'd', exercise_type: 'algorithm', difficulty: 'easy' });
      const progress = new UserExerciseRepo(database().db);
      await progress.complete(user, exercise.id, { time_spent_seconds: INT4 });
      expect((await progress.complete(user, exercise.id, { time_spent_seconds: INT4 })).time_spent_seconds).toBe(INT4);
    });

    it('progress(u, slug, 1_000_000) past the earned badge (the reported overflow), repeatable or not', async () => {
      for (const is_repeatable of [false, true]) {
        const slug = fresh();
        await new AchievementRepo(database().db).define({ slug, name: slug, title: 't', category: 'special', requirement_value: 1, is_repeatable });
        const user = await createUser(database());
        const badges = new UserAchievementRepo(database().db);
        const first = await badges.progress(user, slug, 1_000_000);
        await near('user_achievements', 'progress_current', first.userAchievement.id);
        await near('user_achievements', 'times_earned', first.userAchievement.id);
        for (let i = 0; i < 3; i += 1) {
          const { userAchievement } = await badges.progress(user, slug, 1_000_000);
          // a repeatable one is earned again (times held at the maximum), a non-repeatable one keeps counting
          expect(userAchievement.times_earned).toBe(is_repeatable ? INT4 : INT4 - 1);
          expect(userAchievement.progress_current).toBe(is_repeatable ? 0 : INT4);
        }
      }
    });

    it('attempts, hints_used and the memory counters; views_count; times_viewed', async () => {
      const user = await createUser(database());
      const exercise = await new ExerciseRepo(database().db).create({ title: 't', description: 'd', exercise_type: 'algorithm', difficulty: 'easy' });
      const progress = new UserExerciseRepo(database().db);
      const row = await progress.start(user, exercise.id);
      await near('user_exercises', 'attempts', row.id);
      await near('user_exercises', 'hints_used', row.id);
      for (let i = 0; i < 3; i += 1) {
        expect((await progress.start(user, exercise.id)).attempts).toBe(INT4);
        expect((await progress.useHint(user, exercise.id)).hints_used).toBe(INT4);
      }
      await sql`update schema_kit.user_memory set total_exercises_completed = ${INT4} where user_id = ${user}`.execute(database().owner.db);
      await progress.complete(user, exercise.id);
      const memory = await sql<{ n: number }>`select total_exercises_completed as n from schema_kit.user_memory where user_id = ${user}`.execute(database().owner.db);
      expect(memory.rows[0]!.n).toBe(INT4);

      const guide = await new GuideRepo(database().db).create({ title: 't', category: 'reference' });
      await near('guides', 'views_count', guide.id);
      for (let i = 0; i < 3; i += 1) expect((await new GuideRepo(database().db).countView(guide.id)).views_count).toBe(INT4);
      const saved = await new GuideCollectionRepo(database().db).save(user, guide.id);
      await near('user_guide_collections', 'times_viewed', saved.entry.id);
      for (let i = 0; i < 3; i += 1) expect((await new GuideCollectionRepo(database().db).markViewed(user, guide.id)).times_viewed).toBe(INT4);
    });
  });
});
