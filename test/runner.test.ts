import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultSteps, runSteps, type Step } from '../scripts/run-tests.mjs';
import { tempFolder } from './helpers/temp.js';

/** A step that leaves a file named after it (proof it ran) and exits with `code`. */
function step(folder: string, name: string, code: number, more: Partial<Step> = {}): Step {
  const script = `require('fs').writeFileSync(${JSON.stringify(join(folder, name))}, 'ran'); process.exit(${code})`;
  return { name, command: process.execPath, args: ['-e', script], ...more };
}

function run(steps: readonly Step[]): { code: number; lines: string[] } {
  const lines: string[] = [];
  const code = runSteps(steps, { stdio: 'ignore', log: (line) => lines.push(line) });
  return { code, lines };
}

describe('npm test (scripts/run-tests.mjs)', () => {
  it('runs every suite even when one before it fails, reports each, and exits with the first failure', () => {
    const folder = tempFolder('runner-');
    const { code, lines } = run([
      step(folder, 'build', 0, { stopsTheRun: true }),
      step(folder, 'first suite', 3),
      step(folder, 'second suite', 0),
      step(folder, 'third suite', 4),
    ]);
    for (const name of ['build', 'first suite', 'second suite', 'third suite']) expect(existsSync(join(folder, name)), name).toBe(true);
    expect(code).toBe(3);
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}build: passed in .+$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}first suite: FAILED \(exit 3\) in .+$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}second suite: passed in .+$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}third suite: FAILED \(exit 4\) in .+$/));
    expect(lines.at(-1)).toBe('npm test: 2 of 4 steps failed');
  });

  it('exits 0 when every step passed', () => {
    const folder = tempFolder('runner-');
    const { code, lines } = run([step(folder, 'build', 0, { stopsTheRun: true }), step(folder, 'suite', 0)]);
    expect(code).toBe(0);
    expect(lines.at(-1)).toBe('npm test: every step passed');
  });

  it('stops after a failed build: nothing to test', () => {
    const folder = tempFolder('runner-');
    const { code, lines } = run([step(folder, 'build', 2, { stopsTheRun: true }), step(folder, 'suite', 0)]);
    expect(code).toBe(2);
    expect(existsSync(join(folder, 'suite'))).toBe(false);
    expect(lines).toContain('  suite: not run (an earlier step that stops the run failed)');
  });

  it('counts a suite ended by a signal, or one that cannot start, as failed, and goes on', () => {
    const folder = tempFolder('runner-');
    const { code, lines } = run([
      { name: 'killed', command: process.execPath, args: ['-e', "process.kill(process.pid, 'SIGKILL')"] },
      { name: 'missing', command: join(folder, 'no-such-command'), args: [] },
      step(folder, 'last', 0),
    ]);
    expect(code).toBe(1);
    expect(existsSync(join(folder, 'last'))).toBe(true);
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}killed: FAILED \(ended by SIGKILL\)/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}missing: FAILED \(could not start: /));
  });

  it('is what package.json "test" runs: the build, then vitest with any arguments, then the prepared-statements-off run', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.test).toBe('node scripts/run-tests.mjs');
    const steps = defaultSteps(['test/cli']);
    expect(steps.map((s) => [s.args, Boolean(s.stopsTheRun)])).toEqual([
      [['run', 'build'], true],
      [[expect.stringMatching(/vitest\.mjs$/), 'run', 'test/cli'], false],
      [['run', 'test:unprepared'], false],
    ]);
    expect(pkg.scripts['test:unprepared']).toMatch(/^SCHEMA_KIT_PREPARED_STATEMENTS=off vitest run /);
  });

  it('run as `node scripts/run-tests.mjs`, exits with the failing build\'s code and runs no suite', () => {
    // an `npm` first on PATH that fails: the script's own entry point, with its real steps
    const folder = tempFolder('runner-');
    const fakeNpm = join(folder, 'npm');
    writeFileSync(fakeNpm, `#!/bin/sh\necho "fake npm $*" >> ${JSON.stringify(join(folder, 'calls'))}\nexit 7\n`);
    chmodSync(fakeNpm, 0o755);
    const script = fileURLToPath(new URL('../scripts/run-tests.mjs', import.meta.url));
    const result = spawnSync(process.execPath, [script], { encoding: 'utf8', env: { ...process.env, PATH: `${folder}${delimiter}${process.env.PATH}` } });
    expect(result.status).toBe(7);
    expect(readFileSync(join(folder, 'calls'), 'utf8')).toBe('fake npm run build\n');
    expect(result.stdout).toMatch(/^ {2}build: FAILED \(exit 7\) in .+$/m);
    expect(result.stdout).toContain('  vitest run (PostgreSQL and PGlite projects): not run');
    expect(result.stdout).toContain('npm test: 1 of 3 steps failed');
  });
});
