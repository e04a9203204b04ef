import type { LintFinding } from './finding.js';
import { tableKey } from './sql-text.js';

/** A finding before markers are applied: what a rule says about one statement (or clause). */
export type RuleFinding = Pick<LintFinding, 'rule' | 'table' | 'lock' | 'rewrites' | 'message'>;

/** What the rules know while they walk a file's up section, statement by statement. */
export class RuleContext {
  private readonly newTables = new Set<string>();
  private readonly newIndexes = new Set<string>();

  /** `transactional`: the file runs in one transaction. */
  constructor(readonly transactional: boolean) {}

  /** Whether the table `name` is new: created earlier in this file. */
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

  /** The tables the file created, and the indexes it built on them. */
  created(): { tables: string[]; indexes: string[] } {
    return { tables: [...this.newTables], indexes: [...this.newIndexes] };
  }
}
