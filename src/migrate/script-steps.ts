import { splitStatements } from './split-statements.js';

/**
 * How the runner takes one statement of a `-- schema-kit:no-transaction` file:
 * - `plain`: once, on its own (autocommit);
 * - `batch` (`-- schema-kit:batch`): again and again, each run its own transaction, until its first
 *   column comes back 0 (the rows a batched backfill did in that run);
 * - `each` (`-- schema-kit:each`): once, and every row of its first column is then run on its own,
 *   in order (e.g. one `CREATE INDEX CONCURRENTLY` per partition).
 */
export type StepKind = 'plain' | 'batch' | 'each';

/** One statement of a migration with the directive written in the comments before it. */
export interface ScriptStep {
  readonly sql: string;
  readonly kind: StepKind;
}

const DIRECTIVE = /^\s*--\s*schema-kit:(batch|each)\s*$/m;

/** The comment lines before a statement's first code line. */
export function leadingComments(statement: string): string {
  const lines = statement.split('\n');
  const code = lines.findIndex((line) => line.trim() !== '' && !line.trim().startsWith('--'));
  return lines.slice(0, code < 0 ? lines.length : code).join('\n');
}

/** Splits a migration's SQL into statements, each with its directive. */
export function scriptSteps(text: string): ScriptStep[] {
  return splitStatements(text).map((sql) => {
    const match = DIRECTIVE.exec(leadingComments(sql));
    return { sql, kind: (match?.[1] as StepKind | undefined) ?? 'plain' };
  });
}
