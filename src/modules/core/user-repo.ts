import { sql, type UpdateObject } from 'kysely';
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
import { repoContext, type Executor, type RepoContext, type RepoOptions } from '../../repos/repo-context.js';
import { run } from '../../repos/run.js';
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

  /** Wraps the host's Kysely instance or transaction; `options.schema` defaults to `'schema_kit'`. */
  constructor(db: Executor, options?: RepoOptions) {
    this.#ctx = repoContext(db, options, this, 'users');
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
