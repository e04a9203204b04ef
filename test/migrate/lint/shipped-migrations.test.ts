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
  'core/0002_skill_levels_and_recipient_indexes': { 'constraint-without-not-valid users': 1, 'create-index users': 2 },
  'core/0003_telegram_profile': { 'constraint-without-not-valid users': 1 },
  'audit/0004_partition_event_log': { 'rebuild-table event_log': 1 },
  'interests/0002_package_vocabularies_and_slug': {
    'constraint-without-not-valid content_packages': 3, 'constraint-builds-index content_packages': 1, 'create-index content_packages': 1,
  },
  'interests/0003_user_interests_package_user': { 'create-index user_interests': 1 },
  'roles/0004_partition_user_role_change_log': { 'rebuild-table user_role_change_log': 1 },
  'learning/0002_exercise_vocabularies': { 'constraint-without-not-valid exercises': 2, 'constraint-without-not-valid user_memory': 1 },
  'learning/0003_conversation_context': {
    'stored-generated-column messages': 1, 'set-not-null messages': 1, 'constraint-builds-index messages': 1,
    'constraint-without-not-valid messages': 12, 'constraint-without-not-valid conversations': 1,
    'unbatched-dml messages': 1, 'unbatched-dml conversations': 1,
    'create-index messages': 1, 'drop-index messages_conversation_id_created_at_id_idx': 1,
  },
  'achievements/0002_achievement_categories': { 'constraint-without-not-valid achievements': 1 },
  'insights/0002_risk_levels': { 'constraint-without-not-valid dissonance_records': 1 },
  'telegram/0002_telegram_vocabularies_and_commands': { 'constraint-without-not-valid guides': 2, 'constraint-without-not-valid broadcasts': 1 },
  'telegram/0003_broadcast_audiences': { 'constraint-without-not-valid broadcasts': 2 },
};

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
