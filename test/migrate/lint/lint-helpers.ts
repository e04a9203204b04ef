import type { LintContext, LintFinding } from '../../../src/migrate/lint/finding.js';
import { lintMigration } from '../../../src/migrate/lint/lint-migration.js';
import { parseMigration } from '../../../src/migrate/migration-source.js';
import { migrationText } from '../../helpers/catalog.js';

/** The findings of a file whose up section is `up` (which starts on file line 2, or 3 with `noTransaction`). */
export function lint(up: string, options: { noTransaction?: boolean } & LintContext = {}): LintFinding[] {
  return lintMigration(parseMigration('app', '0002_change', migrationText(up, 'SELECT 1;', options)), options);
}

/** The findings of `up` as `rule table` strings, the allowed ones marked. */
export function rulesOf(up: string, options: { noTransaction?: boolean } & LintContext = {}): string[] {
  return lint(up, options).map((f) => `${f.rule}${f.table ? ` ${f.table}` : ''}${f.allowed ? ' (allowed)' : ''}`);
}
