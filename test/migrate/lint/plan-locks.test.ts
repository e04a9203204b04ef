import { describe, expect, it } from 'vitest';
import { catalogStatus } from '../../../src/migrate/migration-status.js';
import { migrateCatalogToLatest } from '../../../src/migrate/migrate-to-latest.js';
import { migrationText, testCatalog } from '../../helpers/catalog.js';
import { useTestDatabase } from '../../helpers/database.js';

const T = ':SCHEMA_KIT_SCHEMA.orders';
const FILES = {
  '0001_orders': migrationText(`CREATE TABLE ${T} (id int PRIMARY KEY, status text);`, `DROP TABLE ${T};`),
  '0002_orders_status': migrationText(
    `CREATE INDEX orders_status_idx ON ${T} (status);\n-- schema-kit:lock-heavy a test table of a few rows\nALTER TABLE ${T} ALTER COLUMN status SET NOT NULL;`,
    `ALTER TABLE ${T} ALTER COLUMN status DROP NOT NULL;\nDROP INDEX :SCHEMA_KIT_SCHEMA.orders_status_idx;`,
  ),
};
const CATALOG = testCatalog({ lint_app: { files: FILES } });
const FIRST_ONLY = testCatalog({ lint_app: { files: { '0001_orders': FILES['0001_orders'] } } });

describe('status and dry runs carry the locks of each pending migration', () => {
  const database = useTestDatabase();

  it('none on an empty schema (the run creates the tables), the linter\'s findings on an upgrade', async () => {
    const { db } = database();
    const schema = 'lint_plan_locks';
    const fresh = await catalogStatus(db as never, CATALOG, { schema });
    expect(fresh.migrations.map((m) => m.locks)).toEqual([[], []]);

    expect((await migrateCatalogToLatest(db as never, FIRST_ONLY, { schema })).error).toBeUndefined();
    const expected = [
      { rule: 'create-index', table: 'orders', lock: 'SHARE', rewrites: false, allowed: false, line: 2 },
      { rule: 'set-not-null', table: 'orders', lock: 'ACCESS EXCLUSIVE', allowed: true, reason: 'a test table of a few rows', line: 4 },
    ];
    const status = await catalogStatus(db as never, CATALOG, { schema });
    expect(status.migrations.map((m) => [m.migration, m.state])).toEqual([['0001_orders', 'applied'], ['0002_orders_status', 'pending']]);
    expect(status.migrations[0]!.locks).toBeUndefined();
    expect(status.migrations[1]!.locks).toMatchObject(expected);

    const plan = await migrateCatalogToLatest(db as never, CATALOG, { schema, dryRun: true });
    expect(plan.results.map((r) => r.migration)).toEqual(['0002_orders_status']);
    expect(plan.results[0]!.locks).toMatchObject(expected);
    expect(plan.results[0]!.locks).toEqual(status.migrations[1]!.locks);
  });
});
