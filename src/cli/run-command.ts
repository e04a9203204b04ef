import type { Kysely } from 'kysely';
import { SchemaKitError } from '../errors.js';
import { grantRuntimeAccess } from '../shipped.js';
import { describeImpact } from '../migrate/down-impact.js';
import { createPartitions, dropPartitionsBefore, forgetUser } from '../shipped.js';
import { migrateDown } from '../shipped.js';
import { migrateToLatest } from '../shipped.js';
import { type MigrationStatusResult } from '../migrate/migration-status.js';
import { migrationStatus } from '../shipped.js';
import { SessionRepo } from '../modules/sessions/index.js';
import type { MigrationProgress, MigrationRunResult } from '../migrate/options.js';
import { checkSchema } from '../shipped.js';
import type { CliArgs } from './args.js';
import { consumersCommand } from './consumers-command.js';
import { lockLine } from './lock-lines.js';

/** What a command produced: lines for humans and a document for `--json`, then either the exit
 * code or the error it ended on (the lines and document say what happened before it). */
export type CommandOutcome = { readonly json: Record<string, unknown>; readonly summary: string[] } & (
  | { readonly exitCode: number }
  | { readonly error: SchemaKitError }
);

function ms(value: number): string {
  return value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(2)} s`;
}

/**
 * One progress line per finished migration, e.g. `  ✓ core/0001_users (12 ms)`; one per retry of
 * a step that lost a lock race; one per batch of a batched backfill (the caller thins those out).
 */
export function progressLine(event: MigrationProgress): string | undefined {
  const { result } = event;
  const name = `${result.module}/${result.migration}`;
  if (event.phase === 'batch') return `  … ${name}: ${event.rows} row(s) backfilled`;
  if (event.phase === 'retry') return `  ↻ ${name}: lock not available (${event.reason}); try ${event.attempt}`;
  if (event.phase !== 'end') return undefined;
  const mark = result.status === 'Success' ? '✓' : '✗';
  const arrow = result.direction === 'Up' ? 'up' : 'down';
  return `  ${mark} ${name} ${arrow} (${ms(result.durationMs)})`;
}

/** Prints {@link progressLine}s, a backfill's batches at most once a second. */
function throttledProgress(print: (line: string) => void): (event: MigrationProgress) => void {
  let lastBatch = 0;
  return (event) => {
    if (event.phase === 'batch') {
      if (performance.now() - lastBatch < 1_000) return;
      lastBatch = performance.now();
    }
    const line = progressLine(event);
    if (line) print(line);
  };
}

function runOutcome(args: CliArgs, run: MigrationRunResult, verb: string): CommandOutcome {
  const json = {
    command: args.command,
    schema: run.schema,
    ok: !run.error,
    dryRun: args.dryRun,
    durationMs: Math.round(run.durationMs),
    results: run.results.map((r) => ({ ...r, durationMs: Math.round(r.durationMs), ...(args.dryRun ? {} : { sql: undefined }) })),
    ...(run.impact ? { impact: run.impact } : {}),
  };
  const summary: string[] = [];
  if (args.dryRun) {
    for (const r of run.results) {
      summary.push(`-- ${r.module}/${r.migration} (${r.direction.toLowerCase()})`, ...(r.locks ?? []).map((f) => `--   lock ${lockLine(f)}`), r.sql, '');
    }
    if (run.impact) summary.push(...describeImpact(run.impact));
    summary.push(`Dry run: ${run.results.length} migration(s) would run; nothing was changed.`);
  } else if (!run.error) {
    const done = run.results.filter((r) => r.status === 'Success').length;
    const idle = args.command === 'down' ? 'Nothing to revert: no migration is applied.' : 'Nothing to do: already up to date.';
    summary.push(done === 0 ? idle : `${verb} ${done} migration(s) in ${ms(run.durationMs)}.`);
  } else if (run.impact) {
    summary.push(...describeImpact(run.impact));
    if (run.error.code !== 'down_blocked') summary.push('Nothing was reverted: the down ran in one transaction and was rolled back.');
  }
  return run.error ? { json, summary, error: run.error } : { exitCode: 0, json, summary };
}

/** Asks a yes/no question on the terminal; false unless the answer starts with y. */
async function confirm(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y/i.test(await prompt.question(question));
  } finally {
    prompt.close();
  }
}

/** `down`: without --yes, shows what it would drop and asks on a terminal, or changes nothing. */
async function down(args: CliArgs, db: Kysely<unknown>, base: Parameters<typeof migrateDown>[1]): Promise<CommandOutcome> {
  const options = { ...base, ...(args.steps ? { steps: args.steps } : {}), ...(args.uninstall ? { uninstall: true } : {}) };
  if (!args.dryRun && !args.yes) {
    const plan = await migrateDown(db, { ...options, dryRun: true });
    if (plan.error || plan.results.length === 0) return runOutcome({ ...args, dryRun: false }, plan, 'Reverted');
    const lines = [
      `down would revert ${plan.results.length} migration(s): ${plan.results.map((r) => `${r.module}/${r.migration}`).join(', ')}`,
      ...describeImpact(plan.impact ?? { tables: [], dependents: [] }),
    ];
    const interactive = !args.json && process.stdin.isTTY === true;
    if (!interactive || !(await confirm(`${lines.join('\n')}\nRevert and drop this data? [y/N] `))) {
      // the plan's lines go to stdout unless the prompt showed them; the refusal is the error line
      return {
        json: { command: 'down', schema: plan.schema, ok: false, impact: plan.impact, planned: plan.results.map(({ sql: _, ...r }) => r) },
        summary: interactive ? [] : lines,
        error: new SchemaKitError('confirmation_required', 'down drops tables and their data: nothing was changed'),
      };
    }
  }
  return runOutcome(args, await migrateDown(db, options), 'Reverted');
}

/** The lines of `status` about modules: installed, to install, not installed. */
function moduleLines(status: MigrationStatusResult): string[] {
  const list = (names: readonly string[]) => (names.length > 0 ? names.join(', ') : '(none)');
  return [
    `installed: ${list(status.installed)}`,
    ...(status.toInstall.length > 0 ? [`to install: ${list(status.toInstall)}${status.selection === 'all' ? ' (empty schema: migrate installs every module)' : ''}`] : []),
    `not installed: ${list(status.notInstalled)}`,
  ];
}

/** What `migrate` is about to do, for its first line: upgrade what is installed, or install what. */
export async function migratePlanLine(args: CliArgs, db: Kysely<unknown>): Promise<string> {
  const status = await migrationStatus(db, { schema: args.schema, modules: args.modules, add: args.add });
  const adding = status.toInstall.length > 0 ? `; installing ${status.toInstall.join(', ')}` : '';
  if (status.selection === 'all') return `empty schema, installing every module (${status.toInstall.join(', ')})`;
  if (status.selection === 'named') return `empty schema, installing the named modules${adding.replace(/^; installing/, ':')}`;
  if (status.installed.length === 0) return `finishing an interrupted install${adding.replace(/^; installing/, ':')}`;
  return `upgrading the installed modules (${status.installed.join(', ')})${adding}`;
}

function listOutcome(command: string, args: CliArgs, fields: Record<string, unknown>, lines: string[], last: string): CommandOutcome {
  return { exitCode: 0, json: { command, schema: args.schema, ok: true, ...fields }, summary: [...lines, last] };
}

/** Runs the parsed command against `db`, printing progress through `print`. */
export async function runCommand(args: CliArgs, db: Kysely<unknown>, print: (line: string) => void): Promise<CommandOutcome> {
  const base = {
    schema: args.schema,
    ...(args.modules ? { modules: args.modules } : {}),
    ...(args.add ? { add: args.add } : {}),
    ...(args.lockTimeoutMs !== undefined ? { lockTimeoutMs: args.lockTimeoutMs } : {}),
    ...(args.ddlLockTimeoutMs !== undefined ? { ddlLockTimeoutMs: args.ddlLockTimeoutMs } : {}),
    ...(args.ddlRetries !== undefined ? { ddlRetries: args.ddlRetries } : {}),
    dryRun: args.dryRun,
    onProgress: throttledProgress((line) => {
      if (!args.json) print(line);
    }),
  };
  if (args.command === 'migrate') return runOutcome(args, await migrateToLatest(db, base), 'Applied');
  if (args.command === 'down') return down(args, db, base);
  if (args.command === 'doctor') {
    const check = await checkSchema(db, {
      schema: args.schema,
      ...(args.role ? { role: args.role, alsoTables: args.also } : {}),
      ...(args.allow.length > 0 ? { allowAdditions: args.allow } : {}),
    });
    const scope = `${check.installed.length} installed module(s)${check.role ? ` and role "${check.role}"` : ''}`;
    const added = check.additions.length > 0 ? ` (${check.additions.length} addition(s) of yours, listed with +)` : '';
    return {
      exitCode: check.ok ? 0 : 1,
      json: { command: 'doctor', ...check },
      summary: [
        ...check.differences.map((d) => `  ${d.message}`),
        ...check.additions.map((d) => `  + ${d.message}`),
        check.ok ? `No drift: ${scope} match the package${added}.` : `${check.differences.length} difference(s) in ${scope}${added}.`,
      ],
    };
  }
  if (args.command === 'grants') {
    const statements = await grantRuntimeAccess(db, { role: args.role!, schema: args.schema, dryRun: args.dryRun, erasure: args.erasure, alsoTables: args.also });
    return {
      exitCode: 0,
      json: { command: 'grants', schema: args.schema, role: args.role, ok: true, dryRun: args.dryRun, statements },
      summary: [
        ...statements.map((s) => `  ${s};`),
        args.dryRun ? 'Dry run: nothing was granted.' : `Granted role "${args.role}" runtime access to schema "${args.schema}".`,
      ],
    };
  }
  if (args.command === 'partitions') {
    const created = await createPartitions(db, { schema: args.schema, ...(args.ahead !== undefined ? { ahead: args.ahead } : {}) });
    return listOutcome('partitions', args, { created }, created.map((p) => `  + ${p}`), `Created ${created.length} partition(s).`);
  }
  if (args.command === 'retention') {
    const removed = await dropPartitionsBefore(db, { schema: args.schema, table: args.table!, before: args.before!, detach: args.detach });
    const verb = args.detach ? 'Detached' : 'Dropped';
    return listOutcome('retention', args, { removed }, removed.map((p) => `  - ${p}`), `${verb} ${removed.length} partition(s) of ${args.table}.`);
  }
  if (args.command === 'consumers') return consumersCommand(args, db);
  if (args.command === 'forget') {
    const { pseudonym, rows } = await forgetUser(db, { schema: args.schema, ...(args.user ? { userId: args.user } : {}), identifiers: args.identifiers });
    const lines = Object.entries(rows).map(([table, n]) => `  ${table}: ${n}`);
    return listOutcome('forget', args, { pseudonym, rows }, lines, `Forgotten: the logs now say ${pseudonym}.`);
  }
  if (args.command === 'prune-sessions') {
    const deleted = await new SessionRepo(db, { schema: args.schema }).pruneExpired();
    return listOutcome('prune-sessions', args, { deleted }, [], `Deleted ${deleted} expired session(s).`);
  }
  const status = await migrationStatus(db, base);
  const counts = { applied: 0, pending: 0, changed: 0, missing: 0 };
  const summary = status.migrations.map((m) => {
    counts[m.state] += 1;
    const locks = (m.locks ?? []).map((f) => `             lock ${lockLine(f)}`);
    return [`  ${m.state.padEnd(8)} ${m.module}/${m.migration}${m.appliedAt ? `  ${m.appliedAt.toISOString()}` : ''}`, ...locks];
  }).flat();
  summary.push(...status.problems.map((p) => `problem: ${p.message}`), ...moduleLines(status));
  summary.push(`${counts.applied} applied, ${counts.pending} pending, ${counts.changed} changed, ${counts.missing} missing.`);
  return {
    exitCode: args.exitCode && !status.upToDate ? 3 : 0,
    json: {
      command: 'status',
      schema: status.schema,
      ok: true,
      upToDate: status.upToDate,
      pending: status.pending,
      installed: status.installed,
      toInstall: status.toInstall,
      notInstalled: status.notInstalled,
      selection: status.selection,
      migrations: status.migrations,
      problems: status.problems.map((p) => ({ code: p.code, message: p.message, module: p.module, migration: p.migration })),
    },
    summary,
  };
}
