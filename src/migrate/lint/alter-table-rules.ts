import type { RuleContext, RuleFinding } from './rule-context.js';
import { NAME, displayName, splitTopLevel } from './sql-text.js';

const ALTER_TABLE = new RegExp(String.raw`^alter table (?:if exists )?(?:only )?(${NAME})(?: \*)? (.*)$`, 'i');
const TABLE_CONSTRAINT = new RegExp(String.raw`^add (?:constraint (${NAME}) )?(check|foreign key|unique|primary key|exclude)\b`, 'i');
const ADD_COLUMN = new RegExp(String.raw`^add (?:column )?(?:if not exists )?(${NAME}) (.*)$`, 'i');
const ALTER_COLUMN = new RegExp(String.raw`^alter (?:column )?(${NAME}) (.*)$`, 'i');
const REFERENCES = new RegExp(String.raw`\breferences (${NAME})`, 'i');
const RENAME_TABLE = new RegExp(String.raw`^rename to (${NAME})$`, 'i');

/** Functions whose value differs per row: a default calling one is computed for every existing row. */
const VOLATILE_CALL = /\b(?:clock_timestamp|random|gen_random_uuid|uuid_generate_v[14]|nextval|timeofday|txid_current|pg_current_xact_id|setseed)\s?\(/i;
/** A call of a schema-qualified function: its volatility is unknown here (VOLATILE unless declared otherwise). */
const QUALIFIED_CALL = new RegExp(String.raw`${NAME}\s?\.\s?(?:"(?:[^"]|"")+"|[\w$]+)\s?\(`, 'i');
/** Where a column's default expression ends: the next column constraint. */
const DEFAULT_END = / (?:not null|null|check|constraint|references|unique|primary key|generated|collate)\b/i;

const SCAN_ALTERNATIVE = 'add it NOT VALID (a short lock, no scan), then VALIDATE CONSTRAINT in a no-transaction file (SHARE UPDATE EXCLUSIVE: writes go on)';
const INDEX_ALTERNATIVE = 'build the index with CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS in a no-transaction file, then ADD CONSTRAINT ... USING INDEX';

/**
 * The findings of an ALTER TABLE, one per lock-heavy clause, on a table that is not new; also
 * records a new table renamed. Undefined when `code` is not an ALTER TABLE.
 */
export function alterTableFindings(code: string, context: RuleContext): RuleFinding[] | undefined {
  const match = ALTER_TABLE.exec(code);
  if (!match) return undefined;
  const [, name, rest] = match as unknown as [string, string, string];
  const renamed = RENAME_TABLE.exec(rest);
  if (renamed && context.isNew(name)) context.addTable(renamed[1]!);
  if (context.isNew(name)) return [];
  const table = displayName(name);
  return splitTopLevel(rest).flatMap((clause) => clauseFindings(clause, table, context));
}

function clauseFindings(clause: string, table: string, context: RuleContext): RuleFinding[] {
  const heavy = (rule: RuleFinding['rule'], message: string, rewrites = false): RuleFinding => ({ rule, table, lock: 'ACCESS EXCLUSIVE', rewrites, message });
  const constraint = TABLE_CONSTRAINT.exec(clause);
  if (constraint) return constraintFindings(clause, constraint[2]!.toUpperCase(), constraint[1] ? ` ${displayName(constraint[1])}` : '', table);
  const column = ADD_COLUMN.exec(clause);
  if (column) return addColumnFindings(column[2]!, table, heavy);
  const altered = ALTER_COLUMN.exec(clause);
  if (altered && /^(?:set data )?type\b/i.test(altered[2]!)) {
    return [heavy('alter-column-type', `ALTER COLUMN ${displayName(altered[1]!)} TYPE rewrites ${table} and its indexes under ACCESS EXCLUSIVE (unless the types are binary-compatible, e.g. a longer varchar): add a new column, backfill it in batches, and switch over`, true)];
  }
  if (altered && /^set not null\b/i.test(altered[2]!)) {
    return [heavy('set-not-null', `SET NOT NULL on ${displayName(altered[1]!)} scans ${table} under ACCESS EXCLUSIVE: first add CHECK (${displayName(altered[1]!)} IS NOT NULL) NOT VALID and validate it in a no-transaction file; PostgreSQL then skips the scan (say so with -- schema-kit:lock-heavy <reason>)`)];
  }
  if (/^set tablespace\b/i.test(clause)) {
    return [heavy('set-tablespace', `SET TABLESPACE copies ${table} under ACCESS EXCLUSIVE: move it in a maintenance window, or build a copy online (pg_repack)`, true)];
  }
  if (/^validate constraint\b/i.test(clause) && context.transactional) {
    return [{ rule: 'validate-in-transaction', table, lock: 'SHARE UPDATE EXCLUSIVE', rewrites: false,
      message: `VALIDATE CONSTRAINT scans ${table} inside the file's transaction, which keeps every lock taken before it (ADD CONSTRAINT's ACCESS EXCLUSIVE) until the scan ends: move it to a no-transaction file` }];
  }
  return [];
}

function constraintFindings(clause: string, kind: string, name: string, table: string): RuleFinding[] {
  if (kind === 'CHECK' || kind === 'FOREIGN KEY') {
    if (/\bnot valid\b/i.test(clause)) return [];
    const referenced = REFERENCES.exec(clause);
    const lock = kind === 'CHECK' ? 'ACCESS EXCLUSIVE' : 'SHARE ROW EXCLUSIVE';
    return [{
      rule: 'constraint-without-not-valid',
      table,
      lock,
      rewrites: false,
      message: `ADD CONSTRAINT${name} ${kind} reads every row of ${table} to validate it while holding ${lock} on ${table}${referenced ? ` and ${displayName(referenced[1]!)}` : ''}: ${SCAN_ALTERNATIVE}`,
    }];
  }
  if (/\busing index\b/i.test(clause)) return [];
  return [{
    rule: 'constraint-builds-index',
    table,
    lock: 'ACCESS EXCLUSIVE',
    rewrites: false,
    message: `ADD CONSTRAINT${name} ${kind} builds its index under ACCESS EXCLUSIVE on ${table}: ${kind === 'EXCLUDE' ? 'an EXCLUDE constraint cannot use an index built beforehand; add it where the table is new or allow it with a reason' : INDEX_ALTERNATIVE}`,
  }];
}

function addColumnFindings(definition: string, table: string, heavy: (rule: RuleFinding['rule'], message: string, rewrites?: boolean) => RuleFinding): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const defaultAt = /\bdefault /i.exec(definition);
  const expression = defaultAt ? definition.slice(defaultAt.index + 8).split(DEFAULT_END)[0]! : '';
  if (/\bgenerated always as \(.*\) stored\b/i.test(definition)) {
    findings.push(heavy('stored-generated-column', `ADD COLUMN ... GENERATED ... STORED rewrites ${table} under ACCESS EXCLUSIVE: add a plain nullable column kept by a trigger, backfill it in batches (-- schema-kit:batch), or compute it in queries`, true));
  } else if (/\bgenerated (?:always|by default) as identity\b|^(?:small|big)?serial\d?\b/i.test(definition)) {
    findings.push(heavy('volatile-default', `ADD COLUMN with an identity or serial numbers every row, rewriting ${table} under ACCESS EXCLUSIVE: add a nullable column, set its default afterwards, and backfill in batches`, true));
  } else if (VOLATILE_CALL.test(expression) || QUALIFIED_CALL.test(expression)) {
    findings.push(heavy('volatile-default', `ADD COLUMN with the volatile default ${expression.trim()} rewrites ${table} under ACCESS EXCLUSIVE (a constant or a stable default such as now() does not): add the column without default, SET DEFAULT in a second statement, and backfill existing rows in batches`, true));
  }
  if (/\bcheck ?\(/i.test(definition) || REFERENCES.test(definition)) {
    findings.push(heavy('constraint-without-not-valid', `ADD COLUMN with an inline ${REFERENCES.test(definition) ? 'REFERENCES' : 'CHECK'} scans ${table} under ACCESS EXCLUSIVE to validate it: add the column bare, then the constraint NOT VALID, then VALIDATE CONSTRAINT in a no-transaction file`));
  }
  if (/\b(?:unique|primary key)\b/i.test(definition)) {
    findings.push(heavy('constraint-builds-index', `ADD COLUMN with an inline UNIQUE or PRIMARY KEY builds its index under ACCESS EXCLUSIVE on ${table}: add the column bare, then ${INDEX_ALTERNATIVE}`));
  }
  return findings;
}
