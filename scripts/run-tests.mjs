// `npm test`: builds, then runs every suite in turn. Each suite runs and reports even when one
// before it failed; a summary line per step follows, and the exit code is the first failure's
// (0 when all passed). A failed build stops the run: there is nothing to test.
//
// Arguments after `npm test --` go to the first vitest run only (e.g. `npm test -- test/cli`); the
// prepared-statements-off run keeps its own file list (package.json "test:unprepared").
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');

/** The steps of `npm test`, in order. */
export function defaultSteps(extraArgs = []) {
  return [
    { name: 'build', command: npm, args: ['run', 'build'], stopsTheRun: true },
    { name: 'vitest run (PostgreSQL and PGlite projects)', command: process.execPath, args: [vitest, 'run', ...extraArgs] },
    { name: 'prepared statements off (npm run test:unprepared)', command: npm, args: ['run', 'test:unprepared'] },
  ];
}

function seconds(ms) {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

/**
 * Runs `steps` one after another and returns the exit code for the whole: the first failing
 * step's code (1 for a step ended by a signal or that could not start), or 0. A failing step with
 * `stopsTheRun` ends the run there; any other failing step does not stop the next.
 */
export function runSteps(steps, { cwd = root, stdio = 'inherit', env = process.env, log = (line) => console.log(line) } = {}) {
  const results = [];
  for (const step of steps) {
    const started = Date.now();
    const run = spawnSync(step.command, step.args, { cwd, stdio, env });
    const code = run.error ? 1 : run.status ?? 1;
    const why = run.error ? `could not start: ${run.error.message}` : run.signal ? `ended by ${run.signal}` : `exit ${code}`;
    results.push({ name: step.name, code, line: `${code === 0 ? 'passed' : `FAILED (${why})`} in ${seconds(Date.now() - started)}` });
    if (code !== 0 && step.stopsTheRun) break;
  }
  const skipped = steps.slice(results.length);
  log('');
  log('npm test summary:');
  for (const result of results) log(`  ${result.name}: ${result.line}`);
  for (const step of skipped) log(`  ${step.name}: not run (an earlier step that stops the run failed)`);
  const failed = results.filter((r) => r.code !== 0);
  log(failed.length === 0 ? 'npm test: every step passed' : `npm test: ${failed.length} of ${steps.length} steps failed`);
  return failed[0]?.code ?? 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = runSteps(defaultSteps(process.argv.slice(2)));
}
