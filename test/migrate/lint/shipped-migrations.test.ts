import { describe, expect, it } from 'vitest';
import { lintMigration } from '../../../src/migrate/lint/lint-migration.js';
import { SHIPPED_CATALOG } from '../../../src/shipped.js';

describe("the linter over schema-kit's own migrations (CI)", () => {
  it('finds nothing it does not allow, in any shipped file (the released 0001 files create their tables)', () => {
    const refused: Record<string, Record<string, number>> = {};
    for (const module of SHIPPED_CATALOG) {
      for (const migration of module.migrations) {
        for (const finding of lintMigration(migration).filter((f) => !f.allowed)) {
          const counts = (refused[`${module.name}/${migration.name}`] ??= {});
          const key = `${finding.rule}${finding.table ? ` ${finding.table}` : ''}`;
          counts[key] = (counts[key] ?? 0) + 1;
        }
      }
    }
    expect(Object.keys(refused).filter((file) => file.includes('/0001_')), 'released files').toEqual([]);
    expect(refused).toEqual({});
  });
});
