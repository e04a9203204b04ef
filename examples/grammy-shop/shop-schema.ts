// The shop's own table and its own migration, run after schema-kit's: orders reference
// schema-kit's users, and the shop's Kysely type holds both.
import { Migrator, sql, type Generated, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { QualifiedDatabase } from 'schema-kit';

/** The shop's `orders` table (in `public`). */
export interface OrdersTable {
  id: Generated<string>;
  user_id: string;
  product: string;
  price_cents: number;
  created_at: Generated<Date>;
}

/** The shop's database: its own tables, and schema-kit's under their schema-qualified names. */
export interface ShopDB extends QualifiedDatabase {
  orders: OrdersTable;
}

const migrations: Record<string, Migration> = {
  '0001_orders': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('orders')
        .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
        .addColumn('user_id', 'uuid', (c) => c.notNull().references('schema_kit.users.id').onDelete('cascade'))
        .addColumn('product', 'text', (c) => c.notNull())
        // the shop never takes an order over 20.00 in chat
        .addColumn('price_cents', 'integer', (c) => c.notNull().check(sql`price_cents between 1 and 2000`))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema.createIndex('orders_user_id_idx').on('orders').column('user_id').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('orders').execute();
    },
  },
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Runs the shop's own migrations (Kysely's Migrator, its own history table). */
export async function migrateShop(db: Kysely<ShopDB>): Promise<void> {
  const migrator = new Migrator({ db, provider, migrationTableName: 'shop_migration', migrationLockTableName: 'shop_migration_lock' });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
}
