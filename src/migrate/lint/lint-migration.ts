import { SchemaKitValidationError } from '../../errors.js';
import type { LintContext, LintFinding, LintRule, LintSource } from './finding.js';
import { RuleContext, type RuleFinding } from './rule-context.js';
import { readStatements, type LintStatement, type PlacedDirective } from './section-statements.js';
import { tableKey } from './sql-text.js';
import { statementFindings } from './statement-rules.js';

/** The statement directives the runner honours (contract, section 2). */
const DIRECTIVES = new Set(['batch', 'each', 'lock-heavy']);
/** Findings no marker can allow: the statement fails, or the runner would not honour the file. */
const NEVER_ALLOWED = new Set<LintRule>(['concurrently-in-transaction', 'directive-in-transaction', 'marker-without-reason', 'stale-marker', 'unknown-directive']);

/**
 * Lints the up section of `migration`: one finding per statement (or ALTER TABLE clause) that
 * takes a lock strong enough to stop the host's writes, or rewrites a table, on a table that
 * exists before the file (tables the file creates, and those of `context`, are never flagged),
 * plus every directive the runner would not honour. A finding is `allowed` when the comment block
 * right before its statement has `-- schema-kit:lock-heavy <reason>`. Pure: reads no database.
 *
 * @example
 * ```ts
 * const up = 'CREATE INDEX orders_status_idx ON orders (status);';
 * const findings = lintMigration({ up, upLine: 2, transactional: true });
 * // [{ rule: 'create-index', table: 'orders', lock: 'SHARE', line: 2, allowed: false, ... }]
 * ```
 */
export function lintMigration(migration: LintSource, context: LintContext = {}): LintFinding[] {
  const source = (migration ?? {}) as Partial<LintSource>;
  if (typeof source.up !== 'string') throw new SchemaKitValidationError('up', 'must be the SQL text of the up section');
  if (!Number.isInteger(source.upLine) || (source.upLine as number) < 1) throw new SchemaKitValidationError('upLine', 'must be a line number, 1 or more');
  if (typeof source.transactional !== 'boolean') throw new SchemaKitValidationError('transactional', 'must be true or false');
  return lintSection(migration, context).findings;
}

/** What a file creates that later files of the same run may treat as new: tables, and indexes on new tables. */
export interface CreatedObjects {
  readonly tables: readonly string[];
  readonly indexes: readonly string[];
}

/** {@link lintMigration}, also saying what the file creates. */
export function lintSection(migration: LintSource, context: LintContext): { findings: LintFinding[]; created: CreatedObjects } {
  const { statements, strays } = readStatements(migration.up, migration.upLine);
  const rules = new RuleContext(migration.transactional);
  const findings = statements.flatMap((statement) => markedFindings(statement, statementFindings(statement, rules), migration.transactional));
  for (const stray of strays) {
    const text = `-- schema-kit:${stray.name} ${stray.argument}`.trim();
    findings.push(DIRECTIVES.has(stray.name)
      ? markerFinding('stale-marker', text, stray, `-- schema-kit:${stray.name} is not in the comment block right before a statement: it applies to nothing`)
      : unknownDirective(text, stray));
  }
  // markers are judged on the file alone (a marker is not stale because a run creates the table)
  const tables = new Set([...(context.newTables ?? [])].map(tableKey));
  const indexes = new Set([...(context.newIndexes ?? [])].map(tableKey));
  const onKnownNew = (f: LintFinding): boolean =>
    f.table !== undefined && !NEVER_ALLOWED.has(f.rule) && (f.rule === 'drop-index' ? indexes : tables).has(tableKey(f.table));
  return { findings: findings.filter((f) => !onKnownNew(f)).sort((a, b) => a.line - b.line), created: rules.created() };
}

/** The statement's findings with its markers applied, and the findings about the markers themselves. */
function markedFindings(statement: LintStatement, found: readonly RuleFinding[], transactional: boolean): LintFinding[] {
  const findings: LintFinding[] = [];
  let reason: string | undefined;
  for (const directive of statement.directives) {
    if (!DIRECTIVES.has(directive.name)) {
      findings.push(unknownDirective(statement.text, directive));
    } else if (directive.name !== 'lock-heavy') {
      if (directive.argument !== '') {
        findings.push(markerFinding('unknown-directive', statement.text, directive,
          `-- schema-kit:${directive.name} takes nothing after it on its line: the runner does not read "-- schema-kit:${directive.name} ${directive.argument}" as a directive`));
      } else if (transactional) {
        findings.push(markerFinding('directive-in-transaction', statement.text, directive,
          `-- schema-kit:${directive.name} works only in a no-transaction file (-- schema-kit:no-transaction before -- schema-kit:up): a batch must commit after each run`));
      }
    } else if (directive.argument === '') {
      findings.push(markerFinding('marker-without-reason', statement.text, directive,
        '-- schema-kit:lock-heavy needs a reason after it, e.g. "-- schema-kit:lock-heavy SET NOT NULL proven by validated CHECK x: no scan"'));
    } else {
      reason ??= directive.argument;
    }
  }
  const allowable = found.filter((f) => !NEVER_ALLOWED.has(f.rule));
  if (reason !== undefined && allowable.length === 0) {
    const marker = statement.directives.find((d) => d.name === 'lock-heavy' && d.argument !== '')!;
    findings.push(markerFinding('stale-marker', statement.text, marker, '-- schema-kit:lock-heavy is before a statement the linter finds nothing to allow in: remove the marker'));
  }
  for (const finding of found) {
    const allowed = reason !== undefined && !NEVER_ALLOWED.has(finding.rule);
    findings.push({ ...finding, statement: statement.text, line: statement.line, allowed, ...(allowed ? { reason } : {}) });
  }
  return findings;
}

function markerFinding(rule: LintRule, statement: string, directive: PlacedDirective, message: string): LintFinding {
  return { rule, statement, line: directive.line, rewrites: false, message, allowed: false };
}

function unknownDirective(statement: string, directive: PlacedDirective): LintFinding {
  return markerFinding('unknown-directive', statement, directive,
    `-- schema-kit:${directive.name} is not a statement directive (batch, each, lock-heavy <reason>); file markers (no-transaction) go before -- schema-kit:up`);
}
