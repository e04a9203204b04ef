import { SchemaKitError } from '../errors.js';
import { parseCliArgs, type CliArgs } from './args.js';
import { openTarget } from './connect.js';
import type { Reporter } from './failure.js';
import { COMMAND_NAMES, commandHelp, generalHelp } from './help.js';
import { lintCommand } from './lint-command.js';
import { migratePlanLine, runCommand } from './run-command.js';
import { VERSION } from './version.js';
import { printEvents } from './verbose-events.js';

/** Runs the `schema-kit` CLI on `argv` and returns its exit code: 0 ok, 1 failure, 2 bad usage, 3 pending. */
export async function program(argv: readonly string[], env: NodeJS.ProcessEnv, report: Reporter): Promise<number> {
  let args: CliArgs;
  try {
    args = parseCliArgs(argv, env);
  } catch (error) {
    const command = argv.find((word) => (COMMAND_NAMES as readonly string[]).includes(word));
    return report.fail(new SchemaKitError('usage', (error as Error).message, { cause: error }), command);
  }
  if (args.command === 'help' || args.command === 'version') {
    const text = args.command === 'version' ? VERSION : args.topic ? commandHelp(args.topic) : generalHelp();
    if (report.json) report.document({ command: args.command, ok: true, ...(args.command === 'version' ? { version: VERSION } : { topic: args.topic ?? null, text }) });
    else report.out(text);
    return 0;
  }

  if (args.command === 'lint') {
    try {
      const outcome = await lintCommand(args.directory);
      if (args.json) report.document(outcome.json);
      else outcome.summary.forEach(report.out);
      return outcome.exitCode;
    } catch (error) {
      return report.fail(error, args.command);
    }
  }

  let target;
  try {
    target = await openTarget(args.databaseUrl, process.cwd());
  } catch (error) {
    return report.fail(error, args.command);
  }
  // --verbose: the migrations', lifecycle's and repositories' events, one line each (on stderr under --json)
  const stopEvents = report.verbose ? printEvents(report.json ? report.err : report.out) : undefined;
  try {
    const plan = args.command === 'migrate' && !args.json ? `: ${await migratePlanLine(args, target.db)}` : '';
    if (!args.json) report.out(`schema-kit ${args.command}: ${target.description}, schema "${args.schema}"${plan}`);
    const outcome = await runCommand(args, target.db, report.out);
    const doc = { ...outcome.json, target: target.description };
    if (!args.json) outcome.summary.forEach(report.out);
    if ('error' in outcome) return report.fail(outcome.error, args.command, doc);
    if (args.json) report.document(doc);
    return outcome.exitCode;
  } catch (error) {
    return report.fail(error, args.command, { command: args.command, target: target.description });
  } finally {
    stopEvents?.();
    await target.close();
  }
}
