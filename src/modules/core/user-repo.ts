import { sql } from 'kysely';
import { SchemaKitNotFoundError } from '../../errors.js';
import type { JsonValue } from '../../schema/column-types.js';
import type { User } from './tables.js';
import { uuid } from '../../validation/common.js';
import { emailSchema, identitySchema, newUserSchema, telegramIdSchema, telegramUserSchema, type NewUserInput, type TelegramUserInput } from './validation.js';
import { parseInput } from '../../validation/parse.js';
import { repoContext, type Executor, type RepoContext, type RepoOptions } from '../../repos/repo-context.js';
import { run } from '../../repos/run.js';
import { writtenInput } from '../../vocabulary/references.js';
import { coreModule } from './descriptor.js';

/** The input 'user' this repository writes, for the errors its vocabularies raise. */
const USER_INPUT = writtenInput('user', coreModule);

/** The outcome of {@link UserRepo.upsertTelegramUser}: the user, and whether this call created it. */
export interface UpsertTelegramUserResult {
  readonly user: User;
  readonly created: boolean;
}

const COLUMNS = [
  'id', 'email', 'telegram_id', 'telegram_username', 'telegram_first_name', 'telegram_last_name', 'github_id', 'google_id',
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
    this.#ctx = repoContext(db, options);
  }

  /** Creates a user; a taken identity throws `SchemaKitConflictError` naming its unique key. */
  async create(user: NewUserInput): Promise<User> {
    const row = parseInput(newUserSchema, user, 'user');
    return run(
      this.#ctx.db
        .insertInto('users')
        .values({ ...row, preferences: JSON.stringify(row.preferences ?? {}) as unknown as JsonValue })
        .returning(COLUMNS)
        .executeTakeFirstOrThrow(),
      USER_INPUT,
    );
  }

  /**
   * The user with this Telegram id, created on first sight (a bot's "first message" path) and its
   * Telegram names refreshed otherwise, in one race-free statement (INSERT ... ON CONFLICT DO
   * UPDATE): concurrent first messages create one user, and exactly one call reports `created`.
   */
  async upsertTelegramUser(sender: TelegramUserInput): Promise<UpsertTelegramUserResult> {
    const row = parseInput(telegramUserSchema, sender, 'sender');
    const { created, ...user } = await run(
      this.#ctx.db
        .insertInto('users')
        .values(row)
        .onConflict((oc) =>
          oc.column('telegram_id').doUpdateSet((eb) => ({
            telegram_username: eb.ref('excluded.telegram_username'),
            telegram_first_name: eb.ref('excluded.telegram_first_name'),
            telegram_last_name: eb.ref('excluded.telegram_last_name'),
          })),
        )
        // xmax is 0 on a freshly inserted row version, our transaction id on an updated one
        .returning([...COLUMNS, sql<boolean>`xmax = 0`.as('created')])
        .executeTakeFirstOrThrow(),
    );
    return { user, created };
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
        .select(COLUMNS)
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

  /** Marks the user inactive (`is_active = false`) and returns it; throws
   * {@link SchemaKitNotFoundError} for an unknown user. */
  async deactivate(id: string): Promise<User> {
    const userId = parseInput(uuid, id, 'id');
    const row = await run(
      this.#ctx.db.updateTable('users').set({ is_active: false }).where('id', '=', userId).returning(COLUMNS).executeTakeFirst(),
    );
    if (!row) throw new SchemaKitNotFoundError('users', `No user ${userId}: cannot deactivate it.`);
    return row;
  }

  #findBy(column: 'id' | 'telegram_id' | 'github_id' | 'google_id', value: string): Promise<User | undefined> {
    return run(this.#ctx.db.selectFrom('users').select(COLUMNS).where(column, '=', value).executeTakeFirst());
  }
}
