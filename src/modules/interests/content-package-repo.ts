import { SchemaKitNotFoundError } from '../../errors.js';
import type { ContentPackage } from './tables.js';
import type { ContentCategory } from './values.js';
import { uuid, vocabularyValue } from '../../validation/common.js';
import { parseInput } from '../../validation/parse.js';
import {
  contentPackageDefaultsSchema,
  contentPackagePatchSchema,
  newContentPackageSchema,
  packagePageSchema,
  packageSlugSchema,
  type ContentPackageDefaultsInput,
  type ContentPackagePatchInput,
  type NewContentPackageInput,
} from './validation.js';
import { KeysetListing } from '../../repos/keyset.js';
import type { Page, PageOptions } from '../../repos/page.js';
import { repoContext, type Executor, type RepoContext, type RepoOptions } from '../../repos/repo-context.js';
import { run } from '../../repos/run.js';
import { AGAIN, withRetries } from '../../repos/retry.js';
import { writtenInput, type WrittenInput } from '../../vocabulary/references.js';
import { interestsModule } from './descriptor.js';

/** The input 'contentPackage' this repository writes, for the errors its vocabularies raise. */
const CONTENT_PACKAGE_INPUT = writtenInput('contentPackage', interestsModule);
/** The input 'defaults' this repository writes, for the errors its vocabularies raise. */
const DEFAULTS_INPUT = writtenInput('defaults', interestsModule);
/** The input 'patch' this repository writes, for the errors its vocabularies raise. */
const PATCH_INPUT = writtenInput('patch', interestsModule);

/** The columns of a content package, as every method returns it. */
export const CONTENT_PACKAGE_COLUMNS = ['id', 'slug', 'title', 'description', 'category', 'package_type', 'is_active', 'created_at', 'updated_at'] as const;

/** The outcome of {@link ContentPackageRepo.getOrCreate}: the package, and whether this call created it. */
export interface GetOrCreatePackageResult {
  readonly package: ContentPackage;
  readonly created: boolean;
}

/**
 * Content packages (`content_packages`): what users can be interested in ({@link UserInterestRepo}).
 * `category` and `package_type` are host-owned vocabularies (`VocabularyRepo`).
 *
 * ### Examples
 * ```ts
 * const packages = new ContentPackageRepo(db);
 * const { package: course } = await packages.getOrCreate('intro-to-sql', { title: 'Intro to SQL', category: 'course', package_type: 'free' });
 * const { items, next } = await packages.listByCategory('course', { limit: 20 });
 * ```
 */
export class ContentPackageRepo {
  readonly #ctx: RepoContext;
  readonly #byCategory: KeysetListing<ContentPackage>;

  /** Wraps the host's Kysely instance or transaction; `options.schema` defaults to `'schema_kit'`. */
  constructor(db: Executor, options?: RepoOptions) {
    this.#ctx = repoContext(db, options, this, 'content_packages');
    this.#byCategory = new KeysetListing(this.#ctx, { column: 'created_at', order: 'desc' }, (value, has) => {
      const query = this.#ctx.db.selectFrom('content_packages').select(CONTENT_PACKAGE_COLUMNS).where('category', '=', value('category'));
      return has('is_active') ? query.where('is_active', '=', value('is_active')) : query;
    });
  }

  /** Creates a package; a taken `slug` throws `SchemaKitConflictError` (`content_packages_slug_key`). */
  async create(contentPackage: NewContentPackageInput): Promise<ContentPackage> {
    const row = parseInput(newContentPackageSchema, contentPackage, 'contentPackage');
    return run(this.#ctx.db.insertInto('content_packages').values(row).returning(CONTENT_PACKAGE_COLUMNS).executeTakeFirstOrThrow(), CONTENT_PACKAGE_INPUT);
  }

  /**
   * The package with this slug, created from `defaults` when there is none, without a
   * check-then-insert race: concurrent callers with one slug create one package
   * (INSERT ... ON CONFLICT DO NOTHING, then read). An existing package is returned unchanged.
   */
  async getOrCreate(slug: string, defaults: ContentPackageDefaultsInput): Promise<GetOrCreatePackageResult> {
    const key = parseInput(packageSlugSchema, slug, 'slug');
    const row = parseInput(contentPackageDefaultsSchema, defaults, 'defaults');
    return withRetries('ContentPackageRepo.getOrCreate', async () => {
      const inserted = await run(
        this.#ctx.db
          .insertInto('content_packages')
          .values({ ...row, slug: key })
          .onConflict((oc) => oc.column('slug').doNothing())
          .returning(CONTENT_PACKAGE_COLUMNS)
          .executeTakeFirst(),
        DEFAULTS_INPUT,
      );
      if (inserted) return { package: inserted, created: true };
      const existing = await this.#find('slug', key);
      if (existing) return { package: existing, created: false };
      return AGAIN; // the conflicting package was deleted in between: insert again
    });
  }

  /** The package with this id, or undefined. */
  async get(id: string): Promise<ContentPackage | undefined> {
    return this.#find('id', parseInput(uuid, id, 'id'));
  }

  /** The package with this slug, or undefined. */
  async getBySlug(slug: string): Promise<ContentPackage | undefined> {
    return this.#find('slug', parseInput(packageSlugSchema, slug, 'slug'));
  }

  /** Changes the given fields and returns the package; throws {@link SchemaKitNotFoundError} for an unknown package. */
  async update(id: string, patch: ContentPackagePatchInput): Promise<ContentPackage> {
    const packageId = parseInput(uuid, id, 'id');
    return this.#update(packageId, parseInput(contentPackagePatchSchema, patch, 'patch'), PATCH_INPUT);
  }

  /** Deactivates the package (it leaves the default listings; interests in it stay); returns it.
   * Throws {@link SchemaKitNotFoundError} for an unknown package. */
  async deactivate(id: string): Promise<ContentPackage> {
    return this.#update(parseInput(uuid, id, 'id'), { is_active: false });
  }

  /** One keyset page of the category's active packages (all with `includeInactive`), newest first. */
  async listByCategory(category: ContentCategory, options: PageOptions & { includeInactive?: boolean } = {}): Promise<Page<ContentPackage>> {
    const key = parseInput(vocabularyValue, category, 'category');
    const { includeInactive, ...page } = parseInput(packagePageSchema, options, 'options');
    return this.#byCategory.page({ category: key, is_active: includeInactive ? undefined : true }, page);
  }

  #find(column: 'id' | 'slug', value: string): Promise<ContentPackage | undefined> {
    return run(this.#ctx.db.selectFrom('content_packages').select(CONTENT_PACKAGE_COLUMNS).where(column, '=', value).executeTakeFirst());
  }

  async #update(id: string, values: ContentPackagePatchInput, input?: WrittenInput): Promise<ContentPackage> {
    const row = await run(
      this.#ctx.db.updateTable('content_packages').set(values).where('id', '=', id).returning(CONTENT_PACKAGE_COLUMNS).executeTakeFirst(),
      input,
    );
    if (!row) throw new SchemaKitNotFoundError('content_packages', `No content package ${id}.`);
    return row;
  }
}
