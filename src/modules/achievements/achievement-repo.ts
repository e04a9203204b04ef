import { sql } from 'kysely';
import type { Achievement } from './tables.js';
import { type AchievementCategory } from './values.js';
import { achievementDefinitionSchema, achievementPageSchema, achievementSlugSchema, type AchievementDefinitionInput } from './validation.js';
import { uuid, vocabularyValue } from '../../validation/common.js';
import { parseInput } from '../../validation/parse.js';
import { KeysetListing } from '../../repos/keyset.js';
import type { Page, PageOptions } from '../../repos/page.js';
import { repoContext, type Executor, type RepoContext, type RepoOptions } from '../../repos/repo-context.js';
import { retryLostInsertRace } from '../../repos/retry.js';
import { run } from '../../repos/run.js';
import { writtenInput } from '../../vocabulary/references.js';
import { achievementsModule } from './descriptor.js';

/** The input 'definition' this repository writes, for the errors its vocabularies raise. */
const DEFINITION_INPUT = writtenInput('definition', achievementsModule);

/** The outcome of {@link AchievementRepo.define}: the achievement, and whether this call created it. */
export interface DefineAchievementResult {
  readonly achievement: Achievement;
  readonly created: boolean;
}

const COLUMNS = [
  'id', 'name', 'slug', 'title', 'description', 'category', 'requirement_value', 'requirement_description', 'icon_url',
  'badge_color', 'is_hidden', 'is_repeatable', 'points', 'display_order', 'is_active', 'created_at', 'updated_at',
] as const;

/** The columns a definition sets: all but the key and the timestamps. */
const DEFINED = [
  'name', 'title', 'description', 'category', 'requirement_value', 'requirement_description', 'icon_url', 'badge_color',
  'is_hidden', 'is_repeatable', 'points', 'display_order', 'is_active',
] as const;

/**
 * Achievement definitions on `achievements` (unique slug and name); a user's progress on them is
 * {@link UserAchievementRepo}'s.
 *
 * ### Examples
 * ```ts
 * const achievements = new AchievementRepo(db);
 * await achievements.define({ slug: 'first-exercise', name: 'First exercise', title: 'Off you go', category: 'exercise', requirement_value: 1, points: 10 });
 * const { items } = await achievements.listByCategory('exercise');
 * ```
 */
export class AchievementRepo {
  readonly #ctx: RepoContext;
  readonly #byCategory: KeysetListing<Achievement>;

  /** Wraps the host's Kysely instance or transaction; `options.schema` defaults to `'schema_kit'`. */
  constructor(db: Executor, options?: RepoOptions) {
    this.#ctx = repoContext(db, options, this, 'achievements');
    this.#byCategory = new KeysetListing(this.#ctx, { column: 'display_order', order: 'asc' }, (value) =>
      this.#ctx.db.selectFrom('achievements').select(COLUMNS).where('category', '=', value('category')),
    );
  }

  /**
   * Creates the achievement, or redefines the one with this slug, in one statement (INSERT ... ON
   * CONFLICT (slug) DO UPDATE): the stored definition becomes exactly the given one, fields left
   * out taking their defaults. Safe to run at every start-up, from any number of replicas at once:
   * a replica that loses the race to insert the same definition updates the winner's row (the
   * upsert's arbiter is the slug; the unique name, checked too, can only be retried).
   */
  async define(definition: AchievementDefinitionInput): Promise<DefineAchievementResult> {
    const row = parseInput(achievementDefinitionSchema, definition, 'definition');
    const upsert = (db: Executor) =>
      db
        .insertInto('achievements')
        .values(row)
        .onConflict((oc) => oc.column('slug').doUpdateSet((eb) => Object.fromEntries(DEFINED.map((c) => [c, eb.ref(`excluded.${c}`)]))))
        .returning([...COLUMNS, sql<boolean>`xmax = 0`.as('created')])
        .executeTakeFirstOrThrow();
    const { created, ...achievement } = await retryLostInsertRace(
      this.#ctx.db,
      upsert,
      // the name was taken by a concurrent definition of this same slug, now committed: update it
      async (error) => error.constraint === 'achievements_name_key' && (await this.findBySlug(row.slug)) !== undefined,
      DEFINITION_INPUT,
    );
    return { achievement, created };
  }

  /** The achievement with this id, or undefined. */
  async get(id: string): Promise<Achievement | undefined> {
    const achievementId = parseInput(uuid, id, 'id');
    return run(this.#ctx.db.selectFrom('achievements').select(COLUMNS).where('id', '=', achievementId).executeTakeFirst());
  }

  /** The achievement with this slug, or undefined. */
  async findBySlug(slug: string): Promise<Achievement | undefined> {
    const key = parseInput(achievementSlugSchema, slug, 'slug');
    return run(this.#ctx.db.selectFrom('achievements').select(COLUMNS).where('slug', '=', key).executeTakeFirst());
  }

  /** One keyset page of the category's achievements (hidden and inactive ones included), by `display_order`. */
  async listByCategory(category: AchievementCategory, options: PageOptions = {}): Promise<Page<Achievement>> {
    const key = parseInput(vocabularyValue, category, 'category');
    const page = parseInput(achievementPageSchema, options, 'options');
    return this.#byCategory.page({ category: key }, page);
  }
}
