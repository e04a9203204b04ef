import { z } from 'zod';
import { SchemaKitDatabaseError, SchemaKitNotFoundError, SchemaKitValidationError } from './errors.js';
import { freeText, vocabularyValue } from './validation/common.js';
import { parseInput } from './validation/parse.js';
import { PreparedSql } from './repos/prepared.js';
import { qualifiedTable, repoContext, type Executor, type RepoContext, type RepoOptions } from './repos/repo-context.js';
import { runPrepared } from './repos/prepared.js';
import { VOCABULARIES, VOCABULARY_NAMES, type VocabularyName, type VocabularyValue } from './modules.js';
import type { VocabularyEntry } from './vocabulary/types.js';

const vocabularyName = z.string().refine((name) => (VOCABULARY_NAMES as readonly string[]).includes(name), {
  message: `must be one of: ${VOCABULARY_NAMES.join(', ')}`,
});
const addOptions = z.object({ description: freeText(2000).nullable().optional() }).strict();

/** The outcome of {@link VocabularyRepo.add}. */
export interface AddVocabularyValueResult {
  readonly entry: VocabularyEntry;
  /** False when the value was already there (nothing was written). */
  readonly created: boolean;
}

/**
 * The host-owned vocabularies (`VOCABULARIES`): guide and content categories, change sources,
 * levels, kinds. Each is a lookup table its column references by a foreign key; this repository
 * adds a host's values and lists them. A host may instead INSERT in its own migration.
 *
 * ### Examples
 * ```ts
 * const vocabularies = new VocabularyRepo(db);
 * await vocabularies.add('guide_category', 'billing', { description: 'invoices and payments' });
 * await new GuideRepo(db).create({ title: 'Refunds', category: 'billing' });
 * ```
 */
export class VocabularyRepo {
  readonly #ctx: RepoContext;
  readonly #sql = new Map<VocabularyName, { insert: PreparedSql; select: PreparedSql; list: PreparedSql }>();

  /** Wraps the host's Kysely instance or transaction; `options.schema` defaults to `'schema_kit'`. */
  constructor(db: Executor, options?: RepoOptions) {
    this.#ctx = repoContext(db, options);
  }

  /**
   * Adds `value` to the vocabulary; idempotent (an existing value is returned as it is, its
   * description untouched). The vocabulary's module must be installed.
   */
  async add<V extends VocabularyName>(vocabulary: V, value: VocabularyValue<V>, options: { description?: string | null } = {}): Promise<AddVocabularyValueResult> {
    const statements = this.#statements(vocabulary);
    const name = parseInput(vocabularyValue, value, 'value');
    const { description = null } = parseInput(addOptions, options, 'options');
    const [inserted] = await this.#run(vocabulary, statements.insert, [name, description]);
    if (inserted) return { entry: inserted, created: true };
    const [existing] = await this.#run(vocabulary, statements.select, [name]);
    // schema-kit never deletes a value; a host that deletes it meanwhile gets a clear error
    if (!existing) throw new SchemaKitNotFoundError(VOCABULARIES[vocabulary].table, `${name} was removed from ${vocabulary} while being added.`);
    return { entry: existing, created: false };
  }

  /** Every value of the vocabulary, by name. */
  async list(vocabulary: VocabularyName): Promise<VocabularyEntry[]> {
    return this.#run(vocabulary, this.#statements(vocabulary).list, []);
  }

  /** Whether `value` is in the vocabulary. */
  async has<V extends VocabularyName>(vocabulary: V, value: VocabularyValue<V>): Promise<boolean> {
    const statements = this.#statements(vocabulary);
    const name = parseInput(vocabularyValue, value, 'value');
    return (await this.#run(vocabulary, statements.select, [name])).length > 0;
  }

  /** Runs a statement on the vocabulary's table; a table that does not exist means its module is
   * not installed, which the error says. */
  async #run(vocabulary: VocabularyName, statement: PreparedSql, parameters: readonly unknown[]): Promise<VocabularyEntry[]> {
    try {
      return await runPrepared<VocabularyEntry>(this.#ctx, statement, parameters);
    } catch (error) {
      if (!(error instanceof SchemaKitDatabaseError) || error.sqlState !== '42P01') throw error;
      const { module, table } = VOCABULARIES[vocabulary];
      throw new SchemaKitValidationError('vocabulary', `${vocabulary} is kept in ${table}, which module ${module} creates: it is not installed in schema ${this.#ctx.schema}`, undefined, { cause: error });
    }
  }

  #statements(vocabulary: VocabularyName): { insert: PreparedSql; select: PreparedSql; list: PreparedSql } {
    const known = this.#sql.get(vocabulary);
    if (known) return known;
    const name = parseInput(vocabularyName, vocabulary, 'vocabulary') as VocabularyName;
    const table = qualifiedTable(this.#ctx, VOCABULARIES[name].table);
    const columns = 'name, description, created_at';
    const statements = {
      insert: new PreparedSql(`insert into ${table} (name, description) values ($1, $2) on conflict (name) do nothing returning ${columns}`),
      select: new PreparedSql(`select ${columns} from ${table} where name = $1`),
      list: new PreparedSql(`select ${columns} from ${table} order by name`),
    };
    this.#sql.set(name, statements);
    return statements;
  }
}
