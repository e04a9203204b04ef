import { describe, expect, it } from 'vitest';
import { lintMigration } from '../../../src/migrate/lint/lint-migration.js';
import { SHIPPED_CATALOG } from '../../../src/shipped.js';

/**
 * issue 29: being reshaped. The findings not allowed today in the unreleased migrations, counted
 * per file as `rule table`: the lead and other helpers are rewriting these files in other branches
 * (learning/0003, core/0002..., the vocabulary files; audit/0004 and roles/0004 call
 * lifecycle_rebuild_table, which needs a lock-heavy marker with its reason). Each entry goes
 * when its file is reshaped: the test fails on a finding not listed AND on a listed one that is gone,
 * so this list can only shrink to {}.
 */
const pendingReshape: Record<string, Record<string, number>> = {
  'learning/0003_conversation_context': {
    'constraint-without-not-valid conversations': 1,
    'stored-generated-column messages': 1,
    'unbatched-dml messages': 1,
    'unbatched-dml conversations': 1,
    'set-not-null messages': 1,
    'constraint-builds-index messages': 1,
    'constraint-without-not-valid messages': 12,
    'create-index messages': 1,
    'drop-index messages_conversation_id_created_at_id_idx': 1,
  },};

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
    expect(refused).toEqual(pendingReshape);
  });
});
