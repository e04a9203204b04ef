import type { Catalog } from '../../src/migrate/catalog.js';
import { parseMigration } from '../../src/migrate/migration-source.js';

/** A migration file's text from its up and down SQL. */
export function migrationText(up: string, down: string, options: { noTransaction?: boolean } = {}): string {
  return `${options.noTransaction ? '-- schema-kit:no-transaction\n' : ''}-- schema-kit:up\n${up}\n-- schema-kit:down\n${down}\n`;
}

/** A catalog of test-only modules, given as `{ module: { dependsOn, files: { name: text } } }`. */
export function testCatalog(modules: Record<string, { dependsOn?: string[]; files: Record<string, string> }>): Catalog {
  return Object.entries(modules).map(([name, spec]) => ({
    name,
    dependsOn: spec.dependsOn ?? [],
    migrations: Object.entries(spec.files)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([file, text]) => parseMigration(name, file, text)),
  }));
}
