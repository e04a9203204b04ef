#!/usr/bin/env node
// The `schema-kit` command. A file of its own, committed, so that npm links the command whether or
// not dist/ is built yet (a link to a missing dist/cli.js is not made, and npx would keep the
// install without it). In a clone, `npm ci` builds dist/ (the `prepare` script).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (existsSync(cli)) {
  await import(cli.href);
} else {
  process.stderr.write(
    'schema-kit: this copy is not built (dist/cli.js is missing)\n' +
      'hint: in a clone of schema-kit, run `npm ci` (it builds) or `npm run build`\n',
  );
  process.exitCode = 1;
}
