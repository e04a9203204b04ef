import type { Selectable } from 'kysely';
import type { Generated, Timestamp } from '../schema/column-types.js';

/**
 * A value of a host-owned vocabulary: one of the shipped `Defaults` (they autocomplete) or any
 * value the host added to the vocabulary's lookup table (it type-checks as a string).
 */
export type HostValue<Defaults extends string> = Defaults | (string & {});

/**
 * A vocabulary's lookup table (`guide_categories`, `skill_levels`, ...): one row per allowed
 * value, referenced by a foreign key from the column it describes.
 */
export interface VocabularyTable {
  /** The value itself: lowercase, starting with a letter, at most 64 characters of a-z, 0-9, _. */
  name: string;
  description: string | null;
  created_at: Generated<Timestamp>;
}

/** A row of a vocabulary's lookup table. */
export type VocabularyEntry = Selectable<VocabularyTable>;
