import { sql } from 'kysely';
import type { JsonValue } from '../../schema/column-types.js';
import type { DissonanceRecord } from './tables.js';
import type { RiskLevel } from './values.js';
import { uuid } from '../../validation/common.js';
import { dissonanceQuerySchema, insightsPageSchema, newDissonanceSchema, type NewDissonanceInput } from './validation.js';
import { parseInput } from '../../validation/parse.js';
import { KeysetListing } from '../../repos/keyset.js';
import type { Page, PageOptions } from '../../repos/page.js';
import { repoContext, type Executor, type RepoContext, type RepoOptions } from '../../repos/repo-context.js';
import { run } from '../../repos/run.js';
import { writtenInput } from '../../vocabulary/references.js';
import { insightsModule } from './descriptor.js';

/** The input 'record' this repository writes, for the errors its vocabularies raise. */
const RECORD_INPUT = writtenInput('record', insightsModule);

/** Options of {@link DissonanceRepo.list}. */
export interface DissonanceQuery extends PageOptions {
  /** Only records of this risk level, or of one of these. */
  readonly risk_level?: RiskLevel | readonly RiskLevel[];
  /** Only records scoring at least this (0 to 1). */
  readonly min_score?: number;
}

const COLUMNS = ['id', 'user_id', 'conversation_id', 'transcript', 'emotions', 'interpretation', 'dissonance_score', 'risk_level', 'created_at'] as const;

/**
 * Scored detections of dissonance in what users said (`dissonance_records`), queried by risk
 * level and score.
 *
 * ### Examples
 * ```ts
 * const dissonance = new DissonanceRepo(db);
 * await dissonance.record({ user_id, conversation_id, dissonance_score: 0.92, risk_level: 'high', emotions: { fear: 0.7 } });
 * const { items } = await dissonance.list({ risk_level: ['high', 'critical'], min_score: 0.8 }); // highest score first
 * ```
 */
export class DissonanceRepo {
  readonly #ctx: RepoContext;
  readonly #all: KeysetListing<DissonanceRecord>;
  readonly #forUser: KeysetListing<DissonanceRecord>;

  /** Wraps the host's Kysely instance or transaction; `options.schema` defaults to `'schema_kit'`. */
  constructor(db: Executor, options?: RepoOptions) {
    this.#ctx = repoContext(db, options, this, 'dissonance_records');
    const records = () => this.#ctx.db.selectFrom('dissonance_records').select(COLUMNS);
    this.#all = new KeysetListing(this.#ctx, { column: 'dissonance_score', order: 'desc' }, (value, has) => {
      let query = records();
      if (has('risk_levels')) query = query.where('risk_level', '=', sql<RiskLevel>`any(${value('risk_levels')}::text[])`);
      return has('min_score') ? query.where('dissonance_score', '>=', value('min_score')) : query;
    });
    this.#forUser = new KeysetListing(this.#ctx, { column: 'created_at', order: 'desc' }, (value) =>
      records().where('user_id', '=', value('user_id')),
    );
  }

  /** Records a detection; `emotions` is any JSON (null or left out: none). */
  async record(record: NewDissonanceInput): Promise<DissonanceRecord> {
    const { emotions, ...row } = parseInput(newDissonanceSchema, record, 'record');
    return run(
      this.#ctx.db
        .insertInto('dissonance_records')
        .values({ ...row, emotions: emotions === undefined || emotions === null ? null : (JSON.stringify(emotions) as unknown as JsonValue) })
        .returning(COLUMNS)
        .executeTakeFirstOrThrow(),
      RECORD_INPUT,
    );
  }

  /** One keyset page of the records of the given risk level(s) scoring at least `min_score`,
   * highest score first. */
  async list(options: DissonanceQuery = {}): Promise<Page<DissonanceRecord>> {
    const { risk_level, min_score, ...page } = parseInput(dissonanceQuerySchema, options, 'options');
    return this.#all.page({ risk_levels: risk_level === undefined ? undefined : [risk_level].flat(), min_score }, page);
  }

  /** One keyset page of the user's records, newest first. */
  async listForUser(userId: string, options: PageOptions = {}): Promise<Page<DissonanceRecord>> {
    const user_id = parseInput(uuid, userId, 'userId');
    const page = parseInput(insightsPageSchema, options, 'options');
    return this.#forUser.page({ user_id }, page);
  }
}
