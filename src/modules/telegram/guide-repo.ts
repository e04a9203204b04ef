import { sql } from 'kysely';
import { SchemaKitNotFoundError } from '../../errors.js';
import type { Guide } from './tables.js';
import { type GuideCategory } from './values.js';
import { uuid, vocabularyValue } from '../../validation/common.js';
import { parseInput } from '../../validation/parse.js';
import { newGuideSchema, telegramPageSchema, type NewGuideInput } from './validation.js';
import { KeysetListing } from '../../repos/keyset.js';
import type { Page, PageOptions } from '../../repos/page.js';
import { repoContext, type Executor, type RepoContext, type RepoOptions } from '../../repos/repo-context.js';
import { run } from '../../repos/run.js';
import { saturatingAdd } from '../../repos/counters.js';
import { writtenInput } from '../../vocabulary/references.js';
import { telegramModule } from './descriptor.js';

/** The input 'guide' this repository writes, for the errors its vocabularies raise. */
const GUIDE_INPUT = writtenInput('guide', telegramModule);

const COLUMNS = ['id', 'title', 'description', 'content_url', 'category', 'tags', 'difficulty_level', 'views_count', 'is_active', 'created_at', 'updated_at'] as const;

/**
 * Educational guides on `guides`; the guides a user saved are {@link GuideCollectionRepo}'s.
 *
 * ### Examples
 * ```ts
 * const guides = new GuideRepo(db);
 * const g = await guides.create({ title: 'Refunds', category: 'reference', tags: ['basics'], content_url });
 * const { items, next } = await guides.listByCategory('reference', { limit: 10 });
 * ```
 */
export class GuideRepo {
  readonly #ctx: RepoContext;
  readonly #byCategory: KeysetListing<Guide>;

  /** Wraps the host's Kysely instance or transaction; `options.schema` defaults to `'schema_kit'`. */
  constructor(db: Executor, options?: RepoOptions) {
    this.#ctx = repoContext(db, options, this, 'guides');
    this.#byCategory = new KeysetListing(this.#ctx, { column: 'created_at', order: 'desc' }, (value) =>
      this.#ctx.db.selectFrom('guides').select(COLUMNS).where('category', '=', value('category')),
    );
  }

  /** Creates a guide. */
  async create(guide: NewGuideInput): Promise<Guide> {
    const row = parseInput(newGuideSchema, guide, 'guide');
    return run(this.#ctx.db.insertInto('guides').values(row).returning(COLUMNS).executeTakeFirstOrThrow(), GUIDE_INPUT);
  }

  /** The guide with this id, or undefined. */
  async get(id: string): Promise<Guide | undefined> {
    const guideId = parseInput(uuid, id, 'id');
    return run(this.#ctx.db.selectFrom('guides').select(COLUMNS).where('id', '=', guideId).executeTakeFirst());
  }

  /** One keyset page of the category's guides (inactive ones included), newest first. */
  async listByCategory(category: GuideCategory, options: PageOptions = {}): Promise<Page<Guide>> {
    const key = parseInput(vocabularyValue, category, 'category');
    const page = parseInput(telegramPageSchema, options, 'options');
    return this.#byCategory.page({ category: key }, page);
  }

  /** Counts one view of the guide (`views_count + 1`, atomic) and returns it; throws
   * {@link SchemaKitNotFoundError} for an unknown guide. */
  async countView(id: string): Promise<Guide> {
    const guideId = parseInput(uuid, id, 'id');
    const row = await run(
      this.#ctx.db.updateTable('guides').set({ views_count: saturatingAdd(sql.ref('views_count'), 1) }).where('id', '=', guideId).returning(COLUMNS).executeTakeFirst(),
    );
    if (!row) throw new SchemaKitNotFoundError('guides', `No guide ${guideId}.`);
    return row;
  }
}
