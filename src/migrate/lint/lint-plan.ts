import type { Migration } from '../migration-source.js';
import type { LintFinding } from './finding.js';
import { lintSection } from './lint-migration.js';

/**
 * The findings of each migration of a run, in run order: a table created by an earlier migration
 * of the same run is new (empty) for the later ones, and so is an index built on it, so a fresh
 * install reports no strong lock.
 */
export function lintPlan(pending: readonly Migration[]): Map<Migration, readonly LintFinding[]> {
  const newTables: string[] = [];
  const newIndexes: string[] = [];
  const findings = new Map<Migration, readonly LintFinding[]>();
  for (const migration of pending) {
    const linted = lintSection(migration, { newTables, newIndexes });
    findings.set(migration, linted.findings);
    newTables.push(...linted.created.tables);
    newIndexes.push(...linted.created.indexes);
  }
  return findings;
}
