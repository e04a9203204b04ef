/**
 * The foreign keys onto host-owned vocabularies, as the error mapping reads them: a repository
 * names the input it writes and the module whose vocabularies guard its columns
 * ({@link writtenInput}), and a value outside a vocabulary becomes a validation error naming the
 * field. docs/schema.md says why each value set is host-owned or closed.
 */
import type { ModuleDescriptor } from '../module-descriptor.js';

/** What a foreign key onto a lookup table guards: the vocabulary and the referencing column. */
export interface VocabularyReference {
  readonly vocabulary: string;
  /** The referencing column. */
  readonly column: string;
}

/** The input a repository call writes: its name (the prefix of the fields an error names) and the
 * lookup foreign keys that guard its columns. */
export interface WrittenInput {
  readonly name: string;
  /** Each lookup foreign key (`<table>_<column>_fkey`, as the migrations name them) and what it guards. */
  readonly references: ReadonlyMap<string, VocabularyReference>;
}

/** The input `name` of a repository of `module`: a value its vocabularies refuse is reported as `name.column`. */
export function writtenInput(name: string, module: Pick<ModuleDescriptor, 'vocabularies'>): WrittenInput {
  const references = new Map<string, VocabularyReference>();
  for (const [vocabulary, { columns }] of Object.entries(module.vocabularies)) {
    for (const qualified of columns) {
      const [table, column] = qualified.split('.') as [string, string];
      references.set(`${table}_${column}_fkey`, { vocabulary, column });
    }
  }
  return Object.freeze({ name, references });
}
