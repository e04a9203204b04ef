import { Kysely, PostgresDialect, sql, type Generated } from 'kysely';
import pg from 'pg';
import { EventLogRepo, migrateToLatest, ProcessedMessageRepo, UserRepo, type QualifiedDatabase } from 'schema-kit';

// Your own tables, next to schema-kit's under their schema-qualified names ("schema_kit.users").
interface OrdersTable {
  id: Generated<string>;
  user_id: string; // references schema_kit.users (id)
  total_cents: number;
}
interface AppDB extends QualifiedDatabase {
  orders: OrdersTable;
}

// One Kysely for your tables and schema-kit's: every repository takes it, or its transactions, as is.
const db = new Kysely<AppDB>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: process.env.DATABASE_URL }) }) });

// schema-kit's migrations first, then yours (which may reference schema_kit.users).
const { error } = await migrateToLatest(db, { add: ['core', 'audit', 'idempotency'] });
if (error) throw error;
await sql`create table if not exists orders (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references schema_kit.users (id),
  total_cents integer not null)`.execute(db);

// Claim the update and do the work in one transaction: your table and schema-kit's commit or roll
// back together. The handler gets your own transaction: your database type, your plugins.
const inbox = new ProcessedMessageRepo(db, { consumer: 'shop-bot' });
const outcome = await inbox.processOnce('tg:update:1001', async (trx) => {
  const { user } = await new UserRepo(trx).upsertTelegramUser({ telegram_id: 42, telegram_username: 'ada' });
  const order = await trx.insertInto('orders').values({ user_id: user.id, total_cents: 1250 }).returning('id').executeTakeFirstOrThrow();
  await new EventLogRepo(trx).append({ user_id: user.id, action: 'order.created', entity_type: 'order', entity_id: order.id });
  return order.id;
});

// Your queries join schema-kit's tables by the names they have in SQL.
const totals = await db
  .selectFrom('orders')
  .innerJoin('schema_kit.users as u', 'u.id', 'orders.user_id')
  .select(['u.telegram_username', (eb) => eb.fn.sum<string>('orders.total_cents').as('total')])
  .groupBy('u.telegram_username')
  .execute();
console.log(outcome, totals);
await db.destroy();
