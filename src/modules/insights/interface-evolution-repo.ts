import { sql } from 'kysely';
import type { JsonValue } from '../../schema/column-types.js';
import type { InterfaceEvolution } from './tables.js';
import { uuid } from '../../validation/common.js';
import { insightsPageSchema, interfaceChangesSchema } from './validation.js';
import { parseInput } from '../../validation/parse.js';
import { KeysetListing } from '../../repos/keyset.js';
import type { Page, PageOptions } from '../../repos/page.js';
import { repoContext, run, type Executor, type RepoContext, type RepoOptions } from '../../repos/repo-context.js';

const COLUMNS = ['id', 'user_id', 'version', 'changes', 'created_at'] as const;

/**
 * The versioned changes to each user's interface (`interface_evolution_log`): every record gets
 * the user's next version (1, 2, 3, ...), distinct and increasing even under concurrent records.
 *
 * ### Examples
 * ```ts
 * const evolution = new InterfaceEvolutionRepo(db);
 * const v = await evolution.record(userId, { theme: 'dark', hints: 'fewer' });  // v.version: 1, 2, ...
 * const current = await evolution.latest(userId);
 * ```
 */
export class InterfaceEvolutionRepo {
  readonly #ctx: RepoContext;
  readonly #history: KeysetListing<InterfaceEvolution>;

  /** Wraps the host's Kysely instance or transaction; `options.schema` defaults to `'schema_kit'`. */
  constructor(db: Executor, options?: RepoOptions) {
    this.#ctx = repoContext(db, options);
    // versions are unique per user: the version is the whole key
    this.#history = new KeysetListing(this.#ctx, { column: 'version', order: 'desc', unique: true }, (value) =>
      this.#ctx.db.selectFrom('interface_evolution_log').select(COLUMNS).where('user_id', '=', value('user_id')),
    );
  }

  /**
   * Records `changes` (any JSON) as the user's next version: one INSERT ... SELECT max(version) + 1
   * ... ON CONFLICT DO NOTHING, repeated when a concurrent record took that version (no error,
   * so a host transaction is never aborted by the race).
   */
  async record(userId: string, changes: unknown): Promise<InterfaceEvolution> {
    const user_id = parseInput(uuid, userId, 'userId');
    const json = JSON.stringify(parseInput(interfaceChangesSchema, changes, 'changes')) as unknown as JsonValue;
    for (;;) {
      const row = await run(
        this.#ctx.db
          .insertInto('interface_evolution_log')
          .columns(['user_id', 'version', 'changes'])
          .expression((eb) =>
            eb
              .selectFrom('interface_evolution_log')
              .select([
                sql<string>`${user_id}::uuid`.as('user_id'),
                sql<number>`coalesce(max(version), 0) + 1`.as('version'),
                sql<JsonValue>`${json}::jsonb`.as('changes'),
              ])
              .where('user_id', '=', user_id),
          )
          .onConflict((oc) => oc.columns(['user_id', 'version']).doNothing())
          .returning(COLUMNS)
          .executeTakeFirst(),
      );
      if (row) return row;
    }
  }

  /** The user's latest version, or undefined when none was recorded. */
  async latest(userId: string): Promise<InterfaceEvolution | undefined> {
    const user_id = parseInput(uuid, userId, 'userId');
    return run(
      this.#ctx.db.selectFrom('interface_evolution_log').select(COLUMNS).where('user_id', '=', user_id).orderBy('version', 'desc').limit(1).executeTakeFirst(),
    );
  }

  /** One keyset page of the user's versions, newest first. */
  async history(userId: string, options: PageOptions = {}): Promise<Page<InterfaceEvolution>> {
    const user_id = parseInput(uuid, userId, 'userId');
    const page = parseInput(insightsPageSchema, options, 'options');
    return this.#history.page({ user_id }, page);
  }
}
