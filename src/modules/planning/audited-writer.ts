/** Audited writes of the planning repositories: each change, with its event appended to the audit module's event_log in one transaction. */
import type { Transaction } from 'kysely';
import { z } from 'zod';
import { sqlStateOf } from '../../database-errors.js';
import { SchemaKitError, SchemaKitValidationError } from '../../errors.js';
import type { Database } from '../../schema/database.js';
import { parseInput } from '../../validation/parse.js';
import { EventLogRepo } from '../audit/index.js';
import { inTransaction } from '../../repos/transaction.js';
import { repoContext, type Executor, type RepoContext, type RepoOptions, type ScopedExecutor } from '../../repos/repo-context.js';
import { run } from '../../repos/run.js';
import { retryPartitionRace } from '../../repos/retry.js';

/** Options of the planning repositories: the schema, and whether changes are audited. */
export interface AuditedRepoOptions extends RepoOptions {
  /**
   * Append an event to `event_log` for every change, in the change's transaction. Default true.
   * The planning module does not depend on the audit module: install `audit` too, or pass
   * `audit: false`.
   */
  readonly audit?: boolean;
}

/** Options of a planning change. */
export interface ChangeOptions {
  /** Who makes the change: the event's `user_id`. Required while the repository audits. */
  readonly actor?: string;
}

/** The event a change appends: `details` holds `before` (null for a creation) and `after`. */
interface ChangeEvent {
  readonly action: string;
  readonly entity_type: string;
  readonly entity_id: string;
  readonly details: { readonly before: Record<string, unknown> | null; readonly after: Record<string, unknown> };
}

/** One change: how to read the state it replaces (only when auditing), write it, and describe it. */
export interface Change<T, B> {
  /** Reads and locks the state the change replaces; run only when auditing. */
  readonly before?: (trx: Transaction<Database>) => Promise<B | undefined>;
  /** Writes the change and returns the written row (throws when there is none). */
  readonly write: (db: ScopedExecutor) => Promise<T>;
  /** The event of the written row. */
  readonly event: (row: T, before: B | undefined) => ChangeEvent;
}

/** Writes the changes of an audited repository: alone, or with their event in one transaction. */
export class AuditedWriter {
  readonly #ctx: RepoContext;
  readonly #audit: boolean;

  /** Writes in `ctx`; `audit` (default true) is the repository's option, validated here. */
  constructor(ctx: RepoContext, audit: unknown) {
    this.#ctx = ctx;
    this.#audit = parseInput(z.boolean(), audit ?? true, 'options.audit');
  }

  /**
   * Runs `change`: when auditing, with its event in one transaction (a savepoint inside the
   * host's), else as its statement alone. Checks the actor before any SQL.
   */
  async write<T, B>(actor: string | undefined, change: Change<T, B>): Promise<T> {
    if (!this.#audit) return run(change.write(this.#ctx.db));
    if (actor === undefined) {
      throw new SchemaKitValidationError('options.actor', 'is required while the repository audits (or construct it with { audit: false })');
    }
    return retryPartitionRace(this.#ctx.db, 'the audited change', () => inTransaction(this.#ctx.db, async (trx) => {
      const before = change.before ? await change.before(trx) : undefined;
      const row = await change.write(trx);
      const event = change.event(row, before);
      await new EventLogRepo(trx, { schema: this.#ctx.schema }).append({ ...event, user_id: actor }).catch((error: unknown) => {
        if (sqlStateOf(error) !== '42P01') throw error;
        throw new SchemaKitError('audit_not_installed', 'event_log does not exist: install the audit module, or construct the repository with { audit: false }', { cause: error });
      });
      return row;
    }));
  }
}

/** The context and audited writer of a planning repository, from its constructor's arguments, itself and its table (see `repoContext`). */
export function auditedRepo(db: Executor, options: AuditedRepoOptions = {}, repository?: object, table?: string): { readonly ctx: RepoContext; readonly writer: AuditedWriter } {
  const { audit, ...rest } = options;
  const ctx = repoContext(db, rest, repository, table);
  return { ctx, writer: new AuditedWriter(ctx, audit) };
}
