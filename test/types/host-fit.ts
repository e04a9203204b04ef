// Host fit (issue 30): what a strict TypeScript shop bot needs from schema-kit, each of the nine
// items without a cast and without SQL in schema-kit's domain. Compiled with tsc --strict by
// test/types/types.test.ts (against the built package) and by scripts/check-package.sh and
// scripts/check-kysely-next.sh (against the packed package, kysely 0.28 on Node 20 and 0.29 on
// Node 22), and run by all three on DATABASE_URL, whose user may create databases and roles.
import { randomUUID } from 'node:crypto';
import { sql, type Generated, type Kysely } from 'kysely';
import {
  BroadcastRepo,
  ContentPackageRepo,
  EventLogRepo,
  ProcessedMessageRepo,
  RoleRepo,
  SchemaKitError,
  UserInterestRepo,
  UserRepo,
  checkSchema,
  grantRuntimeAccess,
  type BroadcastRecipient,
  type QualifiedDatabase,
} from 'schema-kit';
import { createTestDatabase, resetTables, snapshotSeeds } from 'schema-kit/testing';

// The shop's own table, beside schema-kit's (schema-qualified: "schema_kit.users").
interface OrdersTable {
  id: Generated<string>;
  user_id: string;
  total_cents: number;
}
interface ShopDB extends QualifiedDatabase {
  orders: OrdersTable;
}

const url = process.env.DATABASE_URL;
if (!url) throw new Error('host-fit needs DATABASE_URL');
const print = (item: string, value: unknown): void => console.log(`${item}: ${JSON.stringify(value)}`);
const count = async (db: Kysely<ShopDB>, table: 'orders' | 'schema_kit.users'): Promise<number> =>
  Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

// 2. the rows every test starts from: the shop's table and role, a content package; reset() keeps them
const t = await createTestDatabase<ShopDB>({
  target: { url },
  modules: ['core', 'audit', 'idempotency', 'interests', 'telegram'],
  seed: async (db) => {
    await sql`create table orders (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references schema_kit.users (id),
      total_cents integer not null check (total_cents > 0))`.execute(db);
    await new RoleRepo(db).add({ name: 'vip', rank: 1 });
    await new ContentPackageRepo(db).getOrCreate('coffee-club', { title: 'Coffee club', category: 'course', package_type: 'free' });
  },
});
const db = t.db;
const role = `host_fit_${randomUUID().slice(0, 8)}`;
try {
  // 4. what Telegram sends, stored typed; profile fields changed later
  const users = new UserRepo(db);
  const { user: ada } = await users.upsertTelegramUser({ telegram_id: 1001, telegram_first_name: 'Ada', language_code: 'pt-BR', is_premium: true });
  const language: string | null = ada.language_code;
  const premium: boolean = ada.is_premium;
  const updated = await users.update(ada.id, { name: 'Ada', language_code: 'en' });
  print('4 profile', { language, premium, name: updated.name, now: updated.language_code });

  // 3. a customer who blocked the bot and writes again is reachable again, and the result says so
  await users.deactivate(ada.id);
  const back = await users.upsertTelegramUser({ telegram_id: 1001 });
  await users.deactivate(ada.id);
  const banned = await users.upsertTelegramUser({ telegram_id: 1001 }, { reactivate: false });
  const activated = await users.activate(ada.id);
  print('3 reactivation', { reactivated: back.reactivated, optedOut: banned.user.is_active, activated: activated.is_active });

  // 9. a repository built on the outer db inside a handler is refused; the handler's trx is the way
  const inbox = new ProcessedMessageRepo(db, { consumer: 'host-fit' });
  const outerEvents = new EventLogRepo(db);
  const refused = await inbox
    .processOnce('tg:update:1', async () => outerEvents.append({ action: 'escaped', entity_type: 'order', entity_id: '0' }))
    .catch((error: unknown) => (error instanceof SchemaKitError ? error.code : 'untyped'));
  const done = await inbox.processOnce('tg:update:1', async (trx) => {
    const order = await trx.insertInto('orders').values({ user_id: ada.id, total_cents: 350 }).returning('id').executeTakeFirstOrThrow();
    await new EventLogRepo(trx).append({ user_id: ada.id, action: 'order.created', entity_type: 'order', entity_id: order.id });
    return order.id;
  });
  print('9 outer repository in a handler', { refused, processed: done.processed });

  // 8. audiences: a package's followers, an interest (category), an explicit list; followers with their users
  const interests = new UserInterestRepo(db);
  const { package: club } = await new ContentPackageRepo(db).getOrCreate('coffee-club', { title: 'Coffee club', category: 'course', package_type: 'free' });
  await interests.add(ada.id, club.id);
  const broadcasts = new BroadcastRepo(db);
  const audiences = [
    { kind: 'package', package_id: club.id },
    { kind: 'category', category: 'course' },
    { kind: 'users', user_ids: [ada.id] },
  ] as const;
  const reached: string[][] = [];
  for (const audience of audiences) {
    const { id } = await broadcasts.create({ title: `to ${audience.kind}`, message_text: 'New beans!', audience });
    // 7. every recipient has a Telegram id: typed string, no non-null assertion
    const { items } = await broadcasts.recipients(id, { limit: 100 });
    reached.push(items.map((r: BroadcastRecipient): string => r.telegram_id));
  }
  const followers = await interests.listForPackage(club.id, { include: 'user' });
  print('8 audiences', { reached, followers: followers.items.map((f) => f.user.name) });

  // 7. the supported join of the audit log's text actor to users.id (uuid)
  const joined = await db
    .selectFrom('schema_kit.event_log as e')
    .innerJoin('schema_kit.users as u', (join) => join.on((eb) => eb(eb.cast<string>('u.id', 'text'), '=', eb.ref('e.user_id'))))
    .select(['u.name', 'e.action'])
    .execute();
  print('7 join', joined);

  // 5. the runtime role gets the shop's table with the same rules; doctor --role checks it
  await sql`create role ${sql.id(role)}`.execute(db);
  const statements = await grantRuntimeAccess(db, { role, alsoTables: ['public.orders'] });
  // 6. the shop's own index on a schema-kit table is an addition, not drift
  await sql`create index users_shop_last_login_idx on schema_kit.users (last_login_at)`.execute(db);
  const check = await checkSchema(db, { role, alsoTables: ['public.orders'] });
  const strict = await checkSchema(db, { allowAdditions: [] });
  print('5 grants', statements.filter((s) => s.includes('"orders"')).map((s) => s.replace(role, 'runtime')));
  print('6 doctor', { ok: check.ok, additions: check.additions.map((a) => a.object), strict: strict.ok });

  // 1 and 2: reset restores the seed; resetTables and snapshotSeeds take the typed db and its transactions
  await t.reset({ alsoTruncate: ['public.orders'] });
  const seeded = { vip: (await new RoleRepo(db).get('vip'))?.rank, club: (await new ContentPackageRepo(db).getBySlug('coffee-club'))?.title };
  await db.transaction().execute(async (trx) => {
    const seeds = await snapshotSeeds(trx);
    await new UserRepo(trx).create({ name: 'Temp' });
    await resetTables(trx, { seeds, alsoTruncate: ['public.orders'] });
  });
  print('1-2 reset', { ...seeded, users: await count(db, 'schema_kit.users'), orders: await count(db, 'orders') });
} finally {
  await sql`drop owned by ${sql.id(role)}`.execute(db).catch(() => undefined);
  await sql`drop role if exists ${sql.id(role)}`.execute(db);
  await t.destroy();
}
