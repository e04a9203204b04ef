#!/usr/bin/env node
// The `schema-kit` command. A file of its own, committed, so that npm links the command whether or
// not dist/ is built yet (npm makes no link to a missing file, and npx keeps such an install). In a
// clone of schema-kit (scripts/ is there; the package does not ship it), dist/ is built first when
// it is missing or older than the sources, so `npm ci && npx schema-kit migrate` works as written
// without an install script, which every host installing the package would be warned about.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ensureBuilt = fileURLToPath(new URL('../scripts/ensure-built.mjs', import.meta.url));
if (existsSync(ensureBuilt)) {
  const build = spawnSync(process.execPath, [ensureBuilt], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) {
    process.stderr.write('schema-kit: the build of this clone failed\nhint: run `npm ci`, then `npm run build` to see why\n');
    process.exit(1);
  }
}
const cli = new URL('../dist/cli.js', import.meta.url);
if (existsSync(cli)) {
  await import(cli.href);
} else {
  process.stderr.write('schema-kit: this copy is not built (dist/cli.js is missing)\nhint: reinstall the package\n');
  process.exitCode = 1;
}
