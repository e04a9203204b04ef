import type { LintFinding } from './finding.js';
import { tableKey } from './sql-text.js';

/** A finding before markers are applied: what a rule says about one statement (or clause). */
export type RuleFinding = Pick<LintFinding, 'rule' | 'table' | 'lock' | 'rewrites' | 'message'>;

/** What the rules know while they walk a file's up section, statement by statement. */
export class RuleContext {
  private readonly newTables: Set<string>;
  private readonly newIndexes = new Set<string>();

  /** `transactional`: the file runs in one transaction; `newTables`: tables known empty before it. */
  constructor(readonly transactional: boolean, newTables: Iterable<string>) {
    this.newTables = new Set([...newTables].map(tableKey));
  }

  /** Whether the table `name` is new: created earlier in this file, or known new before it. */
  isNew(name: string): boolean {
    return this.newTables.has(tableKey(name));
  }

  /** Records a table the file creates (or renames a new table to). */
  addTable(name: string): void {
    this.newTables.add(tableKey(name));
  }

  /** Records an index the file creates on a new table. */
  addIndex(name: string): void {
    this.newIndexes.add(tableKey(name));
  }

  /** Whether the index `name` was created by this file on a new table. */
  isNewIndex(name: string): boolean {
    return this.newIndexes.has(tableKey(name));
  }
}
