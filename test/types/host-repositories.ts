// Type test, compiled by test/types/types.test.ts (tsc --strict, against the built package as a
// host imports it): a host's Kysely, typed with its own tables and schema-kit's, and its
// transactions go into every repository with no cast.
import { Kysely, type Generated, type Transaction } from 'kysely';
import * as kit from 'schema-kit';
import {
  AchievementRepo,
  BroadcastRepo,
  ConversationRepo,
  DissonanceRepo,
  EventLogRepo,
  ExerciseRepo,
  FeatureRepo,
  GuideCollectionRepo,
  GuideRepo,
  InterfaceEvolutionRepo,
  ProcessedMessageRepo,
  ProjectRepo,
  ReleaseRepo,
  RoleChangeLogRepo,
  UserAchievementRepo,
  UserContextRepo,
  UserExerciseRepo,
  UserInterestRepo,
  UserMemoryRepo,
  UserRepo,
  type Database,
  type QualifiedDatabase,
} from 'schema-kit';

interface OrdersTable {
  id: Generated<string>;
  user_id: string;
  total_cents: number;
}
interface HostTables {
  orders: OrdersTable;
}
type HostDB = HostTables & Database;
type QualifiedHostDB = HostTables & QualifiedDatabase;

declare const db: Kysely<HostDB>;
declare const trx: Transaction<HostDB>;
declare const qualified: Kysely<QualifiedHostDB>;
declare const qualifiedTrx: Transaction<QualifiedHostDB>;

function constructEvery<DB>(executor: Kysely<DB> | Transaction<DB>): void {
  new AchievementRepo(executor);
  new BroadcastRepo(executor);
  new ConversationRepo(executor);
  new DissonanceRepo(executor);
  new EventLogRepo(executor);
  new ExerciseRepo(executor);
  new FeatureRepo(executor, { audit: false });
  new GuideCollectionRepo(executor);
  new GuideRepo(executor);
  new InterfaceEvolutionRepo(executor);
  new ProcessedMessageRepo(executor);
  new ProjectRepo(executor);
  new ReleaseRepo(executor);
  new RoleChangeLogRepo(executor);
  new UserAchievementRepo(executor);
  new UserContextRepo(executor);
  new UserExerciseRepo(executor);
  new UserInterestRepo(executor);
  new UserMemoryRepo(executor);
  new UserRepo(executor, { schema: 'schema_kit' });
}
constructEvery(db);
constructEvery(trx);
constructEvery(qualified);
constructEvery(qualifiedTrx);

// Every repository the package exports, including ones added after this file was written:
// the name of any whose constructor refuses the host's Kysely or Transaction is a type error here.
type Exported = typeof kit;
type RepoName = { [K in keyof Exported]: K extends `${string}Repo` ? K : never }[keyof Exported];
type Takes<C, E> = C extends abstract new (db: E, ...rest: never[]) => unknown ? true : false;
type TakesHost<C> = [Takes<C, Kysely<HostDB>>, Takes<C, Transaction<HostDB>>, Takes<C, Kysely<QualifiedHostDB>>] extends [true, true, true]
  ? true
  : false;
type Refusing = { [K in RepoName]: TakesHost<Exported[K]> extends true ? never : K }[RepoName];
export const everyRepositoryTakesTheHost: [Refusing] extends [never] ? true : Refusing = true;

// processOnce gives the handler the host's transaction: the host's table type-checks in it.
const inbox = new ProcessedMessageRepo(db, { consumer: 'orders' });
export const processed = inbox.processOnce('tg:update:1', async (handlerTrx) => {
  const hostTrx: Transaction<HostDB> = handlerTrx;
  const { user } = await new UserRepo(hostTrx).upsertTelegramUser({ telegram_id: 42 });
  const order = await hostTrx
    .insertInto('orders')
    .values({ user_id: user.id, total_cents: 500 })
    .returning('id')
    .executeTakeFirstOrThrow();
  await new EventLogRepo(hostTrx).append({ user_id: user.id, action: 'order.created', entity_type: 'order', entity_id: order.id });
  return order.id;
});

// The schema-qualified type: joins type-check with "schema_kit.users"; the bare name, which would
// fail at run time (the table lives in schema_kit), does not.
export const joined = qualified
  .selectFrom('orders')
  .innerJoin('schema_kit.users as u', 'u.id', 'orders.user_id')
  .select(['orders.id', 'orders.total_cents', 'u.telegram_username'])
  .execute();
// @ts-expect-error -- 'users' is not a table of the host's qualified database
export const bare = qualified.selectFrom('users').selectAll().execute();

// A custom schema: keys follow it.
declare const custom: Kysely<HostTables & QualifiedDatabase<'kit'>>;
export const inCustom = custom.selectFrom('kit.event_log').select(['id', 'action']).execute();
