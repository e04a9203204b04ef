import { alterTableFindings } from './alter-table-rules.js';
import type { LockMode } from './finding.js';
import type { RuleContext, RuleFinding } from './rule-context.js';
import type { LintStatement } from './section-statements.js';
import { NAME, displayName, splitTopLevel } from './sql-text.js';

const CREATE_TABLE = new RegExp(String.raw`^create (?:(?:global |local )?(?:temporary |temp )|unlogged )?table (?:if not exists )?(${NAME})`, 'i');
const CREATE_INDEX = new RegExp(String.raw`^create (?:unique )?index (concurrently )?(?:if not exists )?(?:(?!on )(${NAME}) )?on (only )?(${NAME})`, 'i');
const DROP_INDEX = /^drop index (concurrently )?(?:if exists )?(.*?)(?: cascade| restrict)?$/i;
const VACUUM = /^vacuum\b(.*)$/i;
const VACUUM_OPTIONS = /\([^)]*\)|\b(?:full|freeze|verbose|analyze|analyse)\b/gi;
const CLUSTER = new RegExp(String.raw`^cluster(?: verbose)?(?: \([^)]*\))?(?: (${NAME}))?`, 'i');
const LOCK_TABLE = new RegExp(String.raw`^lock (?:table )?(?:only )?(${NAME}(?:, ?${NAME})*)(?: \* )?(?: in (.+) mode)?(?: nowait)?$`, 'i');
const DML = new RegExp(String.raw`(?<!\b(?:for|do|key|no) )\b(update|delete from) (?:only )?(${NAME})`, 'i');
const REBUILD = /\blifecycle_rebuild_table ?\( ?'((?:[^']|'')+)'/i;

const CONCURRENTLY_ALTERNATIVE = 'CONCURRENTLY cannot run inside a transaction block: mark the file -- schema-kit:no-transaction (before -- schema-kit:up) and keep its other DDL in a transactional file';

/**
 * The findings of one statement on tables that are not new, recording the tables and indexes it
 * creates in `context`. DO blocks and function bodies are not looked into.
 */
export function statementFindings(statement: LintStatement, context: RuleContext): RuleFinding[] {
  const { code } = statement;
  if (/^do\b/i.test(code)) return [];
  const created = CREATE_TABLE.exec(code);
  if (created) {
    context.addTable(created[1]!);
    return [];
  }
  const altered = alterTableFindings(code, context);
  if (altered) return altered;
  const index = CREATE_INDEX.exec(code);
  if (index) return createIndexFindings(index, context);
  const dropped = DROP_INDEX.exec(code);
  if (dropped) return dropIndexFindings(dropped[1] !== undefined, dropped[2]!, context);
  return [...maintenanceFindings(code, context), ...dataFindings(statement, context)];
}

function createIndexFindings(match: RegExpExecArray, context: RuleContext): RuleFinding[] {
  const [, concurrently, name, only, table] = match as unknown as [string, string | undefined, string | undefined, string | undefined, string];
  const shown = displayName(table);
  if (concurrently && context.transactional) {
    return [{ rule: 'concurrently-in-transaction', table: shown, lock: 'SHARE UPDATE EXCLUSIVE', rewrites: false, message: `CREATE INDEX ${CONCURRENTLY_ALTERNATIVE}` }];
  }
  if (context.isNew(table)) {
    if (name) context.addIndex(name);
    return [];
  }
  if (concurrently || only) return []; // ON ONLY a partitioned table: an invalid parent index, no build
  return [{
    rule: 'create-index',
    table: shown,
    lock: 'SHARE',
    rewrites: false,
    message: `CREATE INDEX takes SHARE on ${shown}: every write waits for the whole build; use CREATE INDEX CONCURRENTLY IF NOT EXISTS in a no-transaction file (the runner drops an invalid index left by an interrupted build)`,
  }];
}

function dropIndexFindings(concurrently: boolean, names: string, context: RuleContext): RuleFinding[] {
  return splitTopLevel(names).flatMap((name): RuleFinding[] => {
    const shown = displayName(name);
    if (concurrently) {
      return context.transactional
        ? [{ rule: 'concurrently-in-transaction', table: shown, lock: 'SHARE UPDATE EXCLUSIVE', rewrites: false, message: `DROP INDEX ${CONCURRENTLY_ALTERNATIVE}` }]
        : [];
    }
    if (context.isNewIndex(name)) return [];
    return [{
      rule: 'drop-index',
      table: shown,
      lock: 'ACCESS EXCLUSIVE',
      rewrites: false,
      message: `DROP INDEX ${shown} takes ACCESS EXCLUSIVE on its table, queued behind every running query and blocking reads and writes meanwhile: use DROP INDEX CONCURRENTLY IF EXISTS in a no-transaction file`,
    }];
  });
}

/** VACUUM FULL, CLUSTER, LOCK TABLE. */
function maintenanceFindings(code: string, context: RuleContext): RuleFinding[] {
  const vacuum = VACUUM.exec(code);
  if (vacuum && /\bfull\b/i.test(vacuum[1]!)) {
    const names = splitTopLevel(vacuum[1]!.replace(VACUUM_OPTIONS, '')).map((name) => name.replace(/ ?\(.*$/, ''));
    const tables = names.length > 0 ? names.filter((name) => !context.isNew(name)).map(displayName) : ['(every table)'];
    return tables.map((table) => ({
      rule: 'vacuum-full',
      table,
      lock: 'ACCESS EXCLUSIVE',
      rewrites: true,
      message: `VACUUM FULL rewrites ${table} under ACCESS EXCLUSIVE: leave space reclaim to the host's maintenance (pg_repack works online)`,
    }));
  }
  const cluster = CLUSTER.exec(code);
  if (cluster && !(cluster[1] && context.isNew(cluster[1]))) {
    const table = cluster[1] ? displayName(cluster[1]) : '(every clustered table)';
    return [{ rule: 'cluster', table, lock: 'ACCESS EXCLUSIVE', rewrites: true, message: `CLUSTER rewrites ${table} under ACCESS EXCLUSIVE: leave physical ordering to the host's maintenance (pg_repack works online)` }];
  }
  const lock = LOCK_TABLE.exec(code);
  if (lock) {
    const mode = (lock[2]?.toUpperCase() ?? 'ACCESS EXCLUSIVE') as LockMode;
    return splitTopLevel(lock[1]!).filter((name) => !context.isNew(name)).map((name) => ({
      rule: 'lock-table',
      table: displayName(name),
      lock: mode,
      rewrites: false,
      message: `LOCK TABLE takes ${mode} on ${displayName(name)} for the rest of the transaction: restructure the change so that it needs no explicit lock, or say why with -- schema-kit:lock-heavy <reason>`,
    }));
  }
  return [];
}

/** UPDATE and DELETE not in batches, and lifecycle_rebuild_table. */
function dataFindings(statement: LintStatement, context: RuleContext): RuleFinding[] {
  const { code } = statement;
  const findings: RuleFinding[] = [];
  const dml = /^(?:with|update|delete)\b/i.test(code) ? DML.exec(code) : null;
  const batched = statement.directives.some((d) => d.name === 'batch' && d.argument === '');
  if (dml && !batched && !context.isNew(dml[2]!)) {
    const table = displayName(dml[2]!);
    findings.push({
      rule: 'unbatched-dml',
      table,
      lock: 'ROW EXCLUSIVE',
      rewrites: false,
      message: `${dml[1]!.toUpperCase()} of ${table} in one statement locks every row it touches until the migration commits (writers of those rows wait; an UPDATE of every row doubles the table): write a function that does the next batch and call it under -- schema-kit:batch in a no-transaction file`,
    });
  }
  const rebuild = REBUILD.exec(code);
  if (rebuild && !context.isNew(rebuild[1]!)) {
    const table = displayName(rebuild[1]!.replace(/''/g, "'"));
    findings.push({
      rule: 'rebuild-table',
      table,
      lock: 'ACCESS EXCLUSIVE',
      rewrites: false, // it copies only a table of a few thousand rows; a larger one is attached whole
      message: `lifecycle_rebuild_table rebuilds ${table} as a partitioned table under ACCESS EXCLUSIVE (it copies a small table; one prepared by lifecycle_attach_steps is attached without scan or copy): every read and write of it waits meanwhile; say why that is short with -- schema-kit:lock-heavy <reason>`,
    });
  }
  return findings;
}
