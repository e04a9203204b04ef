// Builds a TypeScript example as a host would: type-checks it with its own strict tsconfig, then
// bundles its files (not its packages: schema-kit, grammY, kysely and pg stay imports) into
// examples/<name>/.build/main.mjs. Usage: node scripts/build-example.mjs <name>
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Type-checks and bundles examples/<name>; throws with tsc's output when it does not compile. */
export async function buildExample(name) {
  const folder = join(root, 'examples', name);
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', folder], { encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`examples/${name} does not compile:\n${tsc.stdout}${tsc.stderr}`);
  const outfile = join(folder, '.build', 'main.mjs');
  await build({ entryPoints: [join(folder, 'main.ts')], outfile, bundle: true, packages: 'external', platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' });
  return outfile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const name = process.argv[2];
  if (!name) {
    console.error('usage: node scripts/build-example.mjs <name>');
    process.exit(2);
  }
  await buildExample(name).catch((error) => {
    console.error(error.message);
    process.exit(1);
  });
}
