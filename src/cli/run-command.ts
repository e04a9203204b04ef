import type { Kysely } from 'kysely';
import { grantRuntimeAccess } from '../grants.js';
import { createPartitions, dropPartitionsBefore, forgetUser } from '../modules/lifecycle/index.js';
import { migrateDown } from '../migrate/migrate-down.js';
import { migrateToLatest } from '../migrate/migrate-to-latest.js';
import { migrationStatus } from '../migrate/migration-status.js';
import type { MigrationProgress, MigrationRunResult } from '../migrate/options.js';
import type { CliArgs } from './args.js';

/** What a command produced: lines for humans, a document for `--json`, and the exit code. */
export interface CommandOutcome {
  readonly exitCode: number;
  readonly json: Record<string, unknown>;
  readonly summary: string[];
}

function ms(value: number): string {
  return value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(2)} s`;
}

/** One progress line per finished migration, e.g. `  ✓ core/0001_users (12 ms)`. */
export function progressLine(event: MigrationProgress): string | undefined {
  if (event.phase !== 'end') return undefined;
  const { result } = event;
  const mark = result.status === 'Success' ? '✓' : '✗';
  const arrow = result.direction === 'Up' ? 'up' : 'down';
  return `  ${mark} ${result.module}/${result.migration} ${arrow} (${ms(result.durationMs)})`;
}

function runOutcome(args: CliArgs, run: MigrationRunResult, verb: string): CommandOutcome {
  const json = {
    command: args.command,
    schema: run.schema,
    ok: !run.error,
    dryRun: args.dryRun,
    durationMs: Math.round(run.durationMs),
    results: run.results.map((r) => ({ ...r, durationMs: Math.round(r.durationMs), ...(args.dryRun ? {} : { sql: undefined }) })),
    ...(run.error ? { error: { code: run.error.code, message: run.error.message } } : {}),
  };
  const summary: string[] = [];
  if (args.dryRun) {
    for (const r of run.results) summary.push(`-- ${r.module}/${r.migration} (${r.direction.toLowerCase()})`, r.sql, '');
    summary.push(`Dry run: ${run.results.length} migration(s) would run; nothing was changed.`);
  } else if (!run.error) {
    const done = run.results.filter((r) => r.status === 'Success').length;
    const idle = args.command === 'down' ? 'Nothing to revert: no migration is applied.' : 'Nothing to do: already up to date.';
    summary.push(done === 0 ? idle : `${verb} ${done} migration(s) in ${ms(run.durationMs)}.`);
  }
  return { exitCode: run.error ? 1 : 0, json, summary };
}

function listOutcome(command: string, args: CliArgs, fields: Record<string, unknown>, lines: string[], last: string): CommandOutcome {
  return { exitCode: 0, json: { command, schema: args.schema, ok: true, ...fields }, summary: [...lines, last] };
}

/** Runs the parsed command against `db`, printing progress through `print`. */
export async function runCommand(args: CliArgs, db: Kysely<unknown>, print: (line: string) => void): Promise<CommandOutcome> {
  const base = {
    schema: args.schema,
    ...(args.modules ? { modules: args.modules } : {}),
    ...(args.lockTimeoutMs !== undefined ? { lockTimeoutMs: args.lockTimeoutMs } : {}),
    dryRun: args.dryRun,
    onProgress: (event: MigrationProgress) => {
      const line = progressLine(event);
      if (line && !args.json) print(line);
    },
  };
  if (args.command === 'migrate') return runOutcome(args, await migrateToLatest(db, base), 'Applied');
  if (args.command === 'down') {
    return runOutcome(args, await migrateDown(db, { ...base, ...(args.steps ? { steps: args.steps } : {}) }), 'Reverted');
  }
  if (args.command === 'grants') {
    const statements = await grantRuntimeAccess(db, { role: args.role!, schema: args.schema, dryRun: args.dryRun, erasure: args.erasure });
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
  if (args.command === 'forget') {
    const { pseudonym, rows } = await forgetUser(db, { schema: args.schema, ...(args.user ? { userId: args.user } : {}), identifiers: args.identifiers });
    const lines = Object.entries(rows).map(([table, n]) => `  ${table}: ${n}`);
    return listOutcome('forget', args, { pseudonym, rows }, lines, `Forgotten: the logs now say ${pseudonym}.`);
  }
  const status = await migrationStatus(db, base);
  const counts = { applied: 0, pending: 0, changed: 0, missing: 0 };
  const summary = status.migrations.map((m) => {
    counts[m.state] += 1;
    return `  ${m.state.padEnd(8)} ${m.module}/${m.migration}${m.appliedAt ? `  ${m.appliedAt.toISOString()}` : ''}`;
  });
  summary.push(...status.problems.map((p) => `problem: ${p.message}`));
  summary.push(`${counts.applied} applied, ${counts.pending} pending, ${counts.changed} changed, ${counts.missing} missing.`);
  return {
    exitCode: args.exitCode && !status.upToDate ? 3 : 0,
    json: {
      command: 'status',
      schema: status.schema,
      ok: true,
      upToDate: status.upToDate,
      pending: status.pending,
      migrations: status.migrations,
      problems: status.problems.map((p) => ({ code: p.code, message: p.message, module: p.module, migration: p.migration })),
    },
    summary,
  };
}
