import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lines, runCli } from '../helpers/cli.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
// usage errors are found before any connection: this URL is never dialled
const env = { DATABASE_URL: 'postgres://u:TopSecret123@127.0.0.1:1/x' };

describe('schema-kit usage', () => {
  it('prints help with --help, -h and no command', async () => {
    for (const args of [['--help'], ['-h'], [], ['migrate', '--help']]) {
      const run = await runCli(args, { env });
      expect(run.code, args.join(' ')).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(/^Usage: schema-kit <command>/);
      for (const word of ['migrate', 'status', 'down', '--database-url', '--schema', '--modules', '--dry-run', '--json']) {
        expect(run.stdout).toContain(word);
      }
    }
  });

  it('prints the package version with --version and -v', async () => {
    for (const flag of ['--version', '-v']) {
      const run = await runCli([flag], { env });
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(`${pkg.version}\n`);
    }
  });

  it('refuses an unknown command or option with exit 2 and one line', async () => {
    for (const args of [['frobnicate'], ['migrate', '--frobnicate'], ['migrate', 'extra'], ['status', '--lock-timeout', 'soon']]) {
      const run = await runCli(args, { env });
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stdout).toBe('');
      expect(lines(run.stderr)).toHaveLength(1);
      expect(run.stderr).toMatch(/^schema-kit: .*--help/);
    }
    expect((await runCli(['frobnicate'], { env })).stderr).toContain('"frobnicate"');
  });
});
