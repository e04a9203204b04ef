// The layers of src/ (docs/layout.md): the shared machinery never imports a module nor the module
// registry, the import graph has no cycle, and every module folder follows the checklist of
// "Adding a module".
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MODULES } from '../src/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Each source file (relative to src/) and the source files it imports, type-only imports included. */
const graph = new Map(
  filesUnder(src).map((file) => {
    const text = readFileSync(file, 'utf8');
    const imports = [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gms)].map((m) =>
      relative(src, normalize(join(dirname(file), m[1]!.replace(/\.js$/, '.ts')))),
    );
    return [relative(src, file), imports] as const;
  }),
);

const SHARED = ['migrate/', 'repos/', 'observability/', 'vocabulary/', 'validation/', 'connection/', 'schema-check/', 'errors.ts', 'database-errors.ts', 'grants.ts', 'module-descriptor.ts', 'generated/'];

describe('the layout of src/', () => {
  it('the shared machinery imports neither a module nor the module registry', () => {
    const offending = [...graph].flatMap(([file, imports]) =>
      SHARED.some((layer) => file.startsWith(layer)) ? imports.filter((i) => i === 'modules.ts' || i.startsWith('modules/')).map((i) => `${file} -> ${i}`) : [],
    );
    expect(offending).toEqual([]);
  });

  it('a module imports another module only through its index', () => {
    const offending = [...graph].flatMap(([file, imports]) => {
      const own = /^modules\/([^/]+)\//.exec(file)?.[1];
      if (!own) return [];
      return imports.filter((i) => i.startsWith('modules/') && !i.startsWith(`modules/${own}/`) && !i.endsWith('/index.ts')).map((i) => `${file} -> ${i}`);
    });
    expect(offending).toEqual([]);
  });

  it('has no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) if (graph.has(next)) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    [...graph.keys()].forEach((file) => visit(file, []));
    expect(cycles).toEqual([]);
  });

  it('every module folder is in the registry with its migrations, a descriptor its index exports, and tests', () => {
    const folders = readdirSync(join(src, 'modules')).sort();
    expect(MODULES.map((m) => m.name).sort()).toEqual(folders);
    const registry = readFileSync(join(src, 'modules.ts'), 'utf8');
    for (const module of MODULES) {
      expect(existsSync(join(root, 'migrations', module.name)), module.name).toBe(true);
      expect(module.migrations.length, module.name).toBeGreaterThan(0);
      expect(registry, module.name).toContain(`./modules/${module.name}/descriptor.js`);
      expect(existsSync(join(root, 'test', 'modules', module.name)), module.name).toBe(true);
      expect(readFileSync(join(src, 'modules', module.name, 'index.ts'), 'utf8'), module.name).toContain("from './descriptor.js'");
    }
  });

  it('lists the modules in two places only: the registry, and the public API re-exporting their names', () => {
    const importers = [...graph].filter(([file, imports]) => !file.startsWith('modules/') && MODULES.every((m) => imports.some((i) => i.startsWith(`modules/${m.name}/`))));
    expect(importers.map(([file]) => file).sort()).toEqual(['index.ts', 'modules.ts']);
  });
});
