import type { Migration } from '../migration-source.js';
import type { LintFinding } from './finding.js';
import { lintMigration } from './lint-migration.js';

/**
 * The findings of each migration of a run, in run order: a table created by an earlier migration
 * of the same run is new (empty) for the later ones, so a fresh install reports no strong lock.
 */
export function lintPlan(pending: readonly Migration[]): Map<Migration, readonly LintFinding[]> {
  const created: string[] = [];
  const findings = new Map<Migration, readonly LintFinding[]>();
  for (const migration of pending) {
    findings.set(migration, lintMigration(migration, { newTables: created }));
    created.push(...migration.tables);
  }
  return findings;
}
