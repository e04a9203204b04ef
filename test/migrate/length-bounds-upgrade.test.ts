import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateToLatest, SchemaKitMigrationError } from '../../src/index.js';
import { SHIPPED_CATALOG } from '../../src/shipped.js';
import { migrateCatalogToLatest } from '../../src/migrate/migrate-to-latest.js';
import { useTestDatabase } from '../helpers/database.js';

/** The catalog of release 0.1.0: every module at its first migration (applied files never change). */
const RELEASE_0_1 = SHIPPED_CATALOG.map((module) => ({ ...module, migrations: module.migrations.filter((m) => m.name.startsWith('0001_')) }));

describe('upgrading a 0.1.0 install holding text longer than the new length bounds', () => {
  const database = useTestDatabase();

  it('stops at the validation, naming the constraint, with new writes already bounded; fixed, the rerun completes', async () => {
    const { db } = database();
    expect((await migrateCatalogToLatest(db as never, RELEASE_0_1, { modules: ['core'] })).error).toBeUndefined();
    const q = (text: string) => sql.raw(text).execute(db);
    await q(`insert into schema_kit.users (name) values (repeat('n', 513))`); // raw SQL: 0.1.0 had no bound, zod has 512

    const failed = await migrateToLatest(db, { modules: ['core'] });
    expect(failed.error).toBeInstanceOf(SchemaKitMigrationError);
    expect(failed.error?.message).toMatch(/core\/0005_users_validation_and_indexes.*users_name_length_check/);
    const applied = (await q(`select name from schema_kit.schema_kit_migrations where module = 'core' order by name`)).rows;
    expect(applied.map((r) => (r as { name: string }).name)).toEqual(['0001_core', '0002_skill_levels', '0003_telegram_profile', '0004_users_text_bounds']);
    // the bound holds for new rows already (NOT VALID checks new writes)
    await expect(q(`insert into schema_kit.users (name) values (repeat('n', 513))`)).rejects.toMatchObject({ code: '23514' });

    await q(`update schema_kit.users set name = left(name, 512)`);
    expect((await migrateToLatest(db, { modules: ['core'] })).error).toBeUndefined();
    const { rows } = await q(`select convalidated from pg_constraint where conname = 'users_name_length_check'`);
    expect(rows).toEqual([{ convalidated: true }]);
  });
});
