// Builds dist/ only when it is missing or older than what it is built from, so `npm run example:*`
// starts at once when the build is current.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const SOURCES = ['src', 'migrations', 'schema', 'package.json', 'tsup.config.ts'];
const OUTPUTS = ['dist/index.js', 'dist/testing.js', 'dist/cli.js'];

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const outputs = OUTPUTS.map((file) => join(root, file));
const built = outputs.every(existsSync) ? Math.min(...outputs.map((file) => statSync(file).mtimeMs)) : -1;
// the build writes src/generated from migrations/ first: that file is an output, not a source
const generated = join(root, 'src', 'generated');
const source = Math.max(...SOURCES.map((p) => join(root, p)).filter(existsSync).map((p) => (p === join(root, 'src') ? newestExcept(p, generated) : newest(p))));

function newestExcept(path, skip) {
  return Math.max(0, ...readdirSync(path).map((name) => join(path, name)).filter((p) => p !== skip).map(newest));
}

if (built < source) {
  console.error('schema-kit: dist/ is missing or older than the sources: building');
  execSync('npm run build --silent', { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}
