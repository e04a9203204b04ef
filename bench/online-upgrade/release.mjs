// Release 0.1.0 itself (git commit e953d1f), built from its sources into one ES module: the bench
// installs it with its own runner and writes through its own repositories, as a 0.1.0 host does.
// Built once into node_modules/.cache (a few hundred milliseconds: git archive, its SQL
// generator, esbuild); kysely, pg and zod come from this checkout's node_modules.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/** The commit of release 0.1.0 (test/fixtures/release-e953d1f-migrations.json). */
export const RELEASE_COMMIT = 'e953d1f';

/** Imports release 0.1.0's library (its `index.ts`), building it first if needed. */
export async function loadRelease(root) {
  const dir = join(root, 'node_modules', '.cache', 'schema-kit-bench', `release-${RELEASE_COMMIT}`);
  const bundle = join(dir, 'index.mjs');
  if (!existsSync(bundle)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const archive = execFileSync('git', ['-C', root, 'archive', RELEASE_COMMIT, 'src', 'migrations', 'scripts', 'package.json'], { maxBuffer: 1 << 28 });
    execFileSync('tar', ['-x', '-C', dir], { input: archive });
    execFileSync(process.execPath, ['scripts/build-sql.mjs'], { cwd: dir, stdio: 'ignore' });
    await build({
      entryPoints: [join(dir, 'src', 'index.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      outfile: bundle,
      define: { __SCHEMA_KIT_VERSION__: '"0.1.0"' },
      logLevel: 'error',
    });
  }
  return import(pathToFileURL(bundle).href);
}
