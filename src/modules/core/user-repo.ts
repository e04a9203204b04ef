import { sql, type UpdateObject } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../../schema/database.js';
import { SchemaKitNotFoundError } from '../../errors.js';
import type { JsonValue } from '../../schema/column-types.js';
import type { User } from './tables.js';
import { uuid } from '../../validation/common.js';
import {
  emailSchema,
  identitySchema,
  newUserSchema,
  telegramIdSchema,
  telegramUserSchema,
  upsertTelegramUserOptionsSchema,
  userPatchSchema,
  type NewUserInput,
  type TelegramUserInput,
  type UserPatchInput,
} from './validation.js';
import { parseInput } from '../../validation/parse.js';
import { qualifiedTable, repoContext, type Executor, type RepoContext, type RepoOptions } from '../../repos/repo-context.js';
import { run } from '../../repos/run.js';
import { PreparedSql } from '../../repos/prepared.js';
import { coalesced, coalescerFor, runBatch } from '../../repos/group-commit.js';
import type { Coalescer } from '../../repos/coalescer.js';
import { writtenInput, type WrittenInput } from '../../vocabulary/references.js';
import { coreModule } from './descriptor.js';

/** The inputs this repository writes ('user', a Telegram 'sender', a profile 'patch'), for the errors its vocabularies raise. */
const USER_INPUT = writtenInput('user', coreModule);
const SENDER_INPUT = writtenInput('sender', coreModule);
const PATCH_INPUT = writtenInput('patch', coreModule);

/** The outcome of {@link UserRepo.upsertTelegramUser}: the user, whether this call created it,
 * and whether it made an inactive user active again. */
export interface UpsertTelegramUserResult {
  readonly user: User;
  readonly created: boolean;
  /** The user was inactive (deactivated, e.g. after blocking the bot) and this update made them active. */
  readonly reactivated: boolean;
}

/** Options of {@link UserRepo.upsertTelegramUser}. */
export interface UpsertTelegramUserOptions {
  /**
   * Make an inactive user active again: an update from them means they talk to the bot again
   * (they unblocked it). Default true; false keeps `is_active` as it is (a user the host banned).
   */
  readonly reactivate?: boolean;
}

/** One call of upsertTelegramUser, validated. */
interface SenderUpsert {
  readonly row: z.output<typeof telegramUserSchema>;
  readonly reactivate: boolean;
}

/**
 * upsertTelegramUser for several senders (distinct Telegram ids) in one statement, each row as the
 * one-call statement writes it: the existing rows locked first, in Telegram id order (so two
 * batches never deadlock), before any insert is tried (the sort reads every joined row first);
 * `created` and `reactivated` per row, reactivation per sender.
 */
function upsertBatchSql(table: string): PreparedSql {
  const fields = ['telegram_username', 'telegram_first_name', 'telegram_last_name', 'language_code', 'is_premium', 'added_to_attachment_menu'];
  return new PreparedSql(
    'with input as (select * from unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::boolean[], $8::boolean[]) ' +
      `as t(telegram_id, ${fields.join(', ')}, reactivate)), ` +
      `previous as (select u.telegram_id, u.is_active from ${table} u join input i on u.telegram_id = i.telegram_id order by u.telegram_id for update of u) ` +
      `insert into ${table} as u (telegram_id, ${fields.join(', ')}, is_active) ` +
      `select i.telegram_id, ${fields.map((f) => `i.${f}`).join(', ')}, true from input i cross join (select count(*) from previous) as locked order by i.telegram_id ` +
      `on conflict (telegram_id) do update set ${fields.map((f) => `${f} = excluded.${f}`).join(', ')}, ` +
      'is_active = u.is_active or (select i.reactivate from input i where i.telegram_id = excluded.telegram_id) ' +
      `returning ${USER_COLUMNS.map((c) => `u.${c}`).join(', ')}, u.xmax = 0 as created, ` +
      'coalesce((select i.reactivate and not p.is_active from input i join previous p on p.telegram_id = i.telegram_id where i.telegram_id = u.telegram_id), false) as reactivated',
  );
}

/** The columns of {@link User}, in table order: what every read of `users` returns. */
export const USER_COLUMNS = [
  'id', 'email', 'telegram_id', 'telegram_username', 'telegram_first_name', 'telegram_last_name', 'language_code', 'is_premium',
  'added_to_attachment_menu', 'github_id', 'google_id',
  'name', 'avatar_url', 'skill_level', 'programming_language', 'learning_style', 'career_goals', 'time_commitment',
  'role', 'is_active', 'preferences', 'created_at', 'updated_at', 'last_login_at',
] as const;

/**
 * People on `users`: one row per person, found by any of their identities (email, Telegram,
 * GitHub, Google), each unique.
 *
 * ### Examples
 * ```ts
 * const users = new UserRepo(db);
 * const { user, created } = await users.upsertTelegramUser({ telegram_id: from.id, telegram_username: from.username });
 * const same = await users.findByEmail('Ada@Example.com'); // case-insensitive
 * ```
 */
export class UserRepo {
  readonly #ctx: RepoContext;
  /** Group commit of upsertTelegramUser on createSchemaKit's db (repos/group-commit.ts); undefined elsewhere. */
  readonly #senders: Coalescer<SenderUpsert, UpsertTelegramUserResult> | undefined;

  /** Wraps the host's Kysely instance or transaction; `options.schema` defaults to `'schema_kit'`. */
  constructor(db: Executor, options?: RepoOptions) {
    this.#ctx = repoContext(db, options, this, 'users');
    this.#senders = coalescerFor(this.#ctx, 'upsertTelegramUser', () => {
      const batch = upsertBatchSql(qualifiedTable(this.#ctx, 'users'));
      return {
        one: (upsert) => this.#upsertAlone(upsert),
        many: (upserts) => this.#upsertMany(batch, upserts),
        key: (upsert) => upsert.row.telegram_id,
      };
    });
  }

  /** Creates a user; a taken identity throws `SchemaKitConflictError` naming its unique key. */
  async create(user: NewUserInput): Promise<User> {
    const row = parseInput(newUserSchema, user, 'user');
    return run(
      this.#ctx.db
        .insertInto('users')
        .values({ ...row, preferences: JSON.stringify(row.preferences ?? {}) as unknown as JsonValue })
        .returning(USER_COLUMNS)
        .executeTakeFirstOrThrow(),
      USER_INPUT,
    );
  }

  /**
   * The user with this Telegram id, created on first sight (a bot's "first message" path), its
   * Telegram fields (names, language, flags) refreshed otherwise, and made active again if it was
   * inactive (unless `options.reactivate` is false), in one race-free statement (INSERT ... ON
   * CONFLICT DO UPDATE): concurrent first messages create one user, and exactly one call reports
   * `created`; concurrent updates of an inactive user, exactly one `reactivated`.
   */
  async upsertTelegramUser(sender: TelegramUserInput, options: UpsertTelegramUserOptions = {}): Promise<UpsertTelegramUserResult> {
    const row = parseInput(telegramUserSchema, sender, 'sender');
    const { reactivate = true } = parseInput(upsertTelegramUserOptionsSchema, options, 'options');
    return coalesced(this.#senders, { row, reactivate }, (upsert) => this.#upsertAlone(upsert));
  }

  async #upsertAlone({ row, reactivate }: SenderUpsert): Promise<UpsertTelegramUserResult> {
    const { created, reactivated, ...user } = await run(
      this.#ctx.db
        // the existing row, locked before the insert is tried (the insert's is_active reads it), so
        // its is_active is the one this statement's update replaces, whatever ran concurrently
        .with('previous', (db) => db.selectFrom('users').select('is_active').where('telegram_id', '=', row.telegram_id).forUpdate())
        .insertInto('users')
        .values({ ...row, is_active: sql<boolean>`coalesce((select true from previous), true)` })
        .onConflict((oc) =>
          oc.column('telegram_id').doUpdateSet((eb) => ({
            telegram_username: eb.ref('excluded.telegram_username'),
            telegram_first_name: eb.ref('excluded.telegram_first_name'),
            telegram_last_name: eb.ref('excluded.telegram_last_name'),
            language_code: eb.ref('excluded.language_code'),
            is_premium: eb.ref('excluded.is_premium'),
            added_to_attachment_menu: eb.ref('excluded.added_to_attachment_menu'),
            ...(reactivate ? { is_active: true } : {}),
          })),
        )
        .returning([
          ...USER_COLUMNS,
          // xmax is 0 on a freshly inserted row version, our transaction id on an updated one
          sql<boolean>`xmax = 0`.as('created'),
          sql<boolean>`${sql.lit(reactivate)} and coalesce((select not is_active from previous), false)`.as('reactivated'),
        ])
        .executeTakeFirstOrThrow(),
      SENDER_INPUT,
    );
    return { user, created, reactivated };
  }

  /** Several senders (distinct Telegram ids) in one statement, as {@link upsertBatchSql} takes them; the results in input order. */
  async #upsertMany(batch: PreparedSql, upserts: readonly SenderUpsert[]): Promise<UpsertTelegramUserResult[]> {
    const column = <T>(pick: (upsert: SenderUpsert) => T): T[] => upserts.map(pick);
    const rows = await run(
      runBatch<User & { created: boolean; reactivated: boolean }>(this.#ctx, batch, [
        column((u) => u.row.telegram_id),
        column((u) => u.row.telegram_username ?? null),
        column((u) => u.row.telegram_first_name ?? null),
        column((u) => u.row.telegram_last_name ?? null),
        column((u) => u.row.language_code ?? null),
        column((u) => u.row.is_premium ?? false),
        column((u) => u.row.added_to_attachment_menu ?? false),
        column((u) => u.reactivate),
      ]),
      SENDER_INPUT,
    );
    const byId = new Map(rows.map(({ created, reactivated, ...user }) => [String(user.telegram_id), { user, created, reactivated }]));
    return upserts.map((u) => byId.get(u.row.telegram_id)!);
  }

  /** The user with this id, or undefined. */
  async findById(id: string): Promise<User | undefined> {
    return this.#findBy('id', parseInput(uuid, id, 'id'));
  }

  /** The user with this email, compared case-insensitively, or undefined. */
  async findByEmail(email: string): Promise<User | undefined> {
    const address = parseInput(emailSchema, email, 'email');
    return run(
      this.#ctx.db
        .selectFrom('users')
        .select(USER_COLUMNS)
        .where(sql<string>`lower(email)`, '=', sql<string>`lower(${address})`)
        .executeTakeFirst(),
    );
  }

  /** The user with this Telegram id, or undefined. */
  async findByTelegramId(telegramId: number | bigint | string): Promise<User | undefined> {
    return this.#findBy('telegram_id', parseInput(telegramIdSchema, telegramId, 'telegramId'));
  }

  /** The user with this GitHub id, or undefined. */
  async findByGithubId(githubId: string): Promise<User | undefined> {
    return this.#findBy('github_id', parseInput(identitySchema, githubId, 'githubId'));
  }

  /** The user with this Google id, or undefined. */
  async findByGoogleId(googleId: string): Promise<User | undefined> {
    return this.#findBy('google_id', parseInput(identitySchema, googleId, 'googleId'));
  }

  /**
   * Changes profile fields of the user (names, language, flags, display name, avatar, skill
   * level, preferences, ...; the fields given, the others kept) and returns it; `null` clears a
   * field. Identities, the role and `is_active` change through their own calls. Throws
   * {@link SchemaKitNotFoundError} for an unknown user.
   */
  async update(id: string, patch: UserPatchInput): Promise<User> {
    const userId = parseInput(uuid, id, 'id');
    const { preferences, ...fields } = parseInput(userPatchSchema, patch, 'patch');
    const set = preferences === undefined ? fields : { ...fields, preferences: JSON.stringify(preferences) as unknown as JsonValue };
    return this.#change(userId, set, 'update', PATCH_INPUT);
  }

  /** Marks the user inactive (`is_active = false`) and returns it; throws
   * {@link SchemaKitNotFoundError} for an unknown user. */
  async deactivate(id: string): Promise<User> {
    return this.#change(parseInput(uuid, id, 'id'), { is_active: false }, 'deactivate');
  }

  /** Marks the user active again (`is_active = true`) and returns it; throws
   * {@link SchemaKitNotFoundError} for an unknown user. */
  async activate(id: string): Promise<User> {
    return this.#change(parseInput(uuid, id, 'id'), { is_active: true }, 'activate');
  }

  async #change(userId: string, set: UpdateObject<Database, 'users'>, verb: string, input?: WrittenInput): Promise<User> {
    const row = await run(this.#ctx.db.updateTable('users').set(set).where('id', '=', userId).returning(USER_COLUMNS).executeTakeFirst(), input);
    if (!row) throw new SchemaKitNotFoundError('users', `No user ${userId}: cannot ${verb} it.`);
    return row;
  }

  #findBy(column: 'id' | 'telegram_id' | 'github_id' | 'google_id', value: string): Promise<User | undefined> {
    return run(this.#ctx.db.selectFrom('users').select(USER_COLUMNS).where(column, '=', value).executeTakeFirst());
  }
}
