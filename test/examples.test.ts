import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from './helpers/database.js';
import { HANG_LIMIT_MS } from './helpers/wait.js';

const EXAMPLES = fileURLToPath(new URL('../examples/', import.meta.url));
const names = readdirSync(EXAMPLES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== 'shared')
  .map((entry) => entry.name);

/** The block under "It prints:" in an example's README: what the example must print. */
function promisedOutput(name: string): string {
  const readme = readFileSync(join(EXAMPLES, name, 'README.md'), 'utf8');
  const match = /It prints:\n\n```\n([\s\S]*?)```/.exec(readme);
  if (!match?.[1]) throw new Error(`examples/${name}/README.md has no "It prints:" block`);
  return match[1];
}

/** A TypeScript example runs from its build (scripts/build-example.mjs); the others as they are. */
const isTypeScript = (name: string) => existsSync(join(EXAMPLES, name, 'main.ts'));
const entry = (name: string) => join(EXAMPLES, name, isTypeScript(name) ? '.build/main.mjs' : 'main.mjs');

/** Runs an example as users would (it imports the built package), with `DATABASE_URL`. */
function runExample(name: string, databaseUrl: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry(name)], {
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), HANG_LIMIT_MS); // a hang guard, not a budget
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('examples', () => {
  const database = useTestDatabase();

  // a TypeScript example must compile with tsc --strict (its own tsconfig) before it runs
  beforeAll(() => {
    for (const name of names.filter(isTypeScript)) {
      const build = spawnSync(process.execPath, [join(EXAMPLES, '..', 'scripts', 'build-example.mjs'), name], { encoding: 'utf8' });
      expect(build.stderr).toBe('');
      expect(build.status).toBe(0);
    }
  });

  it('has at least four examples, and a TypeScript host among them', () => {
    expect(names.length).toBeGreaterThanOrEqual(4);
    expect(names.filter(isTypeScript)).toContain('grammy-shop');
  });

  // the second run finds the first run's rows in the database, as a host's restart would
  it.each(names)('%s prints what its README says it prints, and the same when run again on the same database', async (name) => {
    const first = await runExample(name, database().url);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(promisedOutput(name));
    const second = await runExample(name, database().url);
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
  });

  it.each(names)('%s exits non-zero with one clear line when its database is unreachable', async (name) => {
    const run = await runExample(name, 'postgres://nobody:secret@127.0.0.1:1/none');
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toMatch(/^example: cannot reach PostgreSQL at 127\.0\.0\.1:1: /);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stdout + run.stderr).not.toContain('secret');
  });

  it.each(names)('%s exits non-zero with one line naming DATABASE_URL, without its password, when the URL is malformed', async (name) => {
    for (const url of ['postgres://u:s3cret@host:notaport/db', 'not a url with s3cret']) {
      const run = await runExample(name, url);
      expect(run.code).toBe(1);
      expect(run.stdout + run.stderr).not.toContain('s3cret');
      expect(run.stderr.trim()).toMatch(/^example: DATABASE_URL is not a (valid|postgres:\/\/) URL/);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
