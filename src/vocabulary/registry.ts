/**
 * The host-owned vocabularies: for each, the module whose migrations create its lookup table, the
 * table, the columns that reference it and the defaults the migrations seed. docs/schema.md says
 * why each value set is host-owned or closed.
 */
import type { ModuleName } from '../modules.js';
import type { HostValue } from './types.js';
import { DEFAULT_SKILL_LEVELS } from '../modules/core/values.js';
import { DEFAULT_CONTENT_CATEGORIES, DEFAULT_PACKAGE_TYPES } from '../modules/interests/values.js';
import { DEFAULT_CHANGE_SOURCES } from '../modules/roles/values.js';
import { DEFAULT_EXERCISE_DIFFICULTIES, DEFAULT_EXERCISE_TYPES } from '../modules/learning/values.js';
import { DEFAULT_ACHIEVEMENT_CATEGORIES } from '../modules/achievements/values.js';
import { DEFAULT_RISK_LEVELS } from '../modules/insights/values.js';
import {
  DEFAULT_BROADCAST_MESSAGE_TYPES,
  DEFAULT_GUIDE_CATEGORIES,
  DEFAULT_GUIDE_DIFFICULTY_LEVELS,
} from '../modules/telegram/values.js';

/** One host-owned vocabulary. */
export interface VocabularyDefinition {
  /** The module whose migrations create and seed the lookup table. */
  readonly module: ModuleName;
  /** The lookup table, in schema-kit's schema. */
  readonly table: string;
  /** The columns (`table.column`) whose foreign keys reference the lookup table. */
  readonly columns: readonly string[];
  /** The values the migrations seed. */
  readonly defaults: readonly string[];
}

/** Every host-owned vocabulary, by the name `VocabularyRepo` takes. */
export const VOCABULARIES = Object.freeze({
  skill_level: { module: 'core', table: 'skill_levels', columns: ['users.skill_level'], defaults: DEFAULT_SKILL_LEVELS },
  content_category: { module: 'interests', table: 'content_categories', columns: ['content_packages.category'], defaults: DEFAULT_CONTENT_CATEGORIES },
  package_type: { module: 'interests', table: 'package_types', columns: ['content_packages.package_type'], defaults: DEFAULT_PACKAGE_TYPES },
  change_source: { module: 'roles', table: 'change_sources', columns: ['user_role_change_log.change_source'], defaults: DEFAULT_CHANGE_SOURCES },
  exercise_type: { module: 'learning', table: 'exercise_types', columns: ['exercises.exercise_type'], defaults: DEFAULT_EXERCISE_TYPES },
  exercise_difficulty: {
    module: 'learning',
    table: 'exercise_difficulties',
    columns: ['exercises.difficulty', 'user_memory.preferred_difficulty'],
    defaults: DEFAULT_EXERCISE_DIFFICULTIES,
  },
  achievement_category: { module: 'achievements', table: 'achievement_categories', columns: ['achievements.category'], defaults: DEFAULT_ACHIEVEMENT_CATEGORIES },
  risk_level: { module: 'insights', table: 'risk_levels', columns: ['dissonance_records.risk_level'], defaults: DEFAULT_RISK_LEVELS },
  guide_category: { module: 'telegram', table: 'guide_categories', columns: ['guides.category'], defaults: DEFAULT_GUIDE_CATEGORIES },
  guide_difficulty_level: { module: 'telegram', table: 'guide_difficulty_levels', columns: ['guides.difficulty_level'], defaults: DEFAULT_GUIDE_DIFFICULTY_LEVELS },
  broadcast_message_type: { module: 'telegram', table: 'broadcast_message_types', columns: ['broadcasts.message_type'], defaults: DEFAULT_BROADCAST_MESSAGE_TYPES },
} as const satisfies Record<string, VocabularyDefinition>);

/** The name of a host-owned vocabulary, e.g. `'guide_category'`. */
export type VocabularyName = keyof typeof VOCABULARIES;

/** The names of every host-owned vocabulary. */
export const VOCABULARY_NAMES = Object.freeze(Object.keys(VOCABULARIES) as VocabularyName[]);

/** A vocabulary's value type: its defaults autocomplete, any other value type-checks. */
export type VocabularyValue<V extends VocabularyName> = HostValue<(typeof VOCABULARIES)[V]['defaults'][number]>;

/** What a foreign key onto a lookup table guards: the vocabulary and the referencing column. */
export interface VocabularyReference {
  readonly vocabulary: VocabularyName;
  /** The referencing column. */
  readonly column: string;
}

/** Each lookup foreign key (`<table>_<column>_fkey`, as the migrations name them) and what it guards. */
const REFERENCES: ReadonlyMap<string, VocabularyReference> = new Map(
  VOCABULARY_NAMES.flatMap((vocabulary) =>
    VOCABULARIES[vocabulary].columns.map((qualified): [string, VocabularyReference] => {
      const [table, column] = qualified.split('.') as [string, string];
      return [`${table}_${column}_fkey`, { vocabulary, column }];
    }),
  ),
);

/** The vocabulary reference a foreign-key constraint guards, or undefined for any other constraint. */
export function vocabularyReference(constraint: string | undefined): VocabularyReference | undefined {
  return constraint === undefined ? undefined : REFERENCES.get(constraint);
}
