import { sql } from 'kysely';
import { SchemaKitNotFoundError, SchemaKitValidationError } from '../../errors.js';
import type { JsonValue } from '../../schema/column-types.js';
import type { UserRoleChange } from './tables.js';
import { type ChangeSource } from './values.js';
import { idText, uuid } from '../../validation/common.js';
import { parseInput } from '../../validation/parse.js';
import { changeRoleSchema, recordRoleChangeSchema, roleHistoryPageSchema, roleListSchema } from './validation.js';
import type { Page, PageOptions } from '../../repos/page.js';
import { KeysetListing } from '../../repos/keyset.js';
import { planned } from '../../repos/planned.js';
import { inTransaction } from '../../repos/transaction.js';
import { repoContext, type Executor, type RepoContext, type RepoOptions } from '../../repos/repo-context.js';
import { run } from '../../repos/run.js';
import { retryPartitionRace } from '../../repos/retry.js';
import { writtenInput } from '../../vocabulary/references.js';
import { rolesModule } from './descriptor.js';

/** The input 'change' this repository writes, for the errors its vocabularies raise. */
const CHANGE_INPUT = writtenInput('change', rolesModule);

// built once: building a zod schema costs far more than parsing with it
const changedBySchema = idText(512);

/** Options of {@link RoleChangeLogRepo}: the schema and the roles a change may name. */
export interface RoleChangeLogRepoOptions extends RepoOptions {
  /** The roles `new_role` may take, for a host that keeps its own list. Default: the roles of the
   * `roles` table (`RoleRepo.add` adds one). For `changeRole`, each must also exist in `roles`
   * (the database refuses others). */
  readonly roles?: readonly string[];
}

/** A role change as `changeRole` takes it. */
export interface RoleChangeInput {
  readonly user_id: string;
  readonly new_role: string;
  /** Who made the change (kept as text, so the log outlives the admin's account). */
  readonly changed_by: string;
  readonly reason?: string | null;
  readonly change_source: ChangeSource;
  readonly change_metadata?: Record<string, unknown>;
}

/** A role change as `record` takes it: the caller says what the previous role was. */
export interface RecordedRoleChangeInput extends RoleChangeInput {
  readonly previous_role?: string | null;
}

/** The outcome of {@link RoleChangeLogRepo.changeRole}. */
export interface RoleChangeOutcome {
  /** False when the user already had `new_role`: nothing was written. */
  readonly changed: boolean;
  readonly previous_role: string;
  readonly new_role: string;
  /** The log row written, when the role changed. */
  readonly entry: UserRoleChange | null;
}

/** The refusal of a `new_role` missing from the `roles` table. */
function unknownRole(role: string): SchemaKitValidationError {
  return new SchemaKitValidationError('change.new_role', `${role} is not in the roles table: add it first (RoleRepo.add)`);
}

const COLUMNS = ['id', 'user_id', 'previous_role', 'new_role', 'changed_by', 'reason', 'change_source', 'change_metadata', 'changed_at'] as const;

/**
 * Role changes with an append-only audit trail on `user_role_change_log`.
 *
 * ### Examples
 * ```ts
 * const roles = new RoleChangeLogRepo(db); // new_role: any role of the roles table
 * await roles.changeRole({ user_id, new_role: 'admin', changed_by: 'tg:1', change_source: 'admin', reason: 'promoted' });
 * ```
 */
export class RoleChangeLogRepo {
  readonly #ctx: RepoContext;
  readonly #changeSchema: ReturnType<typeof changeRoleSchema>;
  readonly #recordSchema: ReturnType<typeof recordRoleChangeSchema>;
  /** Whether `new_role` is checked against the `roles` table (no list given). */
  readonly #checkTable: boolean;
  readonly #history: Record<'user_id' | 'changed_by', KeysetListing<UserRoleChange>>;

  /** Wraps the host's Kysely instance or transaction; `options.roles` limits `new_role` to a list
   * of the host's instead of the `roles` table. */
  constructor(db: Executor, options: RoleChangeLogRepoOptions = {}) {
    const { roles, ...rest } = options;
    this.#ctx = repoContext(db, rest, this, 'user_role_change_log');
    const listing = (column: 'user_id' | 'changed_by') =>
      new KeysetListing<UserRoleChange>(this.#ctx, { column: 'changed_at', order: 'desc' }, (value) =>
        this.#ctx.db
          .selectFrom('user_role_change_log')
          .select(COLUMNS)
          .where(column, '=', planned<string>(value(column), column === 'user_id' ? 'uuid' : 'text')),
      );
    this.#history = { user_id: listing('user_id'), changed_by: listing('changed_by') };
    const allowed = roles === undefined ? undefined : parseInput(roleListSchema, roles, 'options.roles');
    this.#checkTable = allowed === undefined;
    this.#changeSchema = changeRoleSchema(allowed);
    this.#recordSchema = recordRoleChangeSchema(allowed);
  }

  /**
   * Changes `users.role` and logs previous -> new in one transaction (a savepoint inside the
   * host's), locking the user row so concurrent changes chain without gaps. No log row is written
   * when the user already has the role. Throws {@link SchemaKitNotFoundError} for an unknown user.
   */
  async changeRole(change: RoleChangeInput): Promise<RoleChangeOutcome> {
    const input = parseInput(this.#changeSchema, change, 'change');
    return retryPartitionRace(this.#ctx.db, 'changeRole', () => inTransaction(this.#ctx.db, async (trx) => {
      const user = await trx
        .selectFrom('users')
        .select((eb) => ['role', eb.exists(eb.selectFrom('roles').select('name').where('name', '=', input.new_role)).as('known')])
        .where('id', '=', input.user_id)
        .forUpdate()
        .executeTakeFirst();
      if (!user) throw new SchemaKitNotFoundError('users', `No user ${input.user_id}: cannot change its role.`);
      if (this.#checkTable && !user.known) throw unknownRole(input.new_role);
      if (user.role === input.new_role) return { changed: false, previous_role: user.role, new_role: input.new_role, entry: null };
      await trx.updateTable('users').set({ role: input.new_role }).where('id', '=', input.user_id).execute();
      const entry = await trx
        .insertInto('user_role_change_log')
        .values({
          ...input,
          previous_role: user.role,
          change_metadata: JSON.stringify(input.change_metadata ?? {}) as unknown as JsonValue,
          // the time the change took effect, under the row lock: history order is chain order
          // (now() would be the transaction's start, which concurrent callers reach out of order)
          changed_at: sql<Date>`clock_timestamp()`,
        })
        .returning(COLUMNS)
        .executeTakeFirstOrThrow();
      return { changed: true, previous_role: user.role, new_role: input.new_role, entry };
    }, CHANGE_INPUT));
  }

  /** Logs a role change without touching `users`, for hosts that keep roles elsewhere. */
  async record(change: RecordedRoleChangeInput): Promise<UserRoleChange> {
    const input = parseInput(this.#recordSchema, change, 'change');
    if (this.#checkTable && !(await run(this.#ctx.db.selectFrom('roles').select('name').where('name', '=', input.new_role).executeTakeFirst()))) {
      throw unknownRole(input.new_role);
    }
    const insert = this.#ctx.db
      .insertInto('user_role_change_log')
      .values({ ...input, change_metadata: JSON.stringify(input.change_metadata ?? {}) as unknown as JsonValue })
      .returning(COLUMNS);
    return retryPartitionRace(this.#ctx.db, 'record', () => run(insert.executeTakeFirstOrThrow(), CHANGE_INPUT));
  }

  /** One keyset page of a user's role changes, newest first. */
  async historyForUser(userId: string, options: PageOptions = {}): Promise<Page<UserRoleChange>> {
    return this.#page('user_id', parseInput(uuid, userId, 'userId'), options);
  }

  /** One keyset page of the changes made by `changedBy`, newest first. */
  async changesBy(changedBy: string, options: PageOptions = {}): Promise<Page<UserRoleChange>> {
    return this.#page('changed_by', parseInput(changedBySchema, changedBy, 'changedBy'), options);
  }

  async #page(column: 'user_id' | 'changed_by', value: string, options: PageOptions): Promise<Page<UserRoleChange>> {
    const page = parseInput(roleHistoryPageSchema, options, 'options');
    return this.#history[column].page({ [column]: value }, page);
  }
}
