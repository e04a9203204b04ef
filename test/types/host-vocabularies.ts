// Type test, compiled by test/types/types.test.ts (tsc --strict, against the built package): a
// host-owned vocabulary takes the host's own values where its defaults autocomplete.
import type { Kysely } from 'kysely';
import {
  ContentPackageRepo,
  GuideRepo,
  RoleChangeLogRepo,
  VocabularyRepo,
  type ChangeSource,
  type ContentCategory,
  type Database,
  type DefaultGuideCategory,
  type GuideCategory,
  type RiskLevel,
  type SkillLevel,
} from 'schema-kit';

declare const db: Kysely<Database>;

// The defaults are a union of literals (what the editor offers), not a bare string...
type IsLiteralUnion<T> = string extends T ? false : true;
export const defaultsAreLiterals: IsLiteralUnion<DefaultGuideCategory> = true;
export const aDefault: GuideCategory = 'how_to';
// ...and a host's own value type-checks in the same place.
export const hostCategory: GuideCategory = 'billing';
export const hostSource: ChangeSource = 'telegram';
export const hostContent: ContentCategory = 'podcast';
export const hostLevels: [SkillLevel, RiskLevel] = ['guru', 'existential'];
// @ts-expect-error -- still a string column: a number is refused
export const notAString: GuideCategory = 42;

export async function hostVocabulary(): Promise<void> {
  const vocabularies = new VocabularyRepo(db);
  await vocabularies.add('guide_category', 'billing', { description: 'invoices and refunds' });
  await vocabularies.add('content_category', 'podcast');
  await vocabularies.add('change_source', 'telegram');
  // @ts-expect-error -- not a vocabulary
  await vocabularies.add('guide_categorie', 'billing');
  await new GuideRepo(db).create({ title: 'Refunds', category: 'billing' });
  await new GuideRepo(db).listByCategory('billing');
  await new ContentPackageRepo(db).getOrCreate('weekly', { title: 'Weekly', category: 'podcast', package_type: 'free' });
  await new RoleChangeLogRepo(db).record({ user_id: 'u', new_role: 'admin', changed_by: 'tg:1', change_source: 'telegram' });
}
