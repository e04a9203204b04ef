import type { EventLogEntry } from './tables.js';
import { parseInput } from '../../validation/parse.js';
import { idText } from '../../validation/common.js';
import { eventListParameters, eventPageSchema, eventParameters, newEventSchema, personalFieldListSchema, streamOptionsSchema, type EventParameters, type NewEvent, type PersonalField } from './validation.js';
import { toPage, type Page, type PageOptions } from '../../repos/page.js';
import { qualifiedTable, repoContext, type Executor, type RepoContext, type RepoOptions } from '../../repos/repo-context.js';
import { run } from '../../repos/run.js';
import { runPrepared } from '../../repos/prepared.js';
import { retryPartitionRace } from '../../repos/retry.js';
import { PreparedSql } from '../../repos/prepared.js';
import { plannedText } from '../../repos/planned.js';
import { sleep } from '../../repos/sleep.js';
import { coalesced, coalescerFor, runBatch } from '../../repos/group-commit.js';
import type { Coalescer } from '../../repos/coalescer.js';

/** An event read by {@link EventLogRepo.stream}: the row plus its `position` in the global feed. */
export type StreamedEvent = EventLogEntry & {
  /** `<tx_id>:<id>`: pass the last one seen as `after` to resume with nothing skipped. */
  readonly position: string;
};

/** Page options of the event listings: newest first by default. */
export interface EventPageOptions extends PageOptions {
  readonly order?: 'asc' | 'desc';
}

/** Options of {@link EventLogRepo.stream}. */
export interface StreamOptions {
  /** Resume after this `position` (from a streamed event); default: the beginning. */
  readonly after?: string;
  /** Rows read per query (memory stays bounded by it). Default 500. */
  readonly batchSize?: number;
  /** Keep polling for new events instead of ending when caught up. Default false. */
  readonly follow?: boolean;
  /** Pause between polls when following, in ms. Default 500. */
  readonly pollIntervalMs?: number;
  /** Ends a following stream. */
  readonly signal?: AbortSignal;
}

const COLUMNS = ['id', 'user_id', 'action', 'entity_type', 'entity_id', 'timestamp', 'details', 'created_at', 'tx_id'] as const;
const COLUMN_LIST = COLUMNS.map((c) => `"${c}"`).join(', ');

/** What a listing page filters on: an entity, or a user. */
type Match = { entity_type: string; entity_id: string } | { user_id: string };

// built once: building a zod schema costs far more than parsing with it
const entityTypeSchema = idText(128);
const userIdSchema = idText(512);

/**
 * The append-only audit trail on `event_log`: append in the caller's transaction, read pages by
 * entity or user, and stream the global feed without ever skipping a late-committing event.
 *
 * ### Examples
 * ```ts
 * const events = new EventLogRepo(trx);
 * await events.append({ user_id: 'tg:42', action: 'feature.status_changed', entity_type: 'feature', entity_id: id, details: { to: 'done' } });
 * const { items, next } = await events.listByEntity('feature', id, { limit: 20 });
 * ```
 */
export class EventLogRepo {
  readonly #ctx: RepoContext;
  readonly #table: string;
  readonly #append: PreparedSql;
  readonly #appendMany: PreparedSql;
  readonly #stream: PreparedSql;
  /** Group commit of append on createSchemaKit's db (repos/group-commit.ts); undefined elsewhere. */
  readonly #appends: Coalescer<EventParameters, EventLogEntry> | undefined;
  /** The listing statements, one per shape (filter, order, with or without a cursor), built on first use. */
  readonly #pages = new Map<string, PreparedSql>();

  /** Wraps the host's Kysely instance or transaction; `options.schema` defaults to `'schema_kit'`. */
  constructor(db: Executor, options?: RepoOptions) {
    this.#ctx = repoContext(db, options, this, 'event_log');
    const table = (this.#table = qualifiedTable(this.#ctx, 'event_log'));
    this.#append = new PreparedSql(
      `insert into ${table} (user_id, action, entity_type, entity_id, details, "timestamp") values ($1, $2, $3, $4, $5, coalesce($6::timestamptz, now())) returning ${COLUMN_LIST}`,
    );
    this.#appendMany = new PreparedSql(
      `insert into ${table} (user_id, action, entity_type, entity_id, details, "timestamp") ` +
        'select user_id, action, entity_type, entity_id, details, coalesce(ts, now()) ' +
        'from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::timestamptz[]) with ordinality as t(user_id, action, entity_type, entity_id, details, ts, n) ' +
        `order by n returning ${COLUMN_LIST}`,
    );
    // concurrent appends share appendMany's statement: one transaction, rows in arrival order
    this.#appends = coalescerFor(this.#ctx, 'append', () => ({
      one: (parameters) => this.#appendOne(parameters),
      many: (rows) => retryPartitionRace(this.#ctx.plain, 'append', () => runBatch<EventLogEntry>(this.#ctx, this.#appendMany, columnsOf(rows))),
    }));
    this.#stream = new PreparedSql(
      // the server writes `position`: cheaper than adding a property to every row in JS
      `select ${COLUMN_LIST}, tx_id::text || ':' || id::text as position from ${table} ` +
        `where (tx_id, id) > ${plannedText('$1::xid8, $2::bigint')} and tx_id < pg_snapshot_xmin(pg_current_snapshot()) order by tx_id, id limit $3`,
    );
  }

  /** Appends one event and returns the stored row. */
  async append(event: NewEvent): Promise<EventLogEntry> {
    return coalesced(this.#appends, eventParameters(event, 'event'), (parameters) => this.#appendOne(parameters));
  }

  async #appendOne(parameters: EventParameters): Promise<EventLogEntry> {
    const rows = await retryPartitionRace(this.#ctx.plain, 'append', () => runPrepared<EventLogEntry>(this.#ctx, this.#append, parameters));
    return rows[0]!;
  }

  /** Appends many events in one statement, whatever their number, and returns the rows in input order. */
  async appendMany(events: readonly NewEvent[]): Promise<EventLogEntry[]> {
    const rows = eventListParameters(events, 'events');
    if (rows.length === 0) return [];
    return retryPartitionRace(this.#ctx.plain, 'appendMany', () => runPrepared<EventLogEntry>(this.#ctx, this.#appendMany, columnsOf(rows)));
  }

  /**
   * Declares JSON fields of event details that carry personal data (a name, an email, a message
   * text), per action or `'*'` for every action: when a user is forgotten (`forgetUser`), these
   * fields of the user's events are replaced by the pseudonym. Idempotent; returns how many were new.
   */
  async declarePersonalFields(fields: readonly PersonalField[]): Promise<number> {
    const rows = parseInput(personalFieldListSchema, fields, 'fields');
    if (rows.length === 0) return 0;
    const result = await run(
      this.#ctx.db
        .insertInto('event_log_personal_fields')
        .values(rows.map((f) => ({ action: f.action, path: f.path })))
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst(),
    );
    return Number(result.numInsertedOrUpdatedRows ?? 0);
  }

  /** One keyset page of the events of an entity, newest first unless `order: 'asc'`. */
  async listByEntity(entityType: string, entityId: string | number, options: EventPageOptions = {}): Promise<Page<EventLogEntry>> {
    const type = parseInput(entityTypeSchema, entityType, 'entityType');
    const id = parseInput(newEventSchema.shape.entity_id, entityId, 'entityId');
    return this.#page({ entity_type: type, entity_id: id }, options);
  }

  /** One keyset page of the events of a user, newest first unless `order: 'asc'`. */
  async listByUser(userId: string, options: EventPageOptions = {}): Promise<Page<EventLogEntry>> {
    const user = parseInput(userIdSchema, userId, 'userId');
    return this.#page({ user_id: user }, options);
  }

  /**
   * Reads the global feed in commit-safe order, in batches: it only reads events of transactions
   * older than every transaction still running, so an event whose transaction commits late is
   * yielded once it commits, never skipped. Memory stays bounded by `batchSize`. Transaction ids
   * are server-wide: a transaction left open anywhere on the server, in any database, holds the
   * feed back until it ends. Each event is the driver's row itself (`position` computed by the
   * server): no copy.
   */
  async *stream(options: StreamOptions = {}): AsyncGenerator<StreamedEvent, void, undefined> {
    const { after, batchSize, follow, pollIntervalMs, signal } = parseInput(streamOptionsSchema, options, 'options');
    let [tx, id] = (after ?? '0:0').split(':') as [string, string];
    while (!signal?.aborted) {
      const rows = await runPrepared<StreamedEvent>(this.#ctx, this.#stream, [tx, id, batchSize]);
      for (const row of rows) yield row;
      const last = rows.at(-1);
      if (last) [tx, id] = [last.tx_id, last.id];
      if (rows.length < batchSize) {
        if (!follow) return;
        await sleep(pollIntervalMs, signal);
      }
    }
  }

  async #page(match: Match, options: EventPageOptions): Promise<Page<EventLogEntry>> {
    const { after, limit, order } = parseInput(eventPageSchema, options, 'options');
    const keys = 'user_id' in match ? [match.user_id] : [match.entity_type, match.entity_id];
    const parameters = after ? [...keys, after, limit + 1] : [...keys, limit + 1];
    const rows = await runPrepared<EventLogEntry>(this.#ctx, this.#pageSql('user_id' in match ? 'user' : 'entity', order, Boolean(after)), parameters);
    return toPage(rows, limit, (row) => row.id);
  }

  /** The listing statement of one shape: by entity or user, in `order`, after a cursor or from the start. */
  #pageSql(by: 'entity' | 'user', order: 'asc' | 'desc', cursor: boolean): PreparedSql {
    const shape = `${by}:${order}:${cursor}`;
    let statement = this.#pages.get(shape);
    if (!statement) {
      const filter = by === 'user' ? [`user_id = ${plannedText('$1::text')}`] : [`entity_type = ${plannedText('$1::text')}`, `entity_id = ${plannedText('$2::text')}`];
      if (cursor) filter.push(`id ${order === 'desc' ? '<' : '>'} ${plannedText(`$${filter.length + 1}::bigint`)}`);
      statement = new PreparedSql(`select ${COLUMN_LIST} from ${this.#table} where ${filter.join(' and ')} order by id ${order} limit $${filter.length + 1}`);
      this.#pages.set(shape, statement);
    }
    return statement;
  }
}

/** Events' parameters as appendMany binds them: one array per column, for unnest. */
function columnsOf(rows: readonly EventParameters[]): unknown[][] {
  return rows[0]!.map((_, column) => rows.map((row) => row[column]));
}
