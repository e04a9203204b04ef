import { describe, expect, it } from 'vitest';
import { describeUrl } from '../../src/connection/redact.js';
import { historyIn, lines, progressKeys, runCli, shippedMigrations, tablesIn } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/database.js';

const all = shippedMigrations();

describe('schema-kit migrate', () => {
  const database = useTestDatabase();

  it('applies every migration on an empty database, one progress line each, then finds nothing to do', async () => {
    // a trust server ignores the password, so the URL may carry one the output must not show
    const url = new URL(database().url);
    if (!url.password) url.password = 'NotPrinted42';
    const env = { DATABASE_URL: url.toString() };
    const password = decodeURIComponent(url.password);

    const first = await runCli(['migrate'], { env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const out = lines(first.stdout);
    const modules = [...new Set(all.map((m) => m.module))].join(', ');
    expect(out[0]).toBe(`schema-kit migrate: database ${describeUrl(url.toString())}, schema "schema_kit": empty schema, installing every module (${modules})`);
    expect(progressKeys(first.stdout)).toEqual(all.map((m) => m.key));
    expect(out.slice(1, 1 + all.length).every((line) => /\(\d+ ms\)$|\(\d+\.\d{2} s\)$/.test(line))).toBe(true);
    expect(out.at(-1)).toMatch(new RegExp(`^Applied ${all.length} migration\\(s\\) in `));
    expect(first.stdout + first.stderr).not.toContain(password);

    expect(await historyIn(database().pool, 'schema_kit')).toEqual(all.map((m) => m.key));
    const tables = await tablesIn(database().pool, 'schema_kit');
    expect(tables).toEqual([...all.flatMap((m) => m.tables), 'schema_kit_migrations', 'schema_kit_modules'].sort());

    const again = await runCli(['migrate'], { env });
    expect(again.code).toBe(0);
    expect(again.stderr).toBe('');
    expect(lines(again.stdout)[0]).toBe(`schema-kit migrate: database ${describeUrl(url.toString())}, schema "schema_kit": upgrading the installed modules (${modules})`);
    expect(lines(again.stdout).slice(1)).toEqual(['Nothing to do: already up to date.']);
    expect(await historyIn(database().pool, 'schema_kit')).toHaveLength(all.length);
  });

  it('prints one JSON document with --json, listing the results', async () => {
    const args = ['migrate', '--json', '--schema', 'json_out', '--database-url', database().url];
    const first = await runCli(args);
    expect(first.code).toBe(0);
    expect(first.stderr).toBe('');
    const doc = JSON.parse(first.stdout) as Record<string, unknown> & { results: Record<string, unknown>[] };
    expect(doc).toMatchObject({ command: 'migrate', schema: 'json_out', ok: true, dryRun: false });
    expect(typeof doc.durationMs).toBe('number');
    expect(doc.target).toContain(describeUrl(database().url));
    expect(doc.results.map((r) => `${r.module}/${r.migration}`)).toEqual(all.map((m) => m.key));
    for (const result of doc.results) {
      expect(result).toMatchObject({ direction: 'Up', status: 'Success' });
      expect(typeof result.durationMs).toBe('number');
    }
    expect(await historyIn(database().pool, 'json_out')).toEqual(all.map((m) => m.key));

    const again = await runCli(args);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ ok: true, results: [] });
  });
});
