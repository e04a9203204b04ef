import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/cli/args.js';
import { COMMAND_NAMES, optionsOf, type OptionName } from '../../src/cli/help.js';
import { failureOf, lines, runCli } from '../helpers/cli.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
// usage errors are found before any connection: this URL is never dialled
const env = { DATABASE_URL: 'postgres://u:TopSecret123@127.0.0.1:1/x' };

describe('schema-kit usage', () => {
  it('prints the general help with --help, -h, help and no command, and exits 0', async () => {
    for (const args of [['--help'], ['-h'], [], ['help']]) {
      const run = await runCli(args, { env });
      expect(run.code, args.join(' ')).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(/^Usage: schema-kit <command>/);
      for (const word of [...COMMAND_NAMES, '--database-url', '--schema', '--modules', '--dry-run', '--json', '--verbose']) {
        expect(run.stdout).toContain(word);
      }
    }
  });

  it("prints each command's own help (usage, its options, exit codes, an example) with help X and X -h, exit 0", async () => {
    for (const command of COMMAND_NAMES) {
      const texts = new Set<string>();
      for (const args of [['help', command], [command, '-h']]) {
        const run = await runCli(args, { env });
        expect(run.code, args.join(' ')).toBe(0);
        expect(run.stderr).toBe('');
        texts.add(run.stdout);
      }
      expect(texts.size, command).toBe(1);
      const [text] = texts;
      expect(text).toMatch(new RegExp(`^Usage: schema-kit ${command}\\b`));
      for (const heading of ['Options:', 'Exit codes:', 'Example:']) expect(text).toContain(`\n${heading}\n`);
      expect(text).toMatch(new RegExp(`\\n {2}schema-kit ${command}\\b.*\\n$`)); // the example
      for (const option of optionsOf(command)) expect(text, `${command} --${option}`).toContain(`--${option}`);
    }
  });

  it('the help of a command lists exactly the options it takes: any other is refused', () => {
    const value: Partial<Record<OptionName, string>> = { steps: '1', ahead: '1', role: 'r', 'lock-timeout': '1', modules: 'core', add: 'core' };
    const flags = ['dry-run', 'exit-code', 'steps', 'ahead', 'detach', 'erasure', 'role', 'lock-timeout', 'modules', 'add', 'yes'] as const;
    for (const command of COMMAND_NAMES.filter((c) => c !== 'help')) {
      for (const option of flags.filter((o) => !optionsOf(command).includes(o))) {
        const argv = [command, `--${option}`, ...(value[option] ? [value[option]] : [])];
        expect(() => parseCliArgs(argv, {}), argv.join(' ')).toThrow(`--${option}: only goes with`);
      }
    }
  });

  it('--help X and X --help print the same as help X', async () => {
    const texts = await Promise.all([['help', 'down'], ['--help', 'down'], ['down', '--help']].map(async (args) => (await runCli(args, { env })).stdout));
    expect(new Set(texts).size).toBe(1);
  });

  it('help with an unknown command exits 2 with the error and a hint', async () => {
    const run = await runCli(['help', 'nosuch'], { env });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(failureOf(run.stderr)).toEqual({
      error: expect.stringMatching(/^schema-kit: .*unknown command "nosuch"/),
      hint: 'hint: see schema-kit --help',
    });
  });

  it('help needs no valid environment: a bad DATABASE_URL does not stand in its way', async () => {
    const run = await runCli(['migrate', '--help'], { env: { DATABASE_URL: 'mysql://root@127.0.0.1/app' } });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: schema-kit migrate/);
  });

  it('prints the package version with --version and -v', async () => {
    for (const flag of ['--version', '-v']) {
      const run = await runCli([flag], { env });
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(`${pkg.version}\n`);
    }
  });

  it('refuses an unknown command or option with exit 2, the error and a hint naming the help', async () => {
    for (const args of [['frobnicate'], ['migrate', '--frobnicate'], ['migrate', 'extra'], ['status', '--lock-timeout', '10'], ['down', '--steps', 'soon']]) {
      const run = await runCli(args, { env });
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stdout).toBe('');
      const { hint } = failureOf(run.stderr);
      expect(hint).toBe(args[0] === 'frobnicate' ? 'hint: see schema-kit --help' : `hint: see schema-kit ${args[0]} --help`);
    }
    expect(lines((await runCli(['frobnicate'], { env })).stderr)[0]).toContain('"frobnicate"');
  });
});
