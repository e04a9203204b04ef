import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, type CommandName } from '../../src/cli/help.js';
import { runCli } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/database.js';

const PASSWORD = 'TopSecret123';
const UNREACHABLE = `postgres://postgres:${PASSWORD}@127.0.0.1:1/x`;
const ROLE = 'sk_json_runtime';

/** Per command: the arguments it needs to get as far as the database, and a cheap run that succeeds. */
const RUNS: Record<CommandName, { needs: string[]; success: string[]; failure?: string[] }> = {
  migrate: { needs: [], success: ['--modules', 'core,audit,consumers,sessions'] },
  status: { needs: [], success: [] },
  doctor: { needs: [], success: [] },
  grants: { needs: ['--role', ROLE], success: ['--dry-run'] },
  partitions: { needs: [], success: [] },
  retention: { needs: ['--table', 'event_log', '--before', '2000-01-01'], success: [] },
  forget: { needs: ['--identifiers', 'tg:1'], success: [] },
  consumers: { needs: [], success: ['--max-lag', '60'] },
  'prune-sessions': { needs: [], success: [] },
  down: { needs: [], success: ['--yes'] },
  // lint reads files: its failure is a finding not allowed
  lint: { needs: [], success: ['test/fixtures/lint/online'], failure: ['test/fixtures/lint/blocking'] },
  // help runs nothing: its failure is a command it does not know
  help: { needs: [], success: ['migrate'], failure: ['nosuch'] },
};

describe('schema-kit --json: stdout is one JSON document, whatever the outcome', () => {
  const database = useTestDatabase();

  it('for every command: bad usage, a failure and a success', async () => {
    const url = database().url;
    await database().pool.query(`drop role if exists ${ROLE}; create role ${ROLE}`);
    const outcomes: { args: string[]; code: number | null; ok: unknown; error?: { code: string; message: string; hint: string } }[] = [];
    // in RUNS' order: migrate first, down after the commands that need its tables
    const commands = Object.keys(RUNS) as CommandName[];
    expect([...commands].sort()).toEqual([...COMMAND_NAMES].sort());
    for (const command of commands) {
      const { needs, success, failure } = RUNS[command];
      for (const args of [
        [command, ...needs, '--frobnicate'],
        [command, ...needs, ...(failure ?? ['--database-url', UNREACHABLE])],
        [command, ...needs, ...success],
      ]) {
        const run = await runCli([...args, '--json'], { env: { DATABASE_URL: url } });
        const doc = JSON.parse(run.stdout) as { ok: unknown; error?: { code: string; message: string; hint: string } };
        expect(run.stderr, args.join(' ')).toBe('');
        expect(run.stdout).not.toContain(PASSWORD);
        outcomes.push({ args, code: run.code, ok: doc.ok, ...(doc.error ? { error: doc.error } : {}) });
      }
    }
    const hint = expect.stringMatching(/\S/);
    for (const command of commands) {
      const [bad, failed, ok] = outcomes.filter((o) => o.args[0] === command);
      expect(bad, command).toMatchObject({ code: 2, ok: false, error: { code: 'usage', message: expect.stringContaining('--frobnicate'), hint } });
      if (command === 'help') expect(failed).toMatchObject({ code: 2, ok: false, error: { code: 'usage', hint } });
      else if (command === 'lint') expect(failed).toMatchObject({ code: 1, ok: false });
      else expect(failed, command).toMatchObject({ code: 1, ok: false, error: { code: 'connection', hint } });
      expect(ok, command).toMatchObject({ code: 0, ok: true });
    }
    await database().pool.query(`drop role ${ROLE}`);
  });

  it('for an unknown command, no command, a refused down, a version', async () => {
    const url = database().url;
    const parse = async (args: string[]) => {
      const run = await runCli([...args, '--json'], { env: { DATABASE_URL: url } });
      return { code: run.code, doc: JSON.parse(run.stdout) as Record<string, unknown> };
    };
    expect(await parse(['frobnicate'])).toMatchObject({ code: 2, doc: { ok: false, error: { code: 'usage' } } });
    expect(await parse([])).toMatchObject({ code: 0, doc: { command: 'help', ok: true, topic: null, text: expect.stringMatching(/^Usage: schema-kit/) } });
    expect(await parse(['--version'])).toMatchObject({ code: 0, doc: { command: 'version', ok: true, version: expect.any(String) } });
    expect((await runCli(['migrate', '--modules', 'core'], { env: { DATABASE_URL: url } })).code).toBe(0);
    expect(await parse(['down'])).toMatchObject({ code: 2, doc: { ok: false, planned: [expect.anything()], error: { code: 'confirmation_required' } } });
  });
});
