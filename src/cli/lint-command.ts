import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { SchemaKitError, SchemaKitValidationError } from '../errors.js';
import type { LintFinding } from '../migrate/lint/finding.js';
import { lintMigration } from '../migrate/lint/lint-migration.js';
import { parseMigration, type Migration } from '../migrate/migration-source.js';
import { SHIPPED_CATALOG } from '../shipped.js';

/** A migration file to lint and the path to show for it. */
interface LintTarget {
  readonly path: string;
  readonly migration: Migration;
}

/** What `schema-kit lint` produced: its lines, its `--json` document, its exit code. */
export interface LintOutcome {
  readonly summary: string[];
  readonly json: Record<string, unknown>;
  /** 0 when every finding is allowed, 1 when one is not. */
  readonly exitCode: number;
}

/**
 * `schema-kit lint [dir]`: lints the migrations in `dir` (`<dir>/<module>/NNNN_name.sql`, or the
 * `.sql` files right in `dir`), or schema-kit's own without `dir`. Reads no database.
 */
export async function lintCommand(dir: string | undefined): Promise<LintOutcome> {
  const targets = dir === undefined ? shippedTargets() : await directoryTargets(dir);
  const findings = targets.flatMap((t) => lintMigration(t.migration).map((f): LintFinding & { file: string } => ({ file: t.path, ...f })));
  const refused = findings.filter((f) => !f.allowed);
  const where = dir ?? "schema-kit's migrations";
  return {
    exitCode: refused.length > 0 ? 1 : 0,
    json: { command: 'lint', ok: refused.length === 0, directory: dir ?? null, files: targets.length, findings },
    summary: [
      ...findings.map((f) => `${f.file}:${f.line} ${f.rule} ${f.allowed ? `allowed: ${f.reason}` : f.message}`),
      `Linted ${targets.length} migration file(s) in ${where}: ${refused.length} finding(s) not allowed, ${findings.length - refused.length} allowed.`,
    ],
  };
}

function shippedTargets(): LintTarget[] {
  return SHIPPED_CATALOG.flatMap((module) => module.migrations.map((migration) => ({ path: `migrations/${module.name}/${migration.name}.sql`, migration })));
}

async function directoryTargets(dir: string): Promise<LintTarget[]> {
  const isDirectory = await stat(dir).then((s) => s.isDirectory(), () => false);
  if (!isDirectory) throw new SchemaKitValidationError('dir', `${JSON.stringify(dir)} is not a folder`);
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  const targets = await filesIn(dir, basename(dir), entries.filter((e) => e.isFile()).map((e) => e.name));
  for (const folder of entries.filter((e) => e.isDirectory())) {
    const names = (await readdir(join(dir, folder.name))).sort();
    targets.push(...(await filesIn(join(dir, folder.name), folder.name, names)));
  }
  return targets;
}

/** The `.sql` files among `names` in `folder`, parsed as migrations of `module`. */
async function filesIn(folder: string, module: string, names: readonly string[]): Promise<LintTarget[]> {
  const targets: LintTarget[] = [];
  for (const name of names.filter((n) => n.endsWith('.sql'))) {
    const path = join(folder, name);
    const text = await readFile(path, 'utf8');
    try {
      targets.push({ path, migration: parseMigration(module, name.slice(0, -'.sql'.length), text) });
    } catch (error) {
      throw new SchemaKitError('invalid_migration', `${path}: ${(error as Error).message.replace(/^\S+: /, '')}`, { cause: error });
    }
  }
  return targets;
}
