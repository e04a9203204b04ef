import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Every Markdown file users and developers read: README, CHANGELOG, docs/, examples/, bench/. */
function markdownFiles(): string[] {
  const inFolder = (folder: string, deep: boolean): string[] =>
    readdirSync(join(ROOT, folder), { withFileTypes: true }).flatMap((entry) => {
      if (entry.isDirectory()) return deep && entry.name !== 'node_modules' && entry.name !== 'api' ? inFolder(join(folder, entry.name), deep) : [];
      return entry.name.endsWith('.md') ? [join(folder, entry.name)] : [];
    });
  return ['README.md', 'CHANGELOG.md', ...inFolder('docs', true), ...inFolder('examples', true), ...inFolder('bench', false)];
}

describe('documentation links', () => {
  it.each(markdownFiles())('every relative link in %s points at a file that exists', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const targets = [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!).filter((t) => !/^[a-z]+:/.test(t));
    const broken = targets.filter((target) => !existsSync(normalize(join(ROOT, dirname(file), target))));
    expect(broken).toEqual([]);
  });
});
