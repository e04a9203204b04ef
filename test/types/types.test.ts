import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_GUIDE_CATEGORIES } from '../../src/index.js';
import { useTestDatabase } from '../helpers/database.js';
import { HANG_LIMIT_MS } from '../helpers/wait.js';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const ROOT = here('../../');

describe('the host types, compiled as a host compiles them (tsc --strict, against the built package)', () => {
  it('type-checks every repository with a host Kysely and Transaction, the processOnce handler and the qualified type', () => {
    const tsc = spawnSync(process.execPath, [here('../../node_modules/typescript/bin/tsc'), '-p', here('./tsconfig.json')], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  }, 180_000); // a whole tsc run: ~10 s alone, several times that beside the rest of the suite

  it('offers the defaults of a host-owned vocabulary as completions (the editor autocompletes them)', () => {
    const file = here('./host-vocabularies.ts');
    const text = readFileSync(file, 'utf8');
    const options = ts.parseJsonConfigFileContent(ts.readConfigFile(here('./tsconfig.json'), (p) => ts.sys.readFile(p)).config, ts.sys, here('./')).options;
    const service = ts.createLanguageService({
      getScriptFileNames: () => [file],
      getScriptVersion: () => '1',
      getScriptSnapshot: (name) => (ts.sys.fileExists(name) ? ts.ScriptSnapshot.fromString(ts.sys.readFile(name)!) : undefined),
      getCurrentDirectory: () => ROOT,
      getCompilationSettings: () => options,
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: (p) => ts.sys.fileExists(p),
      readFile: (p) => ts.sys.readFile(p),
      readDirectory: (...args) => ts.sys.readDirectory(...args),
      directoryExists: (p) => ts.sys.directoryExists(p),
      getDirectories: (p) => ts.sys.getDirectories(p),
    });
    const at = text.indexOf("'billing' });") + 1; // inside the string literal of GuideRepo.create's category
    const names = service.getCompletionsAtPosition(file, at, {})?.entries.map((e) => e.name) ?? [];
    expect(names).toEqual(expect.arrayContaining([...DEFAULT_GUIDE_CATEGORIES]));
  });

  it.each([
    ['README.md', 'in-your-service.ts'],
    ['docs/conversations.md', 'conversation-path.ts'],
  ])('%s holds test/types/%s under its marker, word for word', (doc, file) => {
    const text = readFileSync(here(`../../${doc}`), 'utf8');
    const block = new RegExp(`<!-- test/types/${file.replace('.', '\\.')} -->\n\`\`\`ts\n([\\s\\S]*?)\`\`\``).exec(text)?.[1];
    expect(block).toBe(readFileSync(here(`./${file}`), 'utf8'));
  });
});

/** What test/types/host-fit.ts prints: scripts/check-package.sh and check-kysely-next.sh expect it too. */
const HOST_FIT_OUTPUT = readFileSync(here('./host-fit.expected.txt'), 'utf8');

describe('the documentation code runs', () => {
  const database = useTestDatabase();
  const build = here('./.build/');
  afterAll(() => rmSync(build, { recursive: true, force: true }));

  /** Runs test/types/<file> as a host would, on the file's database. */
  function run(file: string) {
    const { code } = transformSync(readFileSync(here(`./${file}`), 'utf8'), { loader: 'ts', format: 'esm' });
    mkdirSync(build, { recursive: true });
    const built = `${build}${file.replace(/\.ts$/, '.mjs')}`;
    writeFileSync(built, code);
    return spawnSync(process.execPath, [built], { env: { ...process.env, DATABASE_URL: database().url }, encoding: 'utf8', timeout: HANG_LIMIT_MS /* a hang guard, not a budget */ });
  }

  it("README's \"In your service\": installs, claims, writes the host table and joins it to schema-kit users", () => {
    const result = run('in-your-service.ts');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^{ processed: true, result: '[0-9a-f-]{36}' } \[ \{ telegram_username: 'ada', total: '1250' \} \]\n$/);
  });

  it('host-fit.ts: the nine workarounds of issue 30, each gone (no cast, no SQL in schema-kit\'s domain)', () => {
    const result = run('host-fit.ts');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(HOST_FIT_OUTPUT);
  });

  it('docs/conversations.md\'s complete path: user, conversation, message, the request with the system prompt first; no user row is a conflict', () => {
    const result = run('conversation-path.ts');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      '[{"role":"system","content":"You are a concise weather assistant."},{"role":"user","content":"Weather in Paris?"}]\n' +
        'conflict conversations_user_id_fkey\n',
    );
  });
});
